import type { EventRecord, SessionDetailResponse } from '../../../electron/shared/api';
import { formatDateTime } from '../lib/format';
import { sessionPlace } from '../lib/sessions';
import { finalAnswer, groupTurns } from '../lib/turns';
import { EmptyState } from './EmptyState';
import { TokenSummary } from './TokenSummary';
import { SessionStory } from './SessionStory';
import { SessionEnding } from './SessionEnding';
import { SessionStatusBadge } from './SessionStatusBadge';
import { CostValue } from './CostValue';

interface Props {
  detail: SessionDetailResponse;
  onOpen(record: EventRecord): void;
  selectedSeq: number | null;
  /** Event ids to highlight (a finding's triggering events). */
  highlight?: string[];
}

/** One session told as a story: turns, oldest first, and how it ended; its tokens and cost on top. */
export function SessionTimeline({ detail, onOpen, selectedSeq, highlight = [] }: Props) {
  const s = detail.session;
  const where = sessionPlace(s);
  const turns = groupTurns(detail.events);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const facts = [
    plural(s.prompts, 'prompt', 'prompts'),
    plural(s.commands, 'command', 'commands'),
    plural(s.files_changed, 'file changed', 'files changed'),
    s.patches_failed ? plural(s.patches_failed, 'patch failed', 'patches failed') : '',
  ].filter(Boolean);
  const branch = s.git?.branch ? ` · ${s.git.branch}` : '';
  return (
    <section aria-label="Session timeline" data-testid="session-timeline" style={{ display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1 }}>
      <div className="card-header">
        <div className="timeline-header">
          <h2 data-testid="session-title" title={s.first_prompt ?? undefined}>
            {s.title ?? (where || 'Session')}
          </h2>
          <div className="timeline-meta" data-testid="session-where" title={s.working_directory ?? undefined}>
            {s.title && where ? `${where}${branch} · ` : branch ? `${branch.slice(3)} · ` : ''}
            {formatDateTime(s.started_at)}
            {s.model ? ` · ${s.model}` : ''} · <span className="mono" title="Session id">{s.id.slice(0, 8)}</span>
          </div>
          <div className="timeline-meta" data-testid="session-facts">
            <SessionStatusBadge session={s} />
            {facts.map((f) => (
              <span key={f}>
                {' · '}
                <span className={f.includes('failed') ? 'tag-bad' : undefined}>{f}</span>
              </span>
            ))}
          </div>
        </div>
        <div className="timeline-cost" data-testid="session-cost">
          <span className="faint">Cost (estimate)</span>
          <CostValue cost={s.cost} />
        </div>
      </div>
      <div className="card-body" style={{ borderBottom: '1px solid var(--border)' }}>
        <TokenSummary tokens={s.tokens} label="Tokens used in this session" />
      </div>
      <div className="scroll" style={{ flex: 1 }}>
        {detail.events.length === 0 ? (
          <EmptyState title="Nothing recorded in this session yet." />
        ) : (
          <>
            <SessionStory session={s} turns={turns} onOpen={onOpen} selectedSeq={selectedSeq} highlight={highlight} />
            <SessionEnding session={s} answer={finalAnswer(turns)} />
          </>
        )}
      </div>
    </section>
  );
}

import type { EventRecord, SessionDetailResponse } from '../../../electron/shared/api';
import { formatDateTime, formatDuration } from '../lib/format';
import { sessionPlace } from '../lib/sessions';
import { EventList } from './EventList';
import { EmptyState } from './EmptyState';
import { TokenSummary } from './TokenSummary';

interface Props {
  detail: SessionDetailResponse;
  onOpen(record: EventRecord): void;
  selectedSeq: number | null;
}

/** One session told as a story, oldest first, with its token totals on top. */
export function SessionTimeline({ detail, onOpen, selectedSeq }: Props) {
  const s = detail.session;
  const where = sessionPlace(s);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const facts = [
    plural(s.prompts, 'prompt', 'prompts'),
    plural(s.commands, 'command', 'commands'),
    plural(s.files_changed, 'file changed', 'files changed'),
    s.patches_failed ? plural(s.patches_failed, 'patch failed', 'patches failed') : '',
  ].filter(Boolean);
  return (
    <section aria-label="Session timeline" data-testid="session-timeline" style={{ display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1 }}>
      <div className="card-header">
        <div className="timeline-header">
          <h2>{where || 'Session'}</h2>
          <div className="timeline-meta">
            {formatDateTime(s.started_at)} · {formatDuration(s.duration_ms)}
            {s.model ? ` · ${s.model}` : ''} · <span className="mono" title="Session id">{s.id.slice(0, 8)}</span>
          </div>
          <div className="timeline-meta" data-testid="session-facts">
            {facts.map((f, i) => (
              <span key={f}>
                {i ? ' · ' : ''}
                <span className={f.includes('failed') ? 'tag-bad' : undefined}>{f}</span>
              </span>
            ))}
          </div>
        </div>
      </div>
      <div className="card-body" style={{ borderBottom: '1px solid var(--border)' }}>
        <TokenSummary tokens={s.tokens} label="Tokens used in this session" />
      </div>
      <div className="scroll" style={{ flex: 1 }}>
        <EventList
          records={detail.events}
          label="Session events, oldest first"
          onOpen={onOpen}
          selectedSeq={selectedSeq}
          testId="timeline-events"
          empty={<EmptyState title="Nothing recorded in this session yet." />}
        />
      </div>
    </section>
  );
}

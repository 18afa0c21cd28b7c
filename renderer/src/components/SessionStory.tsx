import { useEffect, type KeyboardEvent } from 'react';
import type { EventRecord, SessionRollup } from '../../../electron/shared/api';
import { formatClock, formatDuration } from '../lib/format';
import type { Turn } from '../lib/turns';
import { EventRow } from './EventRow';
import { TurnUsageRow } from './TurnUsageRow';

/** Arrow keys move between the story's rows, skipping the turn headers between them. */
function onArrow(e: KeyboardEvent<HTMLElement>): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const rows = Array.from(e.currentTarget.querySelectorAll<HTMLElement>(':scope > li.item[tabindex="0"]'));
  const i = rows.indexOf((e.target as HTMLElement).closest('li.item') as HTMLElement);
  const next = rows[i + (e.key === 'ArrowDown' ? 1 : -1)];
  if (i >= 0 && next) {
    e.preventDefault();
    next.focus();
  }
}

interface Props {
  session: SessionRollup;
  turns: Turn[];
  onOpen(record: EventRecord): void;
  selectedSeq: number | null;
  highlight?: string[];
}

/** The session as turns: a header per prompt, its steps, then its responses folded into one line. */
export function SessionStory({ session, turns, onOpen, selectedSeq, highlight = [] }: Props) {
  const marked = new Set(highlight);
  // The first highlighted event is brought into view once the story is drawn.
  useEffect(() => {
    if (marked.size) document.querySelector('.story li.item[data-highlight="true"]')?.scrollIntoView({ block: 'center' });
  }, [highlight.join(',')]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <ul className="items story" aria-label="Session events, oldest first, by turn" data-testid="timeline-events" onKeyDown={onArrow}>
      {turns.map((t) => {
        const rows = t.prompt ? [t.prompt, ...t.steps] : t.steps;
        const span = Date.parse(t.endedAt) - Date.parse(t.startedAt);
        return [
          t.prompt ? (
            <li key={`h${t.number}`} className="turn-head" data-testid="turn-head" aria-hidden="true">
              Turn {t.number} · {formatClock(t.startedAt)}
              {span > 0 ? ` · ${formatDuration(span)}` : ''}
            </li>
          ) : null,
          ...rows.map((r) => <EventRow key={r.seq} record={r} onOpen={onOpen} selected={selectedSeq === r.seq} highlighted={!!r.event.event?.id && marked.has(r.event.event.id)} />),
          <TurnUsageRow key={`u${t.number}`} usage={t.usage} onOpen={onOpen} selectedSeq={selectedSeq} sessionModel={session.model} />,
        ];
      })}
    </ul>
  );
}

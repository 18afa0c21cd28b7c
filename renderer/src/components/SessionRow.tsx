import type { KeyboardEvent } from 'react';
import type { SessionRollup } from '../../../electron/shared/api';
import { formatDateTime } from '../lib/format';
import { sessionPlace } from '../lib/sessions';
import { costView } from '../lib/cost';
import { columnClass, SESSION_COLUMNS } from './SessionColumns';

/** One session in the list. The whole row is a focusable control: Enter opens the timeline. */
export function SessionRow({ session, selected, onOpen }: { session: SessionRollup; selected: boolean; onOpen(id: string): void }) {
  const where = sessionPlace(session);
  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(session.id);
    }
  };
  const asked = session.title ? ` “${session.title}”` : '';
  return (
    <tr
      className="row"
      tabIndex={0}
      data-session={session.id}
      aria-current={selected ? 'true' : undefined}
      aria-label={`Session${asked} in ${where || 'unknown directory'} started ${formatDateTime(session.started_at)}, ${session.prompts} prompts, ${session.commands} commands, ${session.command_failures} failed, ${session.tokens.total} tokens, cost ${costView(session.cost).detail}. Press Enter to open its timeline.`}
      onClick={() => onOpen(session.id)}
      onKeyDown={onKeyDown}
    >
      {SESSION_COLUMNS.map((c) => (
        <td key={c.id} className={columnClass(c)}>
          {c.cell(session)}
        </td>
      ))}
    </tr>
  );
}

import type { KeyboardEvent } from 'react';
import type { SessionRollup } from '../../../electron/shared/api';
import { baseName, formatDateTime, formatDuration, formatNumber } from '../lib/format';

/** One session in the list. The whole row is a focusable control: Enter opens the timeline. */
export function SessionRow({ session, selected, onOpen }: { session: SessionRollup; selected: boolean; onOpen(id: string): void }) {
  const where = session.repository ?? baseName(session.working_directory) ?? '';
  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(session.id);
    }
  };
  return (
    <tr
      className="row"
      tabIndex={0}
      data-session={session.id}
      aria-current={selected ? 'true' : undefined}
      aria-label={`Session in ${where || 'unknown directory'} started ${formatDateTime(session.started_at)}, ${session.prompts} prompts, ${session.commands} commands, ${session.command_failures} failed, ${session.tokens.total} tokens. Press Enter to open its timeline.`}
      onClick={() => onOpen(session.id)}
      onKeyDown={onKeyDown}
    >
      <td className="num">{formatDateTime(session.started_at)}</td>
      <td>
        <div className="session-cell-dir" title={session.working_directory ?? undefined}>
          {where || <span className="faint">unknown</span>}
        </div>
        <div className="session-cell-model">{session.model ?? 'model unknown'}</div>
      </td>
      <td className="n">{formatDuration(session.duration_ms)}</td>
      <td className="n">{session.prompts}</td>
      <td className="n">{session.commands}</td>
      <td className="n">{session.command_failures + session.errors > 0 ? <span className="tag-bad">{session.command_failures + session.errors}</span> : 0}</td>
      <td className="n">{formatNumber(session.tokens.total)}</td>
    </tr>
  );
}

import type { SessionRollup } from '../../../electron/shared/api';
import { onRowArrowKeys } from './EventList';
import { SessionRow } from './SessionRow';
import { columnClass, SESSION_COLUMNS } from './SessionColumns';

/** The sessions list: newest activity first, one row per Codex conversation. */
export function SessionsTable({ sessions, selectedId, onOpen }: { sessions: SessionRollup[]; selectedId: string | null; onOpen(id: string): void }) {
  return (
    <table className="data sessions" aria-label="Codex sessions" data-testid="sessions-table">
      <thead>
        <tr>
          {SESSION_COLUMNS.map((c) => (
            <th key={c.id} scope="col" className={columnClass(c)}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody onKeyDown={onRowArrowKeys}>
        {sessions.map((s) => (
          <SessionRow key={s.id} session={s} selected={s.id === selectedId} onOpen={onOpen} />
        ))}
      </tbody>
    </table>
  );
}

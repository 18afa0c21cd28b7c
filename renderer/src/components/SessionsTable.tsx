import type { SessionRollup } from '../../../electron/shared/api';
import { onRowArrowKeys } from './EventList';
import { SessionRow } from './SessionRow';

/** The sessions list: newest activity first, one row per Codex conversation. */
export function SessionsTable({ sessions, selectedId, onOpen }: { sessions: SessionRollup[]; selectedId: string | null; onOpen(id: string): void }) {
  return (
    <table className="data" aria-label="Codex sessions" data-testid="sessions-table">
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Repository · model</th>
          <th scope="col" className="n">Duration</th>
          <th scope="col" className="n">Prompts</th>
          <th scope="col" className="n">Commands</th>
          <th scope="col" className="n">Failures</th>
          <th scope="col" className="n">Tokens</th>
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

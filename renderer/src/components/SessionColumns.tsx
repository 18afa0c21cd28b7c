/**
 * The sessions table's columns, as data: a new column (cost, findings, ...) is one entry here,
 * and the header and every row follow. `fill` marks the one column that takes the room left and
 * shortens its text with an ellipsis, so the table fits its card instead of scrolling sideways.
 */
import type { ReactNode } from 'react';
import type { SessionRollup } from '../../../electron/shared/api';
import { formatDateTime, formatDuration, formatNumber } from '../lib/format';
import { sessionPlace } from '../lib/sessions';
import { CostValue } from './CostValue';

export interface SessionColumn {
  id: string;
  header: ReactNode;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  /** Takes the remaining width; its content must ellipsize. At most one column. */
  fill?: boolean;
  cell(s: SessionRollup): ReactNode;
}

/** The title a person recognises first, then where it ran (repository, branch) and the model. */
function SessionCell({ s }: { s: SessionRollup }) {
  const place = sessionPlace(s);
  return (
    <>
      <div className="session-cell-title" title={s.first_prompt ?? undefined}>
        {s.title ?? <span className="faint">{s.prompts ? 'prompt text not recorded' : 'no prompt recorded'}</span>}
      </div>
      <div className="session-cell-dir" title={s.working_directory ?? undefined}>
        {place || <span className="faint">unknown directory</span>}
        {s.git?.branch ? <span className="session-cell-branch"> · {s.git.branch}</span> : null}
        <span className="session-cell-model"> · {s.model ?? 'model unknown'}</span>
      </div>
    </>
  );
}

export const SESSION_COLUMNS: SessionColumn[] = [
  { id: 'started', header: 'Started', cell: (s) => <span className="num">{formatDateTime(s.started_at)}</span> },
  { id: 'session', header: 'Session · repository · model', fill: true, cell: (s) => <SessionCell s={s} /> },
  { id: 'duration', header: 'Duration', numeric: true, cell: (s) => formatDuration(s.duration_ms) },
  { id: 'commands', header: 'Commands', numeric: true, cell: (s) => s.commands },
  {
    id: 'failures',
    header: 'Failures',
    numeric: true,
    cell: (s) => (s.command_failures + s.errors > 0 ? <span className="tag-bad">{s.command_failures + s.errors}</span> : 0),
  },
  {
    id: 'tokens',
    header: (
      <>
        <span className="token-label">Tokens</span>
        <span className="token-note">incl. cached</span>
      </>
    ),
    numeric: true,
    cell: (s) => formatNumber(s.tokens.total),
  },
  {
    id: 'cost',
    header: (
      <>
        <span className="token-label">Cost</span>
        <span className="token-note">estimate</span>
      </>
    ),
    numeric: true,
    cell: (s) => <CostValue cost={s.cost} />,
  },
];

export function columnClass(c: SessionColumn): string | undefined {
  return [c.numeric ? 'n' : '', c.fill ? 'fill' : ''].filter(Boolean).join(' ') || undefined;
}

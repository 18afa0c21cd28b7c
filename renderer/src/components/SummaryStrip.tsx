import type { ReactNode } from 'react';
import type { SessionRollup } from '../../../electron/shared/api';
import { formatNumber } from '../lib/format';
import { TOKEN_LABELS } from '../lib/tokens';
import { addCost, EMPTY_COST } from '../lib/cost';
import { CostValue } from './CostValue';

interface Stat {
  id: string;
  label: string;
  value: number;
  /** Shown instead of the number (the cost). */
  display?: ReactNode;
  /** Shown after the value, in red when non-zero (failures). */
  failed?: number;
  /** A quieter line under the value. */
  note?: ReactNode;
}

/** Four numbers at a glance above the sessions list (Codex sessions only): sessions, cost, commands, tokens. */
export function SummaryStrip({ sessions }: { sessions: SessionRollup[] }) {
  const sum = (f: (s: SessionRollup) => number) => sessions.reduce((n, s) => n + f(s), 0);
  const stats: Stat[] = [
    { id: 'sessions', label: 'Sessions', value: sessions.length },
    { id: 'cost', label: 'Cost (estimate)', value: 0, display: <CostValue cost={sessions.map((s) => s.cost).reduce(addCost, EMPTY_COST)} /> },
    { id: 'commands', label: 'Commands (failed)', value: sum((s) => s.commands), failed: sum((s) => s.command_failures) },
    {
      id: 'tokens',
      label: `Tokens (${TOKEN_LABELS.total.note})`,
      value: sum((s) => s.tokens.total),
      note: `${TOKEN_LABELS.codex_tokens_used.label} ${formatNumber(sum((s) => s.tokens.codex_tokens_used))}`,
    },
  ];
  return (
    <div className="summary-strip" role="list" aria-label="Totals">
      {stats.map((s) => (
        <div key={s.id} className="card stat" role="listitem">
          <div className="label">{s.label}</div>
          <div className="value">
            <span data-testid={`summary-${s.id}`}>{s.display ?? formatNumber(s.value)}</span>
            {s.failed !== undefined ? (
              <span className={s.failed ? 'tag-bad' : 'faint'} style={{ fontSize: 14, marginLeft: 6 }}>
                ({formatNumber(s.failed)})
              </span>
            ) : null}
          </div>
          {s.note ? <div className="stat-note">{s.note}</div> : null}
        </div>
      ))}
    </div>
  );
}

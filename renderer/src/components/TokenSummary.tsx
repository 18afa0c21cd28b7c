import type { TokenTotals } from '../../../electron/shared/api';
import { formatNumber } from '../lib/format';

const CELLS: Array<{ key: keyof TokenTotals; label: string }> = [
  { key: 'input', label: 'Input' },
  { key: 'cached_input', label: 'Cached' },
  { key: 'output', label: 'Output' },
  { key: 'reasoning', label: 'Reasoning' },
  { key: 'total', label: 'Total' },
];

/** Five token counts side by side; the parts are disjoint, so they add up to the total. */
export function TokenSummary({ tokens, label, compact }: { tokens: TokenTotals; label: string; compact?: boolean }) {
  const cells = compact ? [CELLS[4], ...CELLS.slice(0, 4)] : CELLS;
  return (
    <dl className={`token-grid${compact ? ' compact' : ''}`} aria-label={label} data-testid="token-summary" style={{ margin: 0 }}>
      {cells.map((c) => (
        <div key={c.key} className={`token-cell${c.key === 'total' ? ' total' : ''}`} data-token={c.key}>
          <dt className="label">{c.label}</dt>
          <dd className="value" style={{ margin: 0 }}>
            {formatNumber(tokens[c.key])}
          </dd>
        </div>
      ))}
    </dl>
  );
}

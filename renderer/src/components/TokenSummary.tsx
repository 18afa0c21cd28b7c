import type { TokenTotals } from '../../../electron/shared/api';
import { formatNumber } from '../lib/format';
import { TokenLabel } from './TokenLabel';

/** The disjoint parts add up to Total; Codex's own figure is Total without cached input. */
const PARTS: Array<keyof TokenTotals> = ['input', 'cached_input', 'output', 'reasoning'];
const SUMS: Array<keyof TokenTotals> = ['total', 'codex_tokens_used'];

/**
 * Token counts with their labels: the four disjoint parts, Beacon's total and, beside it, the
 * figure Codex prints as `tokens used`, so a user can check one against their terminal.
 * `compact` (the tray): the two sums first on one row, the parts in a 2 x 2 grid under them.
 */
export function TokenSummary({ tokens, label, compact }: { tokens: TokenTotals; label: string; compact?: boolean }) {
  const cells = compact ? [...SUMS, ...PARTS] : [...PARTS, ...SUMS];
  return (
    <dl className={`token-grid${compact ? ' compact' : ''}`} aria-label={label} data-testid="token-summary" style={{ margin: 0 }}>
      {cells.map((key) => (
        <div key={key} className={`token-cell${SUMS.includes(key) ? ' sum' : ''}${key === 'total' ? ' total' : ''}`} data-token={key}>
          <dt className="label">
            <TokenLabel tokenKey={key} />
          </dt>
          <dd className="value" style={{ margin: 0 }}>
            {formatNumber(tokens[key])}
          </dd>
        </div>
      ))}
    </dl>
  );
}

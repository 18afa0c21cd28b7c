import type { TokenBucket, TokenBucketSize, TokenTotals } from '../../../electron/shared/api';
import { formatNumber } from '../lib/format';
import { TOKEN_PARTS } from '../lib/tokens';
import { TokenLabel } from './TokenLabel';

/** "Nov 24, 14:00" for hour buckets, "Nov 24" for days; `short` drops the date for axis labels. */
export function bucketLabel(start: string, bucket: TokenBucketSize, short = false): string {
  const d = new Date(start);
  if (bucket === 'day') return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
  return short ? time : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${time}`;
}

/** The chart's numbers as a table (the accessible fallback), with the server's totals as footer. */
export function TokenTable({ buckets, bucket, totals }: { buckets: TokenBucket[]; bucket: TokenBucketSize; totals: TokenTotals }) {
  return (
    <table className="data" aria-label={`Token usage per ${bucket}`} data-testid="token-table">
      <thead>
        <tr>
          <th scope="col">{bucket === 'day' ? 'Day' : bucket === 'hour' ? 'Hour' : 'Minute'}</th>
          {TOKEN_PARTS.map((p) => (
            <th key={p.key} scope="col" className="n">
              <TokenLabel tokenKey={p.key} />
            </th>
          ))}
          <th scope="col" className="n">
            <TokenLabel tokenKey="total" />
          </th>
          <th scope="col" className="n">
            <TokenLabel tokenKey="codex_tokens_used" />
          </th>
        </tr>
      </thead>
      <tbody>
        {buckets.map((b) => (
          <tr key={b.start}>
            <th scope="row" style={{ fontWeight: 400, background: 'none', position: 'static', color: 'var(--text)' }}>
              {bucketLabel(b.start, bucket)}
            </th>
            {TOKEN_PARTS.map((p) => (
              <td key={p.key} className="n" data-token={p.key}>
                {formatNumber(b.tokens[p.key])}
              </td>
            ))}
            <td className="n" data-token="total">
              {formatNumber(b.tokens.total)}
            </td>
            <td className="n" data-token="codex_tokens_used">
              {formatNumber(b.tokens.codex_tokens_used)}
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr data-testid="token-totals">
          <td>Total</td>
          {TOKEN_PARTS.map((p) => (
            <td key={p.key} className="n" data-token={p.key}>
              {formatNumber(totals[p.key])}
            </td>
          ))}
          <td className="n" data-token="total">
            {formatNumber(totals.total)}
          </td>
          <td className="n" data-token="codex_tokens_used">
            {formatNumber(totals.codex_tokens_used)}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

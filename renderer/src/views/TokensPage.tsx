import { useEffect } from 'react';
import { TOKEN_BUCKETS, type TokenBucketSize } from '../../../electron/shared/api';
import { useTokens } from '../stores/tokens';
import { TokenChart } from '../components/TokenChart';
import { TokenTable } from '../components/TokenTable';
import { TokenSummary } from '../components/TokenSummary';
import { EmptyState, NoActivityYet } from '../components/EmptyState';
import { formatNumber } from '../lib/format';
import { fillBucketGaps } from '../lib/tokens';
import { TokenLabel } from '../components/TokenLabel';
import { CostValue } from '../components/CostValue';
import { formatUsd } from '../lib/cost';

/** Token usage over time: totals, a stacked bar chart, and the same numbers as a table. */
export function TokensPage() {
  const { bucket, data, error, setBucket, load } = useTokens();

  useEffect(() => {
    void load();
  }, [load]);

  if (error && !data) return <EmptyState title="Could not load token usage.">{error}</EmptyState>;
  if (!data) return <EmptyState title="Loading token usage…" />;

  const titleGen = data.title_generation_totals.total;
  return (
    <>
      <section className="card" aria-labelledby="tokens-title">
        <div className="card-header">
          <h2 id="tokens-title">Token usage</h2>
          <label className="muted" style={{ fontSize: 12, display: 'inline-flex', gap: 6, alignItems: 'center' }}>
            Per
            <select className="select" value={bucket} onChange={(e) => setBucket(e.target.value as TokenBucketSize)} aria-label="Bucket size">
              {TOKEN_BUCKETS.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="card-body" style={{ display: 'flex', flexDirection: 'column', gap: 14 }}>
          <TokenSummary tokens={data.totals} label="Token totals, all sessions" />
          {data.buckets.length === 0 ? (
            <NoActivityYet />
          ) : (
            <>
              <TokenChart buckets={fillBucketGaps(data.buckets, data.bucket)} bucket={data.bucket} />
              {titleGen ? (
                <p className="faint" style={{ margin: 0, fontSize: 12.5 }}>
                  Not included: {formatNumber(titleGen)} tokens{data.title_generation_cost.priced_events ? ` (${formatUsd(data.title_generation_cost.usd)})` : ''} Codex spent generating conversation titles.
                </p>
              ) : null}
            </>
          )}
        </div>
      </section>
      {data.buckets.length ? (
        <div className="split" style={{ flex: 'none' }}>
          <section className="card" aria-labelledby="tokens-table-title">
            <div className="card-header">
              <h2 id="tokens-table-title">Per {data.bucket}</h2>
            </div>
            <div className="scroll" style={{ maxHeight: 360 }}>
              <TokenTable buckets={data.buckets} bucket={data.bucket} totals={data.totals} />
            </div>
          </section>
          <section className="card" aria-labelledby="tokens-model-title">
            <div className="card-header">
              <h2 id="tokens-model-title">By model</h2>
            </div>
            <table className="data" aria-label="Tokens by model">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col" className="n">
                    <TokenLabel tokenKey="total" />
                  </th>
                  <th scope="col" className="n">
                    <TokenLabel tokenKey="codex_tokens_used" />
                  </th>
                  <th scope="col" className="n">
                    <span className="token-label">Cost</span>
                    <span className="token-note">estimate</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.by_model.map((m) => (
                  <tr key={m.model ?? '(unknown)'}>
                    <td>{m.model ?? <span className="faint">unknown</span>}</td>
                    <td className="n">{formatNumber(m.tokens.total)}</td>
                    <td className="n">{formatNumber(m.tokens.codex_tokens_used)}</td>
                    <td className="n" data-testid="model-cost">
                      <CostValue cost={m.cost} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      ) : null}
    </>
  );
}

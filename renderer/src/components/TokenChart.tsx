import { useEffect, useRef, useState, type RefObject } from 'react';
import type { TokenBucket, TokenBucketSize } from '../../../electron/shared/api';
import { formatCompact, formatNumber } from '../lib/format';
import { TOKEN_PARTS, tokenLabelText } from '../lib/tokens';
import { bucketLabel } from './TokenTable';

const H = 220;
const PAD = { top: 12, right: 8, bottom: 26, left: 48 };
const MAX_BAR_W = 40;

/** A round step (1, 2, 2.5 or 5 times a power of ten) so that about four steps reach n. */
export function niceTicks(n: number): number[] {
  if (n <= 0) return [0, 1];
  const raw = n / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
  const count = Math.max(1, Math.ceil(n / step));
  return Array.from({ length: count + 1 }, (_, i) => i * step);
}

/** The drawing is sized in real pixels (not a scaled viewBox) so text keeps its size on any width. */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(720);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const w = Math.round(entries[0]?.contentRect.width ?? 0);
      if (w > 0) setWidth(w);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/**
 * Stacked bars of the four disjoint token kinds per time bucket, drawn as plain SVG (no chart
 * library: nothing to load, nothing to fetch). Screen readers get a one-line summary here and
 * the full numbers in the table next to it.
 */
export function TokenChart({ buckets, bucket }: { buckets: TokenBucket[]; bucket: TokenBucketSize }) {
  const [ref, W] = useWidth<HTMLElement>();
  const ticks = niceTicks(Math.max(0, ...buckets.map((b) => b.tokens.total)));
  const max = ticks[ticks.length - 1];
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(buckets.length, 1);
  const barW = Math.max(2, Math.min(MAX_BAR_W, slot * 0.6));
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const labelEvery = Math.max(1, Math.ceil((buckets.length * 60) / plotW));
  const total = buckets.reduce((sum, b) => sum + b.tokens.total, 0);

  return (
    <figure ref={ref} className="chart" style={{ margin: 0 }} data-testid="token-chart">
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Token usage per ${bucket}: ${formatNumber(total)} tokens over ${buckets.length} ${bucket === 'day' ? 'days' : `${bucket}s`}. Exact numbers are in the table below.`}>
        {ticks.map((t) => (
          <g key={t}>
            <line className={t === 0 ? 'axis' : 'grid'} x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 6} y={y(t) + 3} textAnchor="end">
              {formatCompact(t)}
            </text>
          </g>
        ))}
        {buckets.map((b, i) => {
          const x = PAD.left + slot * i + (slot - barW) / 2;
          let acc = 0;
          return (
            <g key={b.start} data-bucket={b.tokens.total > 0 ? b.start : undefined}>
              <title>
                {`${bucketLabel(b.start, bucket)}: ${formatNumber(b.tokens.total)} tokens (${TOKEN_PARTS.map((p) => `${tokenLabelText(p.key).toLowerCase()} ${formatNumber(b.tokens[p.key])}`).join(', ')}; Codex “tokens used” ${formatNumber(b.tokens.codex_tokens_used)})`}
              </title>
              {TOKEN_PARTS.map((p) => {
                const v = b.tokens[p.key];
                if (v <= 0) return null;
                const top = y(acc + v);
                const h = y(acc) - top;
                acc += v;
                return <rect key={p.key} x={x} y={top} width={barW} height={Math.max(h, 0.5)} fill={p.color} rx={1.5} />;
              })}
              {i % labelEvery === 0 ? (
                <text x={x + barW / 2} y={H - 8} textAnchor="middle">
                  {bucketLabel(b.start, bucket, true)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend" style={{ marginTop: 8 }}>
        {TOKEN_PARTS.map((p) => (
          <span key={p.key}>
            <i style={{ background: p.color }} aria-hidden="true" />
            {tokenLabelText(p.key)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

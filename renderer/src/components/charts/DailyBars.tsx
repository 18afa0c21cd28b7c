import { niceTicks } from '../TokenChart';
import { useWidth } from './use-width';

export interface Series {
  key: string;
  label: string;
  color: string;
}

export interface DayColumn {
  /** YYYY-MM-DD */
  day: string;
  /** Value per series key. */
  values: Record<string, number>;
  /** The tooltip for the whole day. */
  title: string;
}

interface Props {
  days: DayColumn[];
  series: Series[];
  format(v: number): string;
  /** Short axis labels. */
  formatAxis(v: number): string;
  label: string;
  testId?: string;
  height?: number;
}

const PAD = { top: 12, right: 8, bottom: 24, left: 52 };

function dayLabel(day: string): string {
  const d = new Date(`${day}T12:00:00`);
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/**
 * Stacked bars, one per day, one colour per series, drawn as plain SVG in real pixels (readable
 * at 1024 px and up). Every bar has a tooltip with the day's numbers; the legend names the series.
 */
export function DailyBars({ days, series, format, formatAxis, label, testId, height = 200 }: Props) {
  const [ref, W] = useWidth<HTMLElement>();
  const totals = days.map((d) => series.reduce((s, x) => s + (d.values[x.key] ?? 0), 0));
  const ticks = niceTicks(Math.max(0, ...totals));
  const max = ticks[ticks.length - 1] || 1;
  const plotW = Math.max(10, W - PAD.left - PAD.right);
  const plotH = height - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(days.length, 1);
  const barW = Math.max(3, Math.min(28, slot * 0.7));
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  // About one date label per 70 px, always the last day (today).
  const every = Math.max(1, Math.ceil((days.length * 70) / plotW));
  return (
    <figure ref={ref} className="chart" style={{ margin: 0 }} data-testid={testId}>
      <svg width={W} height={height} viewBox={`0 0 ${W} ${height}`} role="img" aria-label={label}>
        {ticks.map((t) => (
          <g key={t}>
            <line className={t === 0 ? 'axis' : 'grid'} x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 6} y={y(t) + 3} textAnchor="end">
              {formatAxis(t)}
            </text>
          </g>
        ))}
        {days.map((d, i) => {
          const x = PAD.left + slot * i + (slot - barW) / 2;
          let acc = 0;
          const showLabel = (days.length - 1 - i) % every === 0;
          return (
            <g key={d.day} data-day={d.day} data-total={totals[i]}>
              <title>{d.title}</title>
              <rect x={PAD.left + slot * i} y={PAD.top} width={slot} height={plotH} fill="transparent" />
              {series.map((s) => {
                const v = d.values[s.key] ?? 0;
                if (v <= 0) return null;
                const top = y(acc + v);
                const h = y(acc) - top;
                acc += v;
                return <rect key={s.key} x={x} y={top} width={barW} height={Math.max(h, 1)} fill={s.color} rx={1.5} />;
              })}
              {showLabel ? (
                <text x={x + barW / 2} y={height - 7} textAnchor="middle">
                  {dayLabel(d.day)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? (
        <figcaption className="legend" style={{ marginTop: 6 }}>
          {series.map((s) => (
            <span key={s.key}>
              <i style={{ background: s.color }} aria-hidden="true" />
              {s.label}
            </span>
          ))}
        </figcaption>
      ) : null}
      <span className="visually-hidden">{days.map((d) => d.title).join('. ')}</span>
    </figure>
  );
}

/**
 * The Trends page's arithmetic: which models get their own colour (the costliest few; the rest
 * are "other models"), the day columns for the cost and token charts, the failure rate.
 */
import type { TrendDay, TrendsResponse } from '../../../electron/shared/api';
import { OTHER_COLOR, SERIES_COLORS } from '../components/charts/use-width';
import type { DayColumn, Series } from '../components/charts/DailyBars';
import { formatUsd } from './cost';
import { formatNumber } from './format';

export const OTHER = '(other models)';
const UNKNOWN = '(model not named)';

/** `measure` cost: a model with no price draws no bar, so its legend entry says why. */
export function modelSeries(t: TrendsResponse, measure: 'cost' | 'tokens' = 'tokens'): Series[] {
  const named = t.models.map((m) => m.model ?? UNKNOWN);
  const own = named.slice(0, SERIES_COLORS.length - 1);
  const unpriced = new Set(t.models.filter((m) => m.cost.priced_events === 0).map((m) => m.model ?? UNKNOWN));
  const series = own.map((m, i) => ({ key: m, label: measure === 'cost' && unpriced.has(m) ? `${m} (price unknown)` : m, color: SERIES_COLORS[i] }));
  if (named.length > own.length) series.push({ key: OTHER, label: 'other models', color: OTHER_COLOR });
  return series;
}

function keyOf(model: string | null, series: Series[]): string {
  const m = model ?? UNKNOWN;
  return series.some((s) => s.key === m) ? m : OTHER;
}

function dayName(day: string): string {
  return new Date(`${day}T12:00:00`).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
}

export function costColumns(t: TrendsResponse, series: Series[]): DayColumn[] {
  return t.daily.map((d) => {
    const values: Record<string, number> = {};
    for (const m of d.by_model) values[keyOf(m.model, series)] = (values[keyOf(m.model, series)] ?? 0) + m.cost.usd;
    const parts = d.by_model.filter((m) => m.cost.priced_events + m.cost.unpriced_events > 0).map((m) => `${m.model ?? UNKNOWN} ${m.cost.priced_events ? formatUsd(m.cost.usd) : 'price unknown'}`);
    const n = d.cost.unpriced_events;
    const unknown = n ? `; ${n} ${n === 1 ? 'response' : 'responses'} with price unknown (${d.cost.unpriced_models.join(', ')})` : '';
    return { day: d.day, values, title: `${dayName(d.day)}: ${formatUsd(d.cost.usd)} estimated${parts.length ? ` (${parts.join(', ')})` : ''}${unknown}` };
  });
}

export function tokenColumns(t: TrendsResponse, series: Series[]): DayColumn[] {
  return t.daily.map((d) => {
    const values: Record<string, number> = {};
    for (const m of d.by_model) values[keyOf(m.model, series)] = (values[keyOf(m.model, series)] ?? 0) + m.tokens.total;
    return { day: d.day, values, title: `${dayName(d.day)}: ${formatNumber(d.tokens.total)} tokens${d.by_model.length ? ` (${d.by_model.map((m) => `${m.model ?? UNKNOWN} ${formatNumber(m.tokens.total)}`).join(', ')})` : ''}` };
  });
}

export const RUN_SERIES: Series[] = [
  { key: 'ok', label: 'succeeded', color: 'var(--series-ok)' },
  { key: 'failed', label: 'failed', color: 'var(--bad)' },
];

export function commandColumns(t: TrendsResponse): DayColumn[] {
  return t.daily.map((d: TrendDay) => ({
    day: d.day,
    values: { ok: d.commands - d.command_failures, failed: d.command_failures },
    title: `${dayName(d.day)}: ${d.commands} commands, ${d.command_failures} failed${d.commands ? ` (${failureRate(d.command_failures, d.commands)})` : ''}`,
  }));
}

/** "12%", "0%", or "—" when nothing ran. */
export function failureRate(failures: number, runs: number): string {
  if (!runs) return '—';
  const pct = (failures / runs) * 100;
  return `${pct > 0 && pct < 1 ? pct.toFixed(1) : Math.round(pct)}%`;
}

/**
 * GET /api/trends over the index: per local day for the last N days, tokens and cost by model,
 * sessions started, commands and their failures; the most-run commands; the costliest sessions.
 * Walks only the token.usage and command.executed position lists and the session rollups, so
 * its cost grows with those events, not with the log.
 */
import type { CommandCount, CostTotals, SessionCost, SessionRollup, TokenTotals, TrendDay, TrendsResponse } from '../shared/api';
import type { BeaconEvent } from '../shared/event';
import { commandKey } from './command-key';
import { addCost, emptyCost, mergeCost, snapshotCost } from './cost-totals';
import { addUsage, emptyTokens, modelOf } from './reader-sessions';

const DAY_MS = 86_400_000;
const TOP = 10;

/** What trends need from the index (EventIndex implements it). */
export interface TrendsSource {
  positions(action: string): readonly number[];
  /** Parallel arrays by seq (the index's own; read, never changed). */
  events: readonly BeaconEvent[];
  times: readonly number[];
  sessions: readonly (string | undefined)[];
  rollups(): SessionRollup[];
}

interface DayAcc {
  tokens: TokenTotals;
  cost: CostTotals;
  byModel: Map<string | null, { tokens: TokenTotals; cost: CostTotals }>;
  sessions: number;
  commands: number;
  failures: number;
}

function commandFailed(ev: BeaconEvent): boolean {
  const c = ev.command;
  if (!c) return false;
  if (c.success === false) return true;
  return typeof c.exit_code === 'number' && c.exit_code !== 0 && c.success !== true;
}

function sortModels(map: Map<string | null, { tokens: TokenTotals; cost: CostTotals }>) {
  return [...map.entries()]
    .map(([model, m]) => ({ model, tokens: m.tokens, cost: snapshotCost(m.cost) }))
    .sort((a, b) => b.cost.usd - a.cost.usd || b.tokens.total - a.tokens.total);
}

/**
 * @param tzOffsetMin the client's Date.getTimezoneOffset() (minutes west of UTC), so days are its local days
 */
export function computeTrends(src: TrendsSource, days: number, tzOffsetMin: number, nowMs: number): TrendsResponse {
  const shift = -tzOffsetMin * 60_000; // local = utc + shift
  const today = Math.floor((nowMs + shift) / DAY_MS);
  const firstDay = today - days + 1;
  const sinceMs = firstDay * DAY_MS - shift;
  const dayOf = (ms: number) => Math.floor((ms + shift) / DAY_MS) - firstDay;
  const acc: DayAcc[] = Array.from({ length: days }, () => ({ tokens: emptyTokens(), cost: emptyCost(), byModel: new Map(), sessions: 0, commands: 0, failures: 0 }));

  const rollups = src.rollups();
  const excluded = new Set(rollups.filter((s) => s.title_generation || s.beacon_validation).map((s) => s.id));
  const { events, times, sessions } = src;
  const keep = (seq: number): boolean => {
    const s = sessions[seq];
    return s === undefined || !excluded.has(s);
  };

  const models = new Map<string | null, { tokens: TokenTotals; cost: CostTotals }>();
  for (const seq of src.positions('token.usage')) {
    const t = times[seq];
    if (t < sinceMs || t > nowMs + DAY_MS || !keep(seq)) continue;
    const d = dayOf(t);
    if (d < 0 || d >= days) continue;
    const ev = events[seq];
    const model = ev.gen_ai?.request?.model ?? modelOf(ev);
    const usage = ev.gen_ai?.usage;
    const day = acc[d];
    addUsage(day.tokens, usage);
    addCost(day.cost, ev, model);
    for (const map of [day.byModel, models]) {
      let m = map.get(model ?? null);
      if (!m) map.set(model ?? null, (m = { tokens: emptyTokens(), cost: emptyCost() }));
      addUsage(m.tokens, usage);
      addCost(m.cost, ev, model);
    }
  }

  const counts = new Map<string, CommandCount>();
  // The same few command lines recur thousands of times: name each once.
  const keys = new Map<string, string | null>();
  let withheld = 0;
  for (const seq of src.positions('command.executed')) {
    const t = times[seq];
    if (t < sinceMs || !keep(seq)) continue;
    const d = dayOf(t);
    if (d < 0 || d >= days) continue;
    const ev = events[seq];
    const failed = commandFailed(ev);
    acc[d].commands++;
    if (failed) acc[d].failures++;
    const text = ev.command?.command ?? ev.tool?.command;
    let key: string | null = null;
    if (typeof text === 'string') {
      key = keys.get(text) ?? null;
      if (key === null && !keys.has(text)) {
        key = commandKey(text);
        if (keys.size < 10_000) keys.set(text, key);
      }
    }
    if (!key) {
      withheld++;
      continue;
    }
    let c = counts.get(key);
    if (!c) counts.set(key, (c = { command: key, runs: 0, failures: 0 }));
    c.runs++;
    if (failed) c.failures++;
  }

  const sessionCosts: SessionCost[] = [];
  for (const s of rollups) {
    if (excluded.has(s.id)) continue;
    const started = Date.parse(s.started_at);
    const last = Date.parse(s.last_at);
    if (Number.isFinite(started)) {
      const d = dayOf(started);
      if (d >= 0 && d < days) acc[d].sessions++;
    }
    if (!(last >= sinceMs)) continue;
    if (s.cost.priced_events + s.cost.unpriced_events === 0) continue;
    sessionCosts.push({ id: s.id, title: s.title, repository: s.repository, started_at: s.started_at, model: s.model, tokens: s.tokens.total, cost: s.cost });
  }
  sessionCosts.sort((a, b) => b.cost.usd - a.cost.usd || b.tokens - a.tokens);

  const daily: TrendDay[] = acc.map((a, i) => ({
    day: new Date((firstDay + i) * DAY_MS).toISOString().slice(0, 10),
    tokens: a.tokens,
    cost: snapshotCost(a.cost),
    by_model: sortModels(a.byModel),
    sessions: a.sessions,
    commands: a.commands,
    command_failures: a.failures,
  }));
  const totalCost = emptyCost();
  const totalTokens = emptyTokens();
  for (const m of models.values()) {
    mergeCost(totalCost, m.cost);
    for (const k of Object.keys(totalTokens) as Array<keyof TokenTotals>) totalTokens[k] += m.tokens[k];
  }
  return {
    days,
    daily,
    totals: {
      tokens: totalTokens,
      cost: snapshotCost(totalCost),
      sessions: daily.reduce((n, d) => n + d.sessions, 0),
      commands: daily.reduce((n, d) => n + d.commands, 0),
      command_failures: daily.reduce((n, d) => n + d.command_failures, 0),
    },
    models: sortModels(models),
    top_commands: [...counts.values()].sort((a, b) => b.runs - a.runs || b.failures - a.failures || (a.command < b.command ? -1 : 1)).slice(0, TOP),
    commands_withheld: withheld,
    session_costs: sessionCosts.slice(0, TOP),
  };
}

/**
 * The in-memory event index behind the dashboard: every event of the runtime log (archives
 * included) in write order, with compact per-field position lists so a filtered query touches
 * only the candidate events, plus incrementally maintained session rollups.
 *
 * Positions are the events' `seq` (0-based, write order). Position lists are append-only and
 * therefore sorted, which lets queries walk them backwards for newest-first results.
 */
import type {
  EventRecord,
  EventsQuery,
  FacetCount,
  FacetsResponse,
  SessionRollup,
  TokenBucket,
  TokenBucketSize,
  TokensResponse,
  TokenTotals,
} from '../shared/api';
import type { BeaconEvent } from '../shared/event';
import type { ParsedEvent } from './reader-lines';
import { addUsage, emptyTokens, isTitleGeneration, modelOf, SessionAccumulator, sessionIdOf } from './reader-sessions';
import { addCost, emptyCost, snapshotCost } from './cost-totals';
import type { CostTotals, TrendsResponse } from '../shared/api';
import { computeTrends } from './trends';

/**
 * The API's events query (shared/api.ts) with its time bounds parsed to epoch ms and the limit
 * resolved: the filters themselves are the same fields, so they are not declared twice.
 */
export interface IndexQuery extends Omit<EventsQuery, 'since' | 'until' | 'limit'> {
  sinceMs?: number;
  untilMs?: number;
  limit: number;
}

export interface IndexQueryResult {
  records: EventRecord[];
  total: number;
  nextBefore: number | null;
}

type KeyField = 'session' | 'action' | 'category' | 'harness' | 'model';
const KEY_FIELDS: readonly KeyField[] = ['session', 'action', 'category', 'harness', 'model'];

/** The text a free-text query searches, lower-cased once at index time. */
function searchTextOf(ev: BeaconEvent): string {
  const parts: unknown[] = [
    ev.event.action,
    ev.message,
    ev.prompt?.text,
    ev.command?.command,
    ev.tool?.command,
    ev.tool?.name,
    ev.tool?.path,
    ev.file?.path,
    ev.file?.move_to,
    ev.mcp?.server,
    ev.mcp?.tool,
    ev.approval?.tool,
    ev.error?.message,
  ];
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string' && p.length > 0) out = out ? `${out}\n${p}` : p;
  }
  // A failed patch names the files it tried: searching for a path finds it too.
  const tried = ev.patch?.files;
  if (Array.isArray(tried)) for (const f of tried) if (typeof f?.path === 'string' && f.path) out = out ? `${out}\n${f.path}` : f.path;
  return out.toLowerCase();
}

const BUCKET_MS: Record<Exclude<TokenBucketSize, 'day'>, number> = { minute: 60_000, hour: 3_600_000 };

function bucketStart(ms: number, size: TokenBucketSize): number {
  if (size === 'day') {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  }
  const step = BUCKET_MS[size];
  return Math.floor(ms / step) * step;
}

function facet(map: Map<string, number[]>): FacetCount[] {
  return [...map.entries()].map(([value, list]) => ({ value, count: list.length })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
}

export class EventIndex {
  private readonly events: BeaconEvent[] = [];
  private readonly times: number[] = [];
  private readonly text: string[] = [];
  /** Per-field value of each event (undefined when absent), parallel to `events`. */
  private readonly keys: Record<KeyField, (string | undefined)[]> = { session: [], action: [], category: [], harness: [], model: [] };
  /** Per-field value -> ascending positions. */
  private readonly lists: Record<KeyField, Map<string, number[]>> = {
    session: new Map(),
    action: new Map(),
    category: new Map(),
    harness: new Map(),
    model: new Map(),
  };
  private readonly sessionState = new Map<string, SessionAccumulator>();

  get size(): number {
    return this.events.length;
  }

  add(parsed: ParsedEvent): EventRecord {
    const ev = parsed.event;
    const seq = this.events.length;
    this.events.push(ev);
    this.times.push(parsed.timeMs);
    this.text.push(searchTextOf(ev));
    const session = sessionIdOf(ev);
    const harness = typeof ev.harness?.name === 'string' ? ev.harness.name : undefined;
    const values: Record<KeyField, string | undefined> = {
      session,
      action: ev.event.action,
      category: String(ev.event.category),
      harness,
      model: modelOf(ev),
    };
    for (const f of KEY_FIELDS) {
      const v = values[f];
      this.keys[f].push(v);
      if (v === undefined) continue;
      const list = this.lists[f].get(v);
      if (list) list.push(seq);
      else this.lists[f].set(v, [seq]);
    }
    if (session !== undefined) {
      let acc = this.sessionState.get(session);
      if (!acc) {
        acc = new SessionAccumulator(session);
        this.sessionState.set(session, acc);
      }
      acc.add(ev, parsed.timeMs);
    }
    return { seq, event: ev };
  }

  get(seq: number): EventRecord | undefined {
    const ev = this.events[seq];
    return ev ? { seq, event: ev } : undefined;
  }

  last(): { record: EventRecord; timeMs: number } | undefined {
    const seq = this.events.length - 1;
    return seq >= 0 ? { record: { seq, event: this.events[seq] }, timeMs: this.times[seq] } : undefined;
  }

  /** Events written after `seq`, oldest first (for stream resumption), at most `max`. */
  after(seq: number, max: number): EventRecord[] {
    const from = Math.max(0, seq + 1, this.events.length - max);
    const out: EventRecord[] = [];
    for (let i = from; i < this.events.length; i++) out.push({ seq: i, event: this.events[i] });
    return out;
  }

  query(q: IndexQuery): IndexQueryResult {
    // The shortest position list among the indexed filters drives the scan; the other filters
    // are checked per candidate against the parallel key arrays.
    const checks: Array<[KeyField, string]> = [];
    let driver: number[] | null = null;
    for (const f of KEY_FIELDS) {
      const v = q[f];
      if (v === undefined || v === '') continue;
      const list = this.lists[f].get(v);
      if (!list) return { records: [], total: 0, nextBefore: null };
      checks.push([f, v]);
      if (!driver || list.length < driver.length) driver = list;
    }
    const needle = q.q ? q.q.toLowerCase() : '';
    const since = q.sinceMs ?? -Infinity;
    const until = q.untilMs ?? Infinity;
    const before = q.before ?? Infinity;
    const limit = Math.max(0, q.limit);
    const records: EventRecord[] = [];
    let total = 0;
    let nextBefore: number | null = null;
    const n = driver ? driver.length : this.events.length;
    for (let k = n - 1; k >= 0; k--) {
      const seq = driver ? driver[k] : k;
      const t = this.times[seq];
      if (t < since || t > until) continue;
      let ok = true;
      for (let c = 0; c < checks.length; c++) {
        if (this.keys[checks[c][0]][seq] !== checks[c][1]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (needle && !this.text[seq].includes(needle)) continue;
      total++;
      if (seq >= before) continue;
      if (records.length < limit) records.push({ seq, event: this.events[seq] });
      else if (nextBefore === null && records.length > 0) nextBefore = records[records.length - 1].seq;
    }
    return { records, total, nextBefore };
  }

  /** Every session, most recently active first. */
  sessions(): SessionRollup[] {
    return [...this.sessionState.values()].sort((a, b) => b.lastActivityMs - a.lastActivityMs).map((s) => s.toRollup());
  }

  session(id: string): { rollup: SessionRollup; events: EventRecord[] } | undefined {
    const acc = this.sessionState.get(id);
    if (!acc) return undefined;
    const list = this.lists.session.get(id) ?? [];
    const events = list.map((seq) => ({ seq, event: this.events[seq] }));
    // Time order; ties (and equal timestamps) keep write order.
    events.sort((a, b) => this.times[a.seq] - this.times[b.seq] || a.seq - b.seq);
    return { rollup: acc.toRollup(), events };
  }

  tokens(bucket: TokenBucketSize, filter: { sinceMs?: number; untilMs?: number; session?: string } = {}): TokensResponse {
    const list = this.lists.action.get('token.usage') ?? [];
    const since = filter.sinceMs ?? -Infinity;
    const until = filter.untilMs ?? Infinity;
    const buckets = new Map<number, TokenBucket>();
    const totals = emptyTokens();
    const titleTotals = emptyTokens();
    const byModel = new Map<string | null, { tokens: TokenTotals; cost: CostTotals }>();
    const cost = emptyCost();
    const titleCost = emptyCost();
    for (const seq of list) {
      const t = this.times[seq];
      if (t < since || t > until) continue;
      if (filter.session && this.keys.session[seq] !== filter.session) continue;
      const ev = this.events[seq];
      const usage = ev.gen_ai?.usage;
      const start = bucketStart(t, bucket);
      let b = buckets.get(start);
      if (!b) {
        b = { start: new Date(start).toISOString(), tokens: emptyTokens(), title_generation: emptyTokens(), events: 0, cost: emptyCost() };
        buckets.set(start, b);
      }
      b.events++;
      const model = ev.gen_ai?.request?.model ?? this.keys.model[seq];
      if (isTitleGeneration(ev)) {
        addUsage(b.title_generation, usage);
        addUsage(titleTotals, usage);
        addCost(titleCost, ev, model);
      } else {
        addUsage(b.tokens, usage);
        addUsage(totals, usage);
        addCost(b.cost, ev, model);
        addCost(cost, ev, model);
        const key = model ?? null;
        let m = byModel.get(key);
        if (!m) byModel.set(key, (m = { tokens: emptyTokens(), cost: emptyCost() }));
        addUsage(m.tokens, usage);
        addCost(m.cost, ev, model);
      }
    }
    return {
      bucket,
      buckets: [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => ({ ...b, cost: snapshotCost(b.cost) })),
      totals,
      title_generation_totals: titleTotals,
      cost: snapshotCost(cost),
      title_generation_cost: snapshotCost(titleCost),
      by_model: [...byModel.entries()].map(([model, m]) => ({ model, tokens: m.tokens, cost: snapshotCost(m.cost) })).sort((a, b) => b.tokens.total - a.tokens.total),
    };
  }

  /** Per-day cost, tokens and failures for the last `days` local days (see trends.ts). */
  trends(days: number, tzOffsetMin: number, nowMs: number = Date.now()): TrendsResponse {
    return computeTrends(
      {
        positions: (action) => this.lists.action.get(action) ?? [],
        events: this.events,
        times: this.times,
        sessions: this.keys.session,
        rollups: () => this.sessions(),
      },
      days,
      tzOffsetMin,
      nowMs,
    );
  }

  facets(): FacetsResponse {
    return {
      actions: facet(this.lists.action),
      categories: facet(this.lists.category),
      harnesses: facet(this.lists.harness),
      models: facet(this.lists.model),
    };
  }
}

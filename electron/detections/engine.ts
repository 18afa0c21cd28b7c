/**
 * The streaming rule engine: each event is shown to the rules indexed under its action; a
 * single-event rule matches on its own, a sequence rule keeps a little state per session (the
 * steps matched so far, what they captured, within the rule's window). State is bounded: at
 * most `maxSessions` sessions (the least recently active one is forgotten first) and
 * `maxPartials` open sequences per rule and session (the oldest is dropped).
 *
 * Used as is by the live consumer (consumer.ts) and by `beacon scan` (scan.ts): the same events
 * in the same order give the same findings. Time is the events' own timestamps, never the clock.
 *
 * Findings never feed rules written for other events: only rules whose `on` lists
 * `finding.detected` see them, and they see the findings this engine made (a `finding.detected`
 * read from a log is ignored: a rescan derives it again). A finding made by a rule written for
 * findings is not fed back again (no loops).
 */
import type { BeaconEvent } from '../shared/event';
import { fieldReader, type Captures } from './condition';
import type { CompiledRule } from './rule-compile';
import { findingEvent } from './finding-event';

export const FINDING_ACTION = 'finding.detected';

export interface EngineLimits {
  maxSessions: number;
  maxPartials: number;
  /** Findings remembered for de-duplication (rule + session + triggering events). */
  maxRemembered: number;
}

export const DEFAULT_LIMITS: EngineLimits = { maxSessions: 2000, maxPartials: 16, maxRemembered: 4096 };

interface OpenSequence {
  next: number;
  captures: Record<string, unknown>;
  events: BeaconEvent[];
  startMs: number;
}

type SessionState = Map<string, OpenSequence[]>;

/**
 * What an action's rules are evaluated as: single rules, and groups of rules that are each one
 * regex on the same field, tested first as one union regex (an exact prefilter: the union
 * matches when some member does). Most events match no rule, and one union test then replaces
 * dozens of separate ones.
 */
type Plan = Array<{ rule: CompiledRule } | { read: (e: unknown) => unknown; union: RegExp; rules: CompiledRule[] }>;

function plan(rules: readonly CompiledRule[]): Plan {
  const groups = new Map<string, CompiledRule[]>();
  const out: Plan = [];
  for (const r of rules) {
    if (!r.leaf || r.steps.length !== 1) {
      out.push({ rule: r });
      continue;
    }
    const key = `${r.leaf.field}\u0000${r.leaf.flags}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  for (const g of groups.values()) {
    if (g.length === 1) {
      out.push({ rule: g[0] });
      continue;
    }
    const { field, flags } = g[0].leaf!;
    out.push({ read: fieldReader(field), union: new RegExp(g.map((r) => `(?:${r.leaf!.pattern})`).join('|'), flags), rules: g });
  }
  return out;
}

export class DetectionEngine {
  private readonly byAction = new Map<string, Plan>();
  private readonly sessions = new Map<string, SessionState>();
  private readonly remembered = new Set<string>();
  private readonly limits: EngineLimits;
  findings = 0;

  constructor(readonly rules: readonly CompiledRule[], limits: Partial<EngineLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    const lists = new Map<string, CompiledRule[]>();
    for (const r of rules) {
      for (const action of r.on) {
        let list = lists.get(action);
        if (!list) lists.set(action, (list = []));
        list.push(r);
      }
    }
    for (const [action, list] of lists) this.byAction.set(action, plan(list));
  }

  /** Sessions with open sequence state (for tests of the bounds, and health). */
  get trackedSessions(): number {
    return this.sessions.size;
  }

  /** The findings this event completes, including those of rules written for findings. */
  process(event: BeaconEvent): BeaconEvent[] {
    const action = event.event?.action;
    if (action === FINDING_ACTION) return [];
    const out = this.evaluate(event);
    if (out.length === 0) return [];
    for (let i = 0, n = out.length; i < n; i++) for (const f of this.evaluate(out[i])) out.push(f);
    return out;
  }

  private evaluate(event: BeaconEvent): BeaconEvent[] {
    const steps = this.byAction.get(event.event?.action);
    if (!steps) return NONE;
    let out: BeaconEvent[] | undefined;
    for (const s of steps) {
      if ('rule' in s) {
        const f = this.evaluateRule(s.rule, event);
        if (f) (out ??= []).push(f);
        continue;
      }
      const v = s.read(event);
      // A string no member matches: the whole group is done. Anything else: test one by one.
      if (typeof v === 'string' && !s.union.test(v)) continue;
      if (v === undefined) continue;
      for (const r of s.rules) {
        const f = this.evaluateRule(r, event);
        if (f) (out ??= []).push(f);
      }
    }
    return out ?? NONE;
  }

  private evaluateRule(rule: CompiledRule, event: BeaconEvent): BeaconEvent | undefined {
    const triggers = rule.steps.length === 1 ? (rule.steps[0].test(event, NO_CAPTURES) ? [event] : undefined) : this.advance(rule, event);
    return triggers ? this.finding(rule, triggers) : undefined;
  }

  private finding(rule: CompiledRule, triggers: BeaconEvent[]): BeaconEvent | undefined {
    const key = `${rule.id}\u0000${triggers[0].session?.id ?? ''}\u0000${triggers.map((t) => t.event.id ?? t.timestamp).join(',')}`;
    if (this.remembered.has(key)) return undefined;
    this.remembered.add(key);
    if (this.remembered.size > this.limits.maxRemembered) this.remembered.delete(this.remembered.values().next().value as string);
    this.findings += 1;
    return findingEvent(rule, triggers);
  }

  /** One step of a sequence rule; the triggering events when the sequence completes. */
  private advance(rule: CompiledRule, event: BeaconEvent): BeaconEvent[] | undefined {
    const sessionKey = event.session?.id ?? '';
    let state = this.sessions.get(sessionKey);
    let partials = state?.get(rule.id);
    const first = rule.steps[0];
    // Nothing open and not a first step: the common case, decided without parsing the time.
    let firstMatched: boolean | undefined;
    if (!partials || partials.length === 0) {
      firstMatched = first.test(event, NO_CAPTURES);
      if (!firstMatched) return undefined;
    }
    const t = Date.parse(event.timestamp);
    if (partials && partials.length > 0) {
      // Forget sequences whose window has passed (an unparsable time never expires early).
      while (partials.length > 0 && t - partials[0].startMs > rule.windowMs) partials.shift();
      for (const p of partials) {
        const step = rule.steps[p.next];
        if (!step.test(event, p.captures)) continue;
        for (const [name, read] of step.capture) p.captures[name] = read(event);
        p.events.push(event);
        p.next += 1;
        this.touch(sessionKey, state!);
        if (p.next < rule.steps.length) return undefined;
        // Complete: start over for this rule and session (a burst counts once, then anew).
        state!.delete(rule.id);
        return p.events;
      }
    }
    if (!(firstMatched ?? first.test(event, NO_CAPTURES))) return undefined;
    const captures: Record<string, unknown> = {};
    for (const [name, read] of first.capture) captures[name] = read(event);
    if (!state) state = new Map();
    if (!partials) state.set(rule.id, (partials = []));
    partials.push({ next: 1, captures, events: [event], startMs: Number.isNaN(t) ? 0 : t });
    if (partials.length > this.limits.maxPartials) partials.shift();
    this.touch(sessionKey, state);
    return undefined;
  }

  /** Most recently active last; the least recently active session is the one forgotten. */
  private touch(key: string, state: SessionState): void {
    this.sessions.delete(key);
    this.sessions.set(key, state);
    if (this.sessions.size > this.limits.maxSessions) this.sessions.delete(this.sessions.keys().next().value as string);
  }
}

const NO_CAPTURES: Captures = Object.freeze({});
const NONE: BeaconEvent[] = [];

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
import type { Captures } from './condition';
import type { CompiledRule } from './rule-compile';
import { findingEvent } from './finding-event';

export const FINDING_ACTION = 'finding.detected';

export interface EngineLimits {
  maxSessions: number;
  maxPartials: number;
  /** Findings remembered for de-duplication (rule + session + triggering events). */
  maxRemembered: number;
}

export const DEFAULT_LIMITS: EngineLimits = { maxSessions: 2000, maxPartials: 16, maxRemembered: 20_000 };

interface OpenSequence {
  next: number;
  captures: Record<string, unknown>;
  events: BeaconEvent[];
  startMs: number;
}

type SessionState = Map<string, OpenSequence[]>;

export class DetectionEngine {
  private readonly byAction = new Map<string, CompiledRule[]>();
  private readonly sessions = new Map<string, SessionState>();
  private readonly remembered = new Set<string>();
  private readonly limits: EngineLimits;
  findings = 0;

  constructor(readonly rules: readonly CompiledRule[], limits: Partial<EngineLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    for (const r of rules) {
      for (const action of r.on) {
        let list = this.byAction.get(action);
        if (!list) this.byAction.set(action, (list = []));
        list.push(r);
      }
    }
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
    if (out.length === 0) return out;
    for (let i = 0, n = out.length; i < n; i++) for (const f of this.evaluate(out[i])) out.push(f);
    return out;
  }

  private evaluate(event: BeaconEvent): BeaconEvent[] {
    const rules = this.byAction.get(event.event?.action);
    if (!rules) return [];
    const out: BeaconEvent[] = [];
    for (const rule of rules) {
      const triggers = rule.steps.length === 1 ? (rule.steps[0].test(event, NO_CAPTURES) ? [event] : undefined) : this.advance(rule, event);
      if (!triggers) continue;
      const f = this.finding(rule, triggers);
      if (f) out.push(f);
    }
    return out;
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
    const t = Date.parse(event.timestamp);
    let state = this.sessions.get(sessionKey);
    let partials = state?.get(rule.id);
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
    const first = rule.steps[0];
    if (!first.test(event, NO_CAPTURES)) return undefined;
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

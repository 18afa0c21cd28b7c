/**
 * The rule format (rules as data, docs/detections.md): what a rule file says, before it is
 * compiled. `rule-schema.json` is the same contract for ajv; keep the two in step.
 */
import type { Severity } from '../shared/event';

/** A test on one field of an event. No code: only these operators exist (no eval, ever). */
export interface FieldCondition {
  /** Dotted path into the event, e.g. "command.command", "session.mcp_servers". */
  field: string;
  op: 'equals' | 'in' | 'regex' | 'contains' | 'exists';
  /** equals / contains: a string, number or boolean; in: a list; regex: a pattern; exists: true or false. */
  value?: unknown;
  /** Sequence steps only: compare with what an earlier step captured under this name (equals / contains). */
  ref?: string;
  /** regex only: JavaScript flags, of "i", "m", "s", "u". */
  flags?: string;
  /** When the field is a list: every element must pass (default: any element). An empty list passes none. */
  every?: boolean;
}

export type Condition = FieldCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export interface SequenceStep {
  match: Condition;
  /** Values to remember for later steps: name -> field path. */
  capture?: Record<string, string>;
}

export interface RuleFile {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  mitre: string[];
  owasp: string[];
  /** The event actions the rule reads (e.g. ["command.executed"]): rules are indexed by them. */
  on: string[];
  /** A single-event rule. */
  match?: Condition;
  /** A sequence within one session: steps in order, all within window_seconds of the first. */
  sequence?: { window_seconds: number; steps: SequenceStep[] };
  /** Free notes for reviewers (what it cannot see, false positives). Not used by the engine. */
  notes?: string;
}

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

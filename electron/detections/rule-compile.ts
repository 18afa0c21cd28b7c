/**
 * A rule file's JSON -> a compiled rule: checked against rule-schema.json (ajv), then its
 * conditions compiled (regexes built once). Every problem names the file and the field, e.g.
 * `team/x.json: /sequence/steps/1/match/value: not a valid regular expression`.
 */
import Ajv, { type ErrorObject } from 'ajv';
import schema from './rule-schema.json';
import { compileCondition, ConditionError, fieldReader, type Predicate } from './condition';
import type { RuleFile } from './rule-types';
import type { Severity } from '../shared/event';
import { redactText } from '../log/redaction';

export type RuleSource = 'shipped' | 'user';

export interface CompiledStep {
  test: Predicate;
  capture: Array<[name: string, read: (e: unknown) => unknown]>;
}

export interface CompiledRule {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  mitre: string[];
  owasp: string[];
  on: string[];
  source: RuleSource;
  /** Where it was read from (a path, or "shipped:<file>"). */
  file: string;
  /** One step for a single-event rule; several for a sequence. */
  steps: CompiledStep[];
  /** A single-event rule that is one regex on one field: the engine tests many such at once. */
  leaf?: { field: string; pattern: string; flags: string };
  windowMs: number;
}

export class RuleError extends Error {
  constructor(readonly file: string, readonly field: string, detail: string) {
    super(`${file}: ${field}: ${detail}`);
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(data: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(schema);
  return validator(data) ? [] : (validator.errors ?? []);
}

/** The most useful of ajv's errors: the deepest one (oneOf reports its branches first). */
function describeSchemaError(errors: ErrorObject[]): { field: string; detail: string } {
  const best = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  const field = best.instancePath || '/';
  let detail = best.message ?? 'invalid';
  if (best.keyword === 'additionalProperties') detail = `unknown field "${(best.params as { additionalProperty: string }).additionalProperty}"`;
  if (best.keyword === 'enum') detail = `must be one of ${(best.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  if (best.keyword === 'required') detail = `missing field "${(best.params as { missingProperty: string }).missingProperty}"`;
  return { field, detail };
}

function compileSteps(file: string, rule: RuleFile): CompiledStep[] {
  const at = (e: unknown, path: string): never => {
    if (e instanceof ConditionError) throw new RuleError(file, '/' + e.path.replace(/\./g, '/').replace(/\[(\d+)\]/g, '/$1'), e.message.slice(e.path.length + 2));
    throw new RuleError(file, path, (e as Error).message);
  };
  if (rule.match) {
    try {
      return [{ test: compileCondition(rule.match, 'match'), capture: [] }];
    } catch (e) {
      return at(e, '/match');
    }
  }
  const steps = rule.sequence!.steps;
  const captured = new Set<string>();
  return steps.map((s, i) => {
    const path = `sequence.steps[${i}].match`;
    let test: Predicate;
    try {
      test = compileCondition(s.match, path);
    } catch (e) {
      return at(e, `/sequence/steps/${i}/match`);
    }
    for (const ref of refsOf(s.match)) {
      if (!captured.has(ref)) throw new RuleError(file, `/sequence/steps/${i}/match`, `ref "${ref}" is not captured by an earlier step`);
    }
    const capture = Object.entries(s.capture ?? {}).map(([name, f]) => [name, fieldReader(f)] as [string, (e: unknown) => unknown]);
    for (const [name] of capture) captured.add(name);
    return { test, capture };
  });
}

/** The rule's condition when it is a plain regex on one field (no list quantifier, no backreferences). */
function regexLeaf(c: unknown): CompiledRule['leaf'] {
  if (!c || typeof c !== 'object') return undefined;
  const o = c as Record<string, unknown>;
  if (o.op !== 'regex' || typeof o.field !== 'string' || typeof o.value !== 'string' || o.every === true) return undefined;
  if (/\\[1-9k]|\(\?</.test(o.value.replace(/\(\?<[=!]/g, ''))) return undefined;
  return { field: o.field, pattern: o.value, flags: typeof o.flags === 'string' ? o.flags : '' };
}

function refsOf(c: unknown): string[] {
  if (c === null || typeof c !== 'object') return [];
  const o = c as Record<string, unknown>;
  if (Array.isArray(o.all)) return o.all.flatMap(refsOf);
  if (Array.isArray(o.any)) return o.any.flatMap(refsOf);
  if (o.not) return refsOf(o.not);
  return typeof o.ref === 'string' ? [o.ref] : [];
}

export function compileRule(data: unknown, file: string, source: RuleSource): CompiledRule {
  const errors = validate(data);
  if (errors.length > 0) {
    const { field, detail } = describeSchemaError(errors);
    throw new RuleError(file, field, detail);
  }
  const rule = data as RuleFile;
  const steps = compileSteps(file, rule);
  return {
    id: rule.id,
    // Masked here, once: the content policy leaves a finding's texts alone (content-policy.ts).
    title: redactText(rule.title).text,
    description: redactText(rule.description).text,
    severity: rule.severity,
    mitre: rule.mitre,
    owasp: rule.owasp,
    on: rule.on,
    source,
    file,
    steps,
    windowMs: rule.sequence ? rule.sequence.window_seconds * 1000 : 0,
    ...(regexLeaf(rule.match) ? { leaf: regexLeaf(rule.match) } : {}),
  };
}

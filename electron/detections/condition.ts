/**
 * The condition language, compiled once per rule into plain closures: a field path read, then
 * one of five operators, combined with all / any / not. Nothing is evaluated as code; a regex is
 * a RegExp built from the rule's pattern (flags limited to i, m, s, u).
 */
import type { Condition, FieldCondition } from './rule-types';

/** What earlier steps of a sequence captured (name -> value). */
export type Captures = Readonly<Record<string, unknown>>;
export type Predicate = (event: unknown, captures: Captures) => boolean;

/** A condition that cannot be compiled, with the JSON path of the part at fault. */
export class ConditionError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
  }
}

type Obj = Record<string, unknown> | null | undefined;
const step = (v: unknown, key: string): unknown => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined);

/** "a.b.c" -> a reader; a missing step gives undefined. Short paths (most) get a loop-free reader: it runs for every rule on every event. */
export function fieldReader(path: string): (event: unknown) => unknown {
  const parts = path.split('.');
  const [a, b, c] = parts;
  if (parts.length === 1) return (event) => step(event, a);
  if (parts.length === 2) return (event) => step((event as Obj)?.[a], b);
  if (parts.length === 3) return (event) => step(step((event as Obj)?.[a], b), c);
  return (event) => {
    let v: unknown = event;
    for (const p of parts) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v;
  };
}

function scalarTest(c: FieldCondition, path: string): (v: unknown, captures: Captures) => boolean {
  const op = c.op;
  const want = (captures: Captures): unknown => (c.ref !== undefined ? captures[c.ref] : c.value);
  switch (op) {
    case 'equals':
      return (v, captures) => {
        const w = want(captures);
        return w !== undefined && v === w;
      };
    case 'contains':
      return (v, captures) => {
        const w = want(captures);
        return typeof v === 'string' && typeof w === 'string' && v.includes(w);
      };
    case 'in': {
      if (!Array.isArray(c.value)) throw new ConditionError(`${path}.value`, 'op "in" needs a list');
      const set = new Set(c.value as unknown[]);
      return (v) => set.has(v);
    }
    case 'regex': {
      if (typeof c.value !== 'string') throw new ConditionError(`${path}.value`, 'op "regex" needs a pattern string');
      const flags = c.flags ?? '';
      if (!/^[imsu]*$/.test(flags)) throw new ConditionError(`${path}.flags`, `only i, m, s and u are allowed, got "${flags}"`);
      let re: RegExp;
      try {
        re = new RegExp(c.value, flags);
      } catch (err) {
        throw new ConditionError(`${path}.value`, `not a valid regular expression: ${(err as Error).message}`);
      }
      return (v) => typeof v === 'string' && re.test(v);
    }
    default:
      throw new ConditionError(`${path}.op`, `unknown operator "${String(op)}"`);
  }
}

function compileField(c: FieldCondition, path: string): Predicate {
  if (typeof c.field !== 'string' || c.field === '') throw new ConditionError(`${path}.field`, 'a dotted field path is needed');
  const read = fieldReader(c.field);
  if (c.ref !== undefined && c.op !== 'equals' && c.op !== 'contains') throw new ConditionError(`${path}.ref`, 'ref works with equals and contains only');
  if (c.op === 'exists') {
    const want = c.value === undefined ? true : c.value;
    if (typeof want !== 'boolean') throw new ConditionError(`${path}.value`, 'op "exists" takes true or false');
    // Present means: not undefined/null, and not an empty list or string (an empty mcp_servers is "none").
    return (event) => {
      const v = read(event);
      const present = v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0) && v !== '';
      return present === want;
    };
  }
  const test = scalarTest(c, path);
  const every = c.every === true;
  if (c.op === 'regex') {
    // The common leaf (a text field against a pattern): one closure, no list handling unless needed.
    const re = new RegExp(c.value as string, c.flags ?? '');
    return (event) => {
      const v = read(event);
      if (typeof v === 'string') return re.test(v);
      if (!Array.isArray(v) || v.length === 0) return false;
      return every ? v.every((x) => typeof x === 'string' && re.test(x)) : v.some((x) => typeof x === 'string' && re.test(x));
    };
  }
  return (event, captures) => {
    const v = read(event);
    if (Array.isArray(v)) {
      if (v.length === 0) return false;
      return every ? v.every((x) => test(x, captures)) : v.some((x) => test(x, captures));
    }
    return test(v, captures);
  };
}

export function compileCondition(c: Condition, path = 'match'): Predicate {
  if (c === null || typeof c !== 'object') throw new ConditionError(path, 'a condition object is needed');
  // Plain loops, not every()/some(): these run for every rule on every event.
  if ('all' in c) {
    const parts = c.all.map((x, i) => compileCondition(x, `${path}.all[${i}]`));
    return (e, cap) => {
      for (let i = 0; i < parts.length; i++) if (!parts[i](e, cap)) return false;
      return true;
    };
  }
  if ('any' in c) {
    const parts = c.any.map((x, i) => compileCondition(x, `${path}.any[${i}]`));
    return (e, cap) => {
      for (let i = 0; i < parts.length; i++) if (parts[i](e, cap)) return true;
      return false;
    };
  }
  if ('not' in c) {
    const inner = compileCondition(c.not, `${path}.not`);
    return (e, cap) => !inner(e, cap);
  }
  return compileField(c, path);
}

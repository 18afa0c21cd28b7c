/**
 * Model-name match rules, as the price data states them (equals / starts_with / ends_with /
 * contains / regex, combined with or / and), evaluated case-insensitively like the data's
 * publisher does. Regexes come from the shipped table only (override files name models exactly).
 */
export type MatchRule =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: MatchRule[] }
  | { and: MatchRule[] };

const compiled = new Map<string, RegExp>();

function regex(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) compiled.set(source, (re = new RegExp(source)));
  return re;
}

/** `name` must already be lower-case and trimmed. */
export function matches(rule: MatchRule, name: string): boolean {
  if ('or' in rule) return rule.or.some((r) => matches(r, name));
  if ('and' in rule) return rule.and.every((r) => matches(r, name));
  if ('equals' in rule) return name === rule.equals.toLowerCase();
  if ('starts_with' in rule) return name.startsWith(rule.starts_with.toLowerCase());
  if ('ends_with' in rule) return name.endsWith(rule.ends_with.toLowerCase());
  if ('contains' in rule) return name.includes(rule.contains.toLowerCase());
  if ('regex' in rule) return regex(rule.regex).test(name);
  return false;
}

export function isMatchRule(v: unknown): v is MatchRule {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  const value = (v as Record<string, unknown>)[keys[0]];
  switch (keys[0]) {
    case 'or':
    case 'and':
      return Array.isArray(value) && value.every(isMatchRule);
    case 'regex':
      if (typeof value !== 'string') return false;
      try {
        new RegExp(value);
        return true;
      } catch {
        return false;
      }
    case 'equals':
    case 'starts_with':
    case 'ends_with':
    case 'contains':
      return typeof value === 'string';
    default:
      return false;
  }
}

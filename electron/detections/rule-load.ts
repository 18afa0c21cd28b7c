/**
 * Where rules come from: the shipped set (rules/*.json, bundled through rules/index.ts so the
 * packaged app and the single-file GitHub Action carry them), then the rule directories a team
 * lists in config.json. A bad file is a problem naming the file and field; the other rules load.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SHIPPED_RULE_FILES } from './rules';
import { compileRule, RuleError, type CompiledRule } from './rule-compile';

/** Rule files read from a directory (one rule per file). */
export const RULE_FILE = /\.json$/i;

export interface RuleSet {
  rules: CompiledRule[];
  /** One line per file refused, naming the file and the field. */
  problems: string[];
}

let shipped: CompiledRule[] | undefined;

/** The shipped rules, compiled once per process (a bad one is Beacon's bug: the suite fails on it). */
export function shippedRules(): CompiledRule[] {
  shipped ??= Object.entries(SHIPPED_RULE_FILES).map(([name, data]) => compileRule(data, `shipped:${name}`, 'shipped'));
  return shipped;
}

/** Reads and compiles one rule file; throws a RuleError naming the file. */
export function readRuleFile(path: string): CompiledRule {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RuleError(path, '/', `cannot read: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new RuleError(path, '/', `not valid JSON: ${(err as Error).message}`);
  }
  return compileRule(data, path, 'user');
}

/** Every rule file of one directory, sorted by name; a missing directory is a problem, not a throw. */
export function readRuleDir(dir: string): RuleSet {
  const out: RuleSet = { rules: [], problems: [] };
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return { rules: [], problems: [`${dir}: not a directory`] };
    names = readdirSync(dir).filter((n) => RULE_FILE.test(n)).sort();
  } catch (err) {
    return { rules: [], problems: [`${dir}: cannot read the rules directory: ${(err as Error).message}`] };
  }
  for (const name of names) {
    try {
      out.rules.push(readRuleFile(join(dir, name)));
    } catch (err) {
      out.problems.push((err as Error).message);
    }
  }
  return out;
}

/**
 * The shipped rules (unless left out), then each directory's. A directory's rule with a shipped
 * rule's id replaces it (how a team tunes one, e.g. its own MCP allowlist); an id repeated
 * between directory files is refused.
 */
export function loadRules(dirs: readonly string[] = [], opts: { shipped?: boolean } = {}): RuleSet {
  const set: RuleSet = { rules: opts.shipped === false ? [] : [...shippedRules()], problems: [] };
  const seen = new Map(set.rules.map((r) => [r.id, r.file]));
  for (const dir of dirs) {
    const part = readRuleDir(resolve(dir));
    set.problems.push(...part.problems);
    for (const r of part.rules) {
      const first = seen.get(r.id);
      if (first !== undefined && first.startsWith('shipped:')) {
        set.rules[set.rules.findIndex((x) => x.id === r.id)] = r;
        seen.set(r.id, r.file);
        continue;
      }
      if (first !== undefined) {
        set.problems.push(`${r.file}: /id: "${r.id}" is already defined by ${first}; rule ids must be unique`);
        continue;
      }
      seen.set(r.id, r.file);
      set.rules.push(r);
    }
  }
  return set;
}

/**
 * `beacon rules lint [DIR...]`: every rule file of the directories (default: the shipped rules)
 * compiled as the collector would; each problem names the file and the field.
 */
import { loadRules, readRuleDir, shippedRules } from './rule-load';

export interface LintResult {
  checked: Array<{ dir: string; rules: number }>;
  problems: string[];
}

export function lintRuleDirs(dirs: readonly string[]): LintResult {
  if (dirs.length === 0) return { checked: [{ dir: 'shipped', rules: shippedRules().length }], problems: [] };
  const checked = dirs.map((dir) => {
    const part = readRuleDir(dir);
    return { dir, rules: part.rules.length, problems: part.problems };
  });
  // Duplicate ids across the directories, as the collector would see them.
  const dup = loadRules(dirs).problems.filter((p) => p.includes('rule ids must be unique'));
  return { checked: checked.map(({ dir, rules }) => ({ dir, rules })), problems: [...checked.flatMap((c) => c.problems), ...dup] };
}

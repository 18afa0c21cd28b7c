/**
 * The files GitHub Actions reads after a step: $GITHUB_ENV (variables for later steps),
 * $GITHUB_OUTPUT (step outputs) and $GITHUB_STEP_SUMMARY (Markdown on the run page). All three
 * are appended to, never rewritten: other steps and actions share them.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

/**
 * `name=value` lines, or the multi-line form `name<<DELIM ... DELIM` when a value has a line
 * break (a value with a newline in the one-line form would inject a second variable). The
 * delimiter is random so no value can end the block early.
 */
export function formatGithubKeyValues(vars: Record<string, string>): string {
  let out = '';
  for (const [name, value] of Object.entries(vars)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`invalid GitHub variable/output name "${name}"`);
    if (/[\r\n]/.test(value)) {
      let delim = `BEACON_EOF_${randomUUID()}`;
      while (value.includes(delim)) delim = `BEACON_EOF_${randomUUID()}`;
      out += `${name}<<${delim}\n${value}\n${delim}\n`;
    } else {
      out += `${name}=${value}\n`;
    }
  }
  return out;
}

/** Append variables to $GITHUB_ENV / outputs to $GITHUB_OUTPUT (no-op when `file` is unset). */
export function appendGithubFile(file: string | undefined, vars: Record<string, string>): boolean {
  if (!file) return false;
  appendFileSync(file, formatGithubKeyValues(vars));
  return true;
}

export function appendStepSummary(file: string | undefined, markdown: string): boolean {
  if (!file) return false;
  appendFileSync(file, markdown.endsWith('\n') ? markdown : markdown + '\n');
  return true;
}

/** A workflow command GitHub turns into an annotation; data escaped as the runner expects. */
export function workflowCommand(kind: 'warning' | 'error' | 'notice', message: string): string {
  const data = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return `::${kind}::${data}`;
}

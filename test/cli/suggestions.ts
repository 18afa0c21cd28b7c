/**
 * Finds the commands and flags that Beacon's messages tell a user to run ("run `beacon endpoint
 * repair --force`", "rerun with --force", "-> beacon endpoint install --otlp-http-port <port>")
 * and checks each against the real command tree (the same registrations the CLI runs), so a
 * message can never send a user to an unknown option again (issue 12: `repair --force` and
 * `doctor --fix --force` were suggested and did not exist).
 */
import type { Command } from 'commander';
import { buildProgram } from '../../electron/cli/program';
import { REGISTRATIONS } from '../../electron/cli/registrations';

export interface Suggestion {
  /** e.g. ['endpoint', 'repair'] */
  command: string[];
  flags: string[];
  /** The text it was found in, for the failure message. */
  quote: string;
  where: string;
}

export function commandTree(): Command {
  return buildProgram(REGISTRATIONS);
}

const FLAG = String.raw`--?[a-z][a-z0-9-]*(?:[ =](?:<[^>]+>|[A-Za-z0-9_./:-]+))?`;
const BEACON = new RegExp(String.raw`(\\?\`)?\bbeacon((?: [a-z][a-z0-9-]*)+)((?: ${FLAG})*)`, 'g');

function findCommand(root: Command, words: string[]): { cmd: Command | null; used: number } {
  let cmd: Command = root;
  let used = 0;
  for (const w of words) {
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (!sub) break;
    cmd = sub;
    used++;
  }
  return { cmd: used > 0 ? cmd : null, used };
}

/**
 * Every `beacon <command> [flags]` in `text`. Plain prose only counts when it starts with a real
 * top-level command ("beacon endpoint ..."); inside backticks anything after `beacon` counts
 * (so a message saying `beacon status` is caught).
 */
export function findSuggestions(text: string, where: string, root: Command = commandTree(), kind: 'text' | 'code' = 'text'): Suggestion[] {
  const out: Suggestion[] = [];
  // In TypeScript only string contents are messages: comment lines are skipped, and a bare
  // backtick opens a template literal, so only an escaped one (\`beacon ...\`) is a quote.
  const body = kind === 'code' ? text.split('\n').filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join('\n') : text;
  for (const m of body.matchAll(BEACON)) {
    const quoted = kind === 'code' ? m[1] === '\\`' : m[1] === '`' || m[1] === '\\`';
    const words = m[2].trim().split(' ');
    const top = root.commands.some((c) => c.name() === words[0]);
    if (!quoted && !top) continue;
    const { used } = findCommand(root, words);
    // Flags belong to the command only when they follow it directly (no prose in between).
    const flagsFollow = used === words.length;
    const flags = flagsFollow ? [...(m[3] ?? '').matchAll(/(?:^| )(--?[a-z][a-z0-9-]*)/g)].map((f) => f[1]) : [];
    out.push({ command: used > 0 ? words.slice(0, Math.max(used, 1)) : [words[0]], flags, quote: m[0], where });
  }
  return out;
}

/** "rerun with --force": a flag for the command that printed the message. */
export function findRelativeFlags(text: string, invoked: string[], where: string): Suggestion[] {
  const out: Suggestion[] = [];
  for (const m of text.matchAll(/\b(?:rerun|run it again|try again) with ((?:--[a-z][a-z0-9-]*(?:,? (?:and |or )?)?)+)/g)) {
    out.push({ command: invoked, flags: [...m[1].matchAll(/--[a-z][a-z0-9-]*/g)].map((f) => f[0]), quote: m[0], where });
  }
  return out;
}

/** Problems with a suggestion: an unknown command, or a flag that command does not accept. */
export function checkSuggestion(s: Suggestion, root: Command = commandTree()): string[] {
  const { cmd, used } = findCommand(root, s.command);
  if (!cmd || used !== s.command.length) return [`${s.where}: "${s.quote}" names \`beacon ${s.command.join(' ')}\`, which is not a command`];
  const problems: string[] = [];
  for (const f of s.flags) {
    const known = f === '--help' || f === '-h' || cmd.options.some((o) => o.long === f || o.short === f);
    if (!known) problems.push(`${s.where}: "${s.quote}" suggests \`beacon ${s.command.join(' ')} ${f}\`, an option that command does not have`);
  }
  return problems;
}

/** Every command path in the tree, e.g. ['endpoint', 'config', 'show']. */
export function allCommands(root: Command = commandTree()): string[][] {
  const out: string[][] = [];
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      const p = [...path, sub.name()];
      out.push(p);
      walk(sub, p);
    }
  };
  walk(root, []);
  return out;
}

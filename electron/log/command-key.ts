/**
 * The name a person counts commands by: "npm test", "git status", "pytest" rather than the
 * exact line ("npm test -- --watch=false src/app.test.ts"), so "most-run commands" groups the
 * runs that are the same habit. Unwraps the shell wrappers agents add (`bash -lc '...'`, a
 * leading `cd dir &&`, env assignments) and keeps the subcommand of tools that have them.
 */

/** Tools whose first argument is the thing being done. */
const SUBCOMMAND_TOOLS = new Set([
  'git', 'npm', 'pnpm', 'yarn', 'bun', 'npx', 'cargo', 'go', 'docker', 'kubectl', 'make', 'gradle', './gradlew', 'mvn',
  'pip', 'pip3', 'poetry', 'uv', 'dotnet', 'swift', 'gh', 'terraform', 'helm', 'brew', 'apt', 'apt-get', 'rustup', 'deno',
]);
/** Second words that need a third to mean anything ("npm run build", "python -m pytest"). */
const THIRD_WORD_AFTER = new Set(['run', 'exec', '-m', 'x']);
const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:ba|z|da|k)?sh$/;
const MAX_KEY = 60;

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && (t[0] === "'" || t[0] === '"') && t[t.length - 1] === t[0]) return t.slice(1, -1).replace(/'\\''/g, "'");
  return t;
}

function words(line: string): string[] {
  return line.trim().split(/\s+/).filter(Boolean);
}

export function commandKey(command: string): string | null {
  let line = command.trim();
  // bash -lc '<script>' / sh -c "<script>": the script is the command.
  for (let i = 0; i < 3; i++) {
    const m = /^(\S+)\s+-(?:l?c|cl)\s+([\s\S]+)$/.exec(line);
    if (!m || !SHELLS.test(m[1])) break;
    line = unquote(m[2]);
  }
  // The first step of a chain, skipping a `cd somewhere &&` prefix.
  const steps = line.split(/\s*(?:&&|\|\||;|\|)\s*/).filter((s) => s.trim());
  let step = steps.find((s) => !/^cd(\s|$)/.test(s.trim())) ?? steps[0];
  if (!step) return null;
  let w = words(step);
  while (w.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0])) w = w.slice(1); // FOO=1 cmd
  if (w[0] === 'sudo' || w[0] === 'time' || w[0] === 'env') w = w.slice(1);
  if (!w.length) return null;
  const program = w[0].includes('/') && !w[0].startsWith('./') ? w[0].slice(w[0].lastIndexOf('/') + 1) : w[0];
  const out = [program];
  const second = w[1];
  const python = /^python\d?(\.\d+)?$/.test(program);
  if (second && !second.startsWith('-') && SUBCOMMAND_TOOLS.has(program)) {
    out.push(second);
    if (THIRD_WORD_AFTER.has(second) && w[2] && !w[2].startsWith('-')) out.push(w[2]);
  } else if (python && second === '-m' && w[2]) {
    out.push('-m', w[2]);
  }
  step = out.join(' ');
  return step.length > MAX_KEY ? `${step.slice(0, MAX_KEY - 1)}…` : step;
}

/**
 * Shell commands inside Codex tool calls: Codex's shell tools (`exec_command`, `shell`,
 * `local_shell`, ...) put the command in the JSON arguments as `cmd` or `command`, either a
 * string or an argv array. The reference product only understood the string form, so argv
 * commands were lost; here both become one readable, copy-pasteable command line.
 */

/** Characters that never need quoting in a POSIX shell word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argv element as a POSIX shell word. */
export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  if (SAFE_WORD.test(arg)) return arg;
  return "'" + arg.replace(/'/g, "'\\''") + "'";
}

/** An argv array as one command line (`["bash","-lc","npm test"]` -> `bash -lc 'npm test'`). */
export function joinArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

export interface ShellCommand {
  /** The command line as a person would type it. */
  command: string;
  /** The argv elements when the tool sent an array (kept to find an inline patch unquoted). */
  argv?: string[];
}

/**
 * The shell command in parsed tool arguments (`cmd` first, then `command`), or undefined when
 * there is none or it is neither a string nor an array of strings.
 */
export function shellCommandFromArgs(args: unknown): ShellCommand | undefined {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return undefined;
  const rec = args as Record<string, unknown>;
  for (const key of ['cmd', 'command']) {
    const v = rec[key];
    if (typeof v === 'string') {
      if (v.trim() !== '') return { command: v };
    } else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) {
      return { command: joinArgv(v as string[]), argv: v as string[] };
    }
  }
  return undefined;
}

/**
 * Parse tool-call arguments when they are a JSON object; any other text (a freeform tool's
 * input, a truncated preview) comes back as undefined. The first-character test avoids a
 * thrown-and-caught exception for every freeform call.
 */
export function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) <= 32)) i++;
  if (text[i] !== '{') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The exit code stated in a shell tool's output preview. Codex 0.169's exec_command writes
 * "Process exited with code N"; the older `shell` tool wrote "Exit code: N" (freeform) or JSON
 * metadata `"exit_code": N`. Undefined when the process was still running or nothing says.
 */
const EXIT_CODE = /(?:Process exited with code |Exit code: |"exit_code"\s{0,4}:\s{0,4})(-?\d{1,6})/;

export function exitCodeFromOutput(output: string | undefined): number | undefined {
  if (!output) return undefined;
  const m = EXIT_CODE.exec(output);
  return m ? Number(m[1]) : undefined;
}

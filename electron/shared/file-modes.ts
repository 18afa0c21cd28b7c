/**
 * Permissions of the runtime log, its directory and its side files. Prompts and command output
 * end up in these files, so another local user must not read them: 0600 files in 0700
 * directories in user mode (system mode passes e.g. 0640 / 0750 for a SIEM group). The reference
 * product made everything 0666; we set modes explicitly after creating (umask cannot widen or
 * narrow them) and never touch the mode of a directory we did not create, only warn about it.
 */
import { fchmodSync, fstatSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export const DEFAULT_FILE_MODE = 0o600;
export const DEFAULT_DIR_MODE = 0o700;

export const octal = (mode: number): string => '0' + (mode & 0o7777).toString(8);

/**
 * Make sure `dir` exists. Directories created here get exactly `dirMode`; an existing directory
 * keeps its mode, and a warning is returned if other users could write into it (they could
 * replace or remove the log), unless `dirMode` itself grants that.
 */
export async function ensureLogDir(dir: string, dirMode: number): Promise<string[]> {
  const warnings: string[] = [];
  const target = resolve(dir);
  const firstCreated = await mkdir(target, { recursive: true, mode: dirMode });
  if (firstCreated !== undefined) {
    // mkdir -p created every directory from firstCreated down to target: fix each one's mode.
    const created: string[] = [];
    for (let d = target; ; d = dirname(d)) {
      created.push(d);
      if (d === resolve(firstCreated) || dirname(d) === d) break;
    }
    for (const d of created.reverse()) await chmod(d, dirMode);
    return warnings;
  }
  const st = await stat(target);
  if (!st.isDirectory()) throw new Error(`${target} is not a directory`);
  const looseBits = st.mode & 0o022 & ~dirMode;
  // A sticky world-writable dir (/tmp) still lets others create files there, so warn as well.
  if (looseBits !== 0) {
    warnings.push(`log directory ${target} is ${looseBits & 0o002 ? 'world' : 'group'}-writable (mode ${octal(st.mode)}): other users could replace or remove the runtime log; use a private directory (mode ${octal(dirMode)})`);
  }
  return warnings;
}

/**
 * Give a file we just created exactly `mode`; for a file that already existed, only remove
 * permission bits beyond `mode` (e.g. 0666 left by the reference product), never add any.
 * Returns a warning when an existing file had to be tightened or could not be.
 * Non-regular files (a symlink to /dev/null, a FIFO) are left alone.
 */
export function applyFileMode(fd: number, path: string, mode: number, created: boolean): string | undefined {
  const st = fstatSync(fd);
  if (!st.isFile()) return undefined;
  const current = st.mode & 0o7777;
  const wanted = created ? mode : current & mode;
  if (current === wanted) return undefined;
  try {
    fchmodSync(fd, wanted);
  } catch (err) {
    if (created) throw err;
    return `could not restrict ${path} from mode ${octal(current)} to ${octal(wanted)}: ${(err as Error).message}`;
  }
  return created ? undefined : `restricted ${path} from mode ${octal(current)} to ${octal(wanted)} (it was readable or writable by other users)`;
}

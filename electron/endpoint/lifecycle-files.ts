/**
 * Small file-system helpers shared by install, repair, uninstall and doctor: create directories
 * while remembering which ones we created (so uninstall removes exactly those), the system log
 * directory's group, whether the log can be written. (The --dry-run diff of the agent's config
 * is its config writer's: endpoint/ does not know the format.)
 */
import { constants as fsc } from 'node:fs';
import { access, chmod, chown, mkdir, readFile, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * mkdir -p `dir` with exactly `mode` on every directory it creates; returns the created ones,
 * parents first. Existing directories keep their mode (they are the user's).
 */
export async function makeDirs(dir: string, mode: number): Promise<string[]> {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let d = target; ; d = dirname(d)) {
    const st = await stat(d).catch(() => null);
    if (st) {
      if (!st.isDirectory()) throw new Error(`${d} exists and is not a directory`);
      break;
    }
    missing.push(d);
    if (dirname(d) === d) break;
  }
  missing.reverse();
  for (const d of missing) {
    await mkdir(d, { mode }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await chmod(d, mode); // umask must not narrow or widen what we chose
  }
  return missing;
}

/** Would makeDirs create anything? (for --dry-run) */
export async function missingDirs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (await stat(d).then(() => true, () => false)) break;
    out.push(d);
    if (dirname(d) === d) break;
  }
  return out.reverse();
}

/** Remove directories we created, deepest first, only when empty. Returns the ones that stayed. */
export async function removeDirsIfEmpty(dirs: string[]): Promise<{ removed: string[]; kept: string[] }> {
  const removed: string[] = [];
  const kept: string[] = [];
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      await rmdir(d);
      removed.push(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      kept.push(d);
    }
  }
  return { removed, kept };
}

/**
 * The group that may read the system log: `admin` on macOS, `adm` on Linux (the group that reads
 * /var/log on Debian/Ubuntu). Read from /etc/group; undefined when it does not exist.
 */
export async function systemLogGroup(platform: NodeJS.Platform = process.platform): Promise<{ name: string; gid: number } | undefined> {
  const wanted = platform === 'darwin' ? 'admin' : 'adm';
  if (platform === 'darwin') return { name: 'admin', gid: 80 };
  const text = await readFile('/etc/group', 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === wanted && /^\d+$/.test(gid ?? '')) return { name, gid: Number(gid) };
  }
  return undefined;
}

/**
 * The system log directory: 0750, owned by root and the log group, so the admin group and a SIEM
 * agent in it can read prompts' metadata, and nobody else can (never world-readable or -writable).
 */
export async function prepareSystemLogDir(dir: string, platform: NodeJS.Platform = process.platform): Promise<{ created: string[]; group?: string }> {
  const created = await makeDirs(dir, 0o750);
  let group: string | undefined;
  if (process.getuid?.() === 0) {
    const g = await systemLogGroup(platform);
    if (g) {
      await chown(dir, 0, g.gid);
      group = g.name;
    }
  }
  await chmod(dir, 0o750);
  return { created, group };
}

/**
 * Can a collector write `logPath`? Checked before install writes anything, so an unwritable log
 * directory is a one-line refusal instead of a collector that dies at start with the cause in
 * its output file. Like the config editor, a directory or file whose mode has no write bit at
 * all counts as read-only even for root: someone made it so on purpose.
 * Returns the problem, or null. A directory that does not exist yet is fine (install creates it).
 */
export async function logWriteProblem(logPath: string): Promise<string | null> {
  const dir = dirname(logPath);
  const dst = await stat(dir).catch(() => null);
  if (!dst) return null;
  const octal = (m: number) => (m & 0o777).toString(8).padStart(4, '0');
  const fix = `fix it (e.g. \`chmod u+rwx ${dir}\`) and run install again`;
  if (!dst.isDirectory()) return `the log directory ${dir} is not a directory; move it away and run install again`;
  if ((dst.mode & 0o222) === 0) return `the log directory ${dir} is read-only (mode ${octal(dst.mode)}), so no collector could write ${logPath}; ${fix}`;
  if (!(await access(dir, fsc.W_OK | fsc.X_OK).then(() => true, () => false))) return `the log directory ${dir} is not writable for this user (mode ${octal(dst.mode)}); ${fix}`;
  const fst = await stat(logPath).catch(() => null);
  if (fst && (!fst.isFile() || (fst.mode & 0o222) === 0 || !(await access(logPath, fsc.W_OK).then(() => true, () => false)))) {
    return `the runtime log ${logPath} is ${fst.isFile() ? `not writable (mode ${octal(fst.mode)})` : 'not a regular file'}; fix it (e.g. \`chmod u+rw ${logPath}\`) and run install again`;
  }
  return null;
}

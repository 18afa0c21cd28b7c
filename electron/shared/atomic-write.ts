/**
 * Reading and replacing a user's file without ever leaving it half-written, and without changing
 * who owns it or who may read it. Used for Codex's config.toml, which Codex re-reads on every
 * command: a torn or truncated file would stop every Codex command until fixed by hand.
 *
 * Replacement is write-temp-in-same-directory, fsync, chmod/chown to the original's, rename over
 * the original, fsync the directory. A symlink is followed: the target is replaced, the link stays.
 * A file or directory the user made read-only is a refusal, not something to work around (root
 * could write it anyway, and would surprise whoever set that mode).
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp, constants as fsc } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class FileAccessError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'permission' | 'read-only' | 'not-a-file' | 'dangling-link' | 'not-utf8' | 'changed' | 'io',
  ) {
    super(message);
    this.name = 'FileAccessError';
  }
}

export interface ReadFileResult {
  /** The path as given. */
  path: string;
  /** The file actually read and to be replaced (the symlink target for a link). */
  realPath: string;
  isSymlink: boolean;
  /** null when the file does not exist. */
  text: string | null;
  /** Exact bytes read (null when missing). */
  bytes: Buffer | null;
  mode?: number;
  uid?: number;
  gid?: number;
  mtimeMs?: number;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : String(err);
}

/**
 * Read a UTF-8 text file for editing. A missing file is not an error (text: null). Permission
 * problems, directories, dangling links and non-UTF-8 content are FileAccessErrors with a
 * message that names the file.
 */
export async function readConfigFile(path: string): Promise<ReadFileResult> {
  let isSymlink = false;
  try {
    isSymlink = (await fsp.lstat(path)).isSymbolicLink();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, realPath: path, isSymlink: false, text: null, bytes: null };
    if (code === 'EACCES' || code === 'EPERM') throw new FileAccessError(`cannot read ${path}: permission denied`, 'permission');
    throw new FileAccessError(`cannot read ${path} (${describe(err)})`, 'io');
  }
  let realPath = path;
  if (isSymlink) {
    try {
      realPath = await fsp.realpath(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        const target = await fsp.readlink(path).catch(() => '?');
        throw new FileAccessError(`${path} is a symbolic link to ${target}, which does not exist; fix or remove the link first`, 'dangling-link');
      }
      throw new FileAccessError(`cannot resolve the symbolic link ${path} (${describe(err)})`, 'io');
    }
  }
  let bytes: Buffer;
  let st: import('node:fs').Stats;
  try {
    st = await fsp.stat(realPath);
    if (!st.isFile()) throw new FileAccessError(`${realPath} is not a regular file`, 'not-a-file');
    bytes = await fsp.readFile(realPath);
  } catch (err) {
    if (err instanceof FileAccessError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new FileAccessError(`cannot read ${realPath}: permission denied`, 'permission');
    throw new FileAccessError(`cannot read ${realPath} (${describe(err)})`, 'io');
  }
  let text: string;
  try {
    // fatal: refuse rather than silently turn bytes into U+FFFD and write them back changed.
    // ignoreBOM: keep a BOM as U+FEFF so that writing the text back reproduces it.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new FileAccessError(`${realPath} is not UTF-8 text; TOML must be UTF-8, Beacon did not change it`, 'not-utf8');
  }
  return { path, realPath, isSymlink, text, bytes, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs };
}

export interface AtomicWriteOptions {
  /** Permission bits for the file (default: the existing file's, else 0o600). */
  mode?: number;
  /** Owner to give the file when running as root (default: the existing file's). */
  uid?: number;
  gid?: number;
  /**
   * Refuse if the file no longer holds exactly these bytes (null: must not exist), so an edit
   * made by someone else between our read and our write is never overwritten.
   */
  expectCurrent?: Buffer | null;
}

/** Throw a clear FileAccessError when `path` (an existing file) or its directory is read-only. */
export async function assertWritable(path: string): Promise<void> {
  const dir = dirname(path);
  const st = await fsp.stat(path).catch(() => null);
  if (st && (st.mode & 0o222) === 0) {
    throw new FileAccessError(`${path} is read-only (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); make it writable or edit it yourself, Beacon did not change it`, 'read-only');
  }
  const dst = await fsp.stat(dir).catch((err) => {
    throw new FileAccessError(`cannot use directory ${dir} (${describe(err)})`, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'io');
  });
  if ((dst.mode & 0o222) === 0) {
    throw new FileAccessError(`directory ${dir} is read-only (mode ${(dst.mode & 0o777).toString(8).padStart(4, '0')}); Beacon did not change ${basename(path)}`, 'read-only');
  }
  try {
    await fsp.access(dir, fsc.W_OK | fsc.X_OK);
    if (st) await fsp.access(path, fsc.W_OK);
  } catch {
    throw new FileAccessError(`cannot write ${st ? path : `to ${dir}`}: permission denied; Beacon did not change it`, 'permission');
  }
}

/**
 * Replace `path` with `data` atomically. `path` must be the real file (resolve symlinks first;
 * readConfigFile's realPath). Keeps the existing file's mode and, as root, its owner.
 */
export async function writeFileAtomic(path: string, data: string | Buffer, opts: AtomicWriteOptions = {}): Promise<void> {
  await assertWritable(path);
  const dir = dirname(path);
  const existing = await fsp.stat(path).catch(() => null);
  if (opts.expectCurrent !== undefined) await assertUnchanged(path, opts.expectCurrent);
  const mode = opts.mode ?? (existing ? existing.mode & 0o7777 : 0o600);
  const uid = opts.uid ?? existing?.uid;
  const gid = opts.gid ?? existing?.gid;
  const tmp = join(dir, `.${basename(path)}.beacon-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let handle: import('node:fs/promises').FileHandle | null = null;
  try {
    // 0600 while it is being written: content never visible to others before the final chmod.
    handle = await fsp.open(tmp, 'wx', 0o600);
    await handle.writeFile(data);
    if (process.getuid?.() === 0 && uid !== undefined && gid !== undefined) await handle.chown(uid, gid);
    await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    handle = null;
    if (opts.expectCurrent !== undefined) await assertUnchanged(path, opts.expectCurrent);
    await fsp.rename(tmp, path);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    if (err instanceof FileAccessError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new FileAccessError(`cannot write ${path}: ${code === 'EROFS' ? 'read-only file system' : 'permission denied'}; Beacon did not change it`, code === 'EROFS' ? 'read-only' : 'permission');
    }
    throw new FileAccessError(`cannot write ${path} (${describe(err)}); Beacon did not change it`, 'io');
  }
  await fsyncDir(dir);
}

/** Remove a file (and fsync its directory), refusing if it changed since it was read. */
export async function removeFileChecked(path: string, expectCurrent?: Buffer | null): Promise<void> {
  await assertWritable(path);
  if (expectCurrent !== undefined) await assertUnchanged(path, expectCurrent);
  await fsp.unlink(path);
  await fsyncDir(dirname(path));
}

async function assertUnchanged(path: string, expected: Buffer | null): Promise<void> {
  const now = await fsp.readFile(path).catch((err) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  });
  const same = now === null || expected === null ? now === expected : now.equals(expected);
  if (!same) throw new FileAccessError(`${path} changed while Beacon was editing it; nothing was written, run the command again`, 'changed');
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename durable. Some file systems refuse to fsync a directory: not fatal.
  const dh = await fsp.open(dir, 'r').catch(() => null);
  if (!dh) return;
  await dh.sync().catch(() => undefined);
  await dh.close().catch(() => undefined);
}

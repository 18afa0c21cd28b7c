/**
 * `beacon endpoint discover`: where is Codex, which version, which config. Read-only: it runs
 * `codex --version` (with a timeout) and reads directories, nothing else.
 */
import { execFile } from 'node:child_process';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { codexHome, type PathEnv } from '../shared/paths';

export interface CodexInstall {
  path: string;
  realPath: string;
  /** Where we found it: PATH, npm-global, homebrew, local-bin, nvm, volta, ... */
  source: string;
  onPath: boolean;
  version?: string;
  versionError?: string;
}

export interface CodexDiscovery {
  installs: CodexInstall[];
  codexHome: string;
  codexHomeExists: boolean;
  configPath: string;
  configExists: boolean;
  profiles: string[];
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    const s = await stat(p);
    if (!s.isFile()) return false;
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => join(dir, d.name));
  } catch {
    return [];
  }
}

/** Candidate locations beyond PATH: npm global prefixes, Homebrew, ~/.local/bin, version managers. */
export async function candidateDirs(env: PathEnv, platform: NodeJS.Platform = process.platform): Promise<{ dir: string; source: string }[]> {
  const home = env.HOME ?? '';
  const out: { dir: string; source: string }[] = [];
  if (env.npm_config_prefix) out.push({ dir: join(env.npm_config_prefix, 'bin'), source: 'npm-global' });
  out.push({ dir: join(home, '.npm-global/bin'), source: 'npm-global' });
  out.push({ dir: '/usr/local/bin', source: platform === 'darwin' ? 'homebrew' : 'usr-local' });
  if (platform === 'darwin') out.push({ dir: '/opt/homebrew/bin', source: 'homebrew' });
  out.push({ dir: join(home, '.local/bin'), source: 'local-bin' });
  out.push({ dir: join(home, '.volta/bin'), source: 'volta' });
  out.push({ dir: join(home, '.asdf/shims'), source: 'asdf' });
  out.push({ dir: join(home, '.bun/bin'), source: 'bun' });
  out.push({ dir: join(home, '.local/share/pnpm'), source: 'pnpm' });
  out.push({ dir: join(home, 'Library/pnpm'), source: 'pnpm' });
  for (const v of await subdirs(join(home, '.nvm/versions/node'))) out.push({ dir: join(v, 'bin'), source: 'nvm' });
  for (const v of await subdirs(join(home, '.local/share/fnm/node-versions'))) out.push({ dir: join(v, 'installation/bin'), source: 'fnm' });
  return out;
}

export function codexVersion(binary: string, timeoutMs = 5000): Promise<{ version?: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(binary, ['--version'], { timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        resolve({ error: e.killed ? `no answer within ${timeoutMs} ms` : (stderr || e.message).trim().split('\n')[0] });
        return;
      }
      const m = /(\d+\.\d+\.\d+[\w.-]*)/.exec(stdout);
      resolve(m ? { version: m[1] } : { error: `unexpected output: ${stdout.trim().slice(0, 80)}` });
    });
  });
}

export async function discoverCodex(env: PathEnv = process.env, opts: { versionTimeoutMs?: number } = {}): Promise<CodexDiscovery> {
  const seen = new Map<string, CodexInstall>();
  const pathDirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const add = async (dir: string, source: string, onPath: boolean) => {
    const p = join(dir, 'codex');
    if (!(await isExecutable(p))) return;
    const real = await realpath(p).catch(() => p);
    const existing = seen.get(real);
    if (existing) {
      existing.onPath ||= onPath;
      return;
    }
    seen.set(real, { path: p, realPath: real, source, onPath });
  };
  for (const d of pathDirs) await add(d, 'PATH', true);
  for (const c of await candidateDirs(env)) await add(c.dir, c.source, pathDirs.includes(c.dir));
  const installs = [...seen.values()];
  await Promise.all(
    installs.map(async (i) => {
      const v = await codexVersion(i.path, opts.versionTimeoutMs);
      i.version = v.version;
      i.versionError = v.error;
    }),
  );
  const home = codexHome('user', env);
  const configPath = join(home, 'config.toml');
  const exists = async (p: string) => access(p).then(() => true, () => false);
  let profiles: string[] = [];
  try {
    profiles = (await readdir(home)).filter((f) => f.endsWith('.config.toml')).map((f) => join(home, f));
  } catch {
    profiles = [];
  }
  return { installs, codexHome: home, codexHomeExists: await exists(home), configPath, configExists: await exists(configPath), profiles };
}

/** `beacon endpoint discover` in words: each install, CODEX_HOME, the config and profile files. */
export function formatDiscovery(d: CodexDiscovery): string {
  const L = [d.installs.length ? `Codex CLI: ${d.installs.length} install(s) found` : 'Codex CLI: not found on PATH or in the usual places'];
  for (const i of d.installs) L.push(`  ${i.path}${i.realPath !== i.path ? ` -> ${i.realPath}` : ''}  ${i.version ?? `(version unknown: ${i.versionError})`}  [${i.source}${i.onPath ? ', on PATH' : ''}]`);
  L.push(`CODEX_HOME: ${d.codexHome}${d.codexHomeExists ? '' : ' (does not exist yet)'}`);
  L.push(`Config: ${d.configPath}${d.configExists ? '' : ' (none)'}`);
  for (const p of d.profiles) L.push(`Profile config: ${p}`);
  return L.join('\n') + '\n';
}

/**
 * Where a Codex session ran, from Codex's own record of it: Codex writes every session to
 * `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<local time>-<session id>.jsonl` (moved to
 * `$CODEX_HOME/archived_sessions/` when archived), and its FIRST line is a `session_meta` record.
 * With Codex 0.169.0 that line carries (checked with the real binary): `id`, `cwd`,
 * `git: {commit_hash, branch, repository_url}` (inside a git checkout), `originator`,
 * `cli_version`, `source`, `model_provider`, and the whole system prompt (`base_instructions`,
 * about 22 KB).
 *
 * Beacon reads only that first line, never the conversation after it, and keeps only the
 * working directory and the git commit, branch and remote URL (with any user name or token in
 * the URL removed). Reads are synchronous and bounded (one directory listing per candidate day
 * and at most FIRST_LINE_MAX bytes): this runs once per session on the collector's ingest path.
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { HarnessSessionContext, SessionContext } from '../shared/harness';
import type { SessionGit } from '../shared/event';
import { codexHome } from '../shared/paths';

/** The first line holds the system prompt: 22 KB today; allow growth, refuse anything absurd. */
export const FIRST_LINE_MAX = 1024 * 1024;
const CHUNK = 64 * 1024;
const MAX_TEXT = 4096;

/** The folders Codex may have filed a session under: its local start date, and the days around it (clock skew, midnight). */
function dayDirs(sessionsDir: string, startedAt: string): string[] {
  const t = Date.parse(startedAt);
  const base = Number.isFinite(t) ? t : Date.now();
  const out: string[] = [];
  for (const offset of [0, -1, 1]) {
    const d = new Date(base + offset * 86_400_000);
    const mm = String(d.getMonth() + 1).padStart(2, '0');
    const dd = String(d.getDate()).padStart(2, '0');
    out.push(join(sessionsDir, String(d.getFullYear()), mm, dd));
  }
  return out;
}

function findRollout(dirs: string[], sessionId: string): string | undefined {
  const suffix = `-${sessionId}.jsonl`;
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // no sessions that day
    }
    const name = names.find((n) => n.startsWith('rollout-') && n.endsWith(suffix));
    if (name) return join(dir, name);
  }
  return undefined;
}

/** The file's first line, or undefined when it has none within FIRST_LINE_MAX bytes. */
export function readFirstLine(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < FIRST_LINE_MAX) {
      const buf = Buffer.alloc(CHUNK);
      const n = readSync(fd, buf, 0, CHUNK, total);
      if (n <= 0) return undefined; // no newline yet: Codex is still writing it
      const nl = buf.subarray(0, n).indexOf(0x0a);
      if (nl >= 0) {
        chunks.push(buf.subarray(0, nl));
        return Buffer.concat(chunks).toString('utf8');
      }
      chunks.push(buf.subarray(0, n));
      total += n;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.slice(0, MAX_TEXT) : undefined;
}

/** A remote URL without credentials: https://user:token@host/x -> https://host/x. scp-style git@host:x is kept (a user name, no secret). */
export function withoutCredentials(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    // Not a URL we can take apart: drop anything before an @ in the authority.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  }
}

/** The context in a session_meta line for this session, or undefined when the line is not one. */
export function contextFromSessionMeta(line: string, sessionId: string): SessionContext | undefined {
  let rec: { type?: unknown; payload?: Record<string, unknown> };
  try {
    rec = JSON.parse(line);
  } catch {
    return undefined;
  }
  const p = rec?.payload;
  if (rec?.type !== 'session_meta' || !p || typeof p !== 'object') return undefined;
  if (p.id !== sessionId && p.session_id !== sessionId) return undefined;
  const out: SessionContext = {};
  const cwd = text(p.cwd);
  if (cwd) out.working_directory = cwd;
  const g = p.git as Record<string, unknown> | undefined;
  if (g && typeof g === 'object') {
    const git: SessionGit = {};
    const url = text(g.repository_url);
    if (url) git.repository_url = withoutCredentials(url);
    const branch = text(g.branch);
    if (branch) git.branch = branch;
    const commit = text(g.commit_hash);
    if (commit) git.commit = commit;
    if (Object.keys(git).length) out.git = git;
  }
  return out;
}

export function codexSessionContext(env: Record<string, string | undefined>): HarnessSessionContext {
  const home = codexHome('user', env);
  const sessionsDir = join(home, 'sessions');
  const archived = join(home, 'archived_sessions');
  return {
    reads: `the first line (session_meta: working directory and git commit, branch and remote) of each session's record in ${sessionsDir}`,
    lookup(sessionId, startedAt) {
      // Session ids are file-name safe UUIDs; anything else is not a Codex session of ours.
      if (!/^[0-9a-zA-Z-]{8,64}$/.test(sessionId)) return undefined;
      const file = findRollout([...dayDirs(sessionsDir, startedAt), archived], sessionId);
      if (!file) return undefined;
      const line = readFirstLine(file);
      return line === undefined ? undefined : contextFromSessionMeta(line, sessionId);
    },
  };
}

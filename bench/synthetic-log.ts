/**
 * A large runtime log for the dashboard benchmark, made of REAL normalizer output: the 4-turn
 * Codex scenario fixture goes through the collector's own decode -> normalize -> content policy
 * once, and its 13 events (session.started, prompt.submitted, approval.allowed,
 * command.executed, file.modified, token.usage, response.completed) become templates. Each
 * synthetic session repeats the turns with its own id, timestamps, prompts, commands and files,
 * so the lines have the size (~2 KB, `raw` included) and the field mix the reader really sees.
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeOtlpProtobuf } from '../electron/collector/decode-protobuf';
import { CodexNormalizer } from '../electron/codex/normalizer';
import { applyContentPolicy } from '../electron/log/content-policy';
import type { BeaconEvent } from '../electron/shared/event';
import { FIXTURES } from './paths';

export const COMMANDS = ['npm test', 'cargo build --release', 'git status --short', 'ls -la src', 'pytest -q tests/unit', 'make lint', 'rg TODO electron', 'go vet ./...'];
export const PROMPTS = ['fix the flaky login test', 'add a retry to the upload client', 'explain the build failure', 'rename the config loader', 'bump the lockfile and run the tests'];
export const FILES = ['src/app.ts', 'README.md', 'lib/upload.py', 'cmd/main.go', 'test/login.test.ts'];

function templates(): BeaconEvent[] {
  const body = readFileSync(join(FIXTURES, 'codex-0.169.0-scenario', 'logs.bin'));
  const normalizer = new CodexNormalizer({ includeSpans: false, endpoint: { os: 'linux', hostname: 'bench-host', agent_version: '0.0.0-bench' } });
  const decoded = decodeOtlpProtobuf('logs', body);
  if (decoded.signal !== 'logs') throw new Error('the scenario fixture did not decode as logs');
  return normalizer.normalizeLogs(decoded.resourceLogs).map((e) => applyContentPolicy(e, 'redacted'));
}

function sessionId(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `0199aaaa-bbbb-7ccc-8ddd-${hex}`;
}

export interface SyntheticLog {
  path: string;
  events: number;
  sessions: number;
  bytes: number;
  /** A session that exists in the log, and an action and a word to filter on. */
  probe: { session: string; action: string; text: string };
}

/**
 * Writes `events` lines over `sessions` sessions to `path`. Sessions are interleaved in time
 * (round-robin), as concurrent Codex processes are in a real log.
 */
export async function writeSyntheticLog(path: string, events: number, sessions: number): Promise<SyntheticLog> {
  const tmpl = templates();
  const started = tmpl.find((e) => e.event.action === 'session.started');
  if (!started) throw new Error('the scenario produced no session.started event');
  const turn = tmpl.filter((e) => e !== started);
  const origSession = started.session?.id;
  if (typeof origSession !== 'string') throw new Error('the scenario session.started has no session id');
  const lines = tmpl.map((e) => JSON.stringify(e));
  const startLine = lines[tmpl.indexOf(started)];
  const turnLines = turn.map((e) => lines[tmpl.indexOf(e)]);
  const turnStamps = turn.map((e) => e.timestamp);
  const prompt = tmpl.find((e) => e.event.action === 'prompt.submitted')?.prompt?.text;

  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path, { mode: 0o600 });
  const base = Date.parse('2026-01-05T09:00:00.000Z');
  let bytes = 0;
  const cursor = new Array<number>(sessions).fill(-1); // -1: session.started not written yet
  let buf: string[] = [];
  for (let i = 0; i < events; i++) {
    const s = i % sessions;
    const sid = sessionId(s);
    const ts = new Date(base + i * 250).toISOString();
    let line: string;
    if (cursor[s] === -1) {
      line = startLine.replaceAll(origSession, sid).replaceAll(started.timestamp, ts);
    } else {
      const k = cursor[s] % turnLines.length;
      const round = Math.floor(cursor[s] / turnLines.length);
      line = turnLines[k];
      // The prompt first: it mentions the scenario's file name, which is replaced below.
      if (prompt) line = line.replaceAll(JSON.stringify(prompt).slice(1, -1), PROMPTS[(s + round) % PROMPTS.length]);
      line = line
        .replaceAll(origSession, sid)
        .replaceAll(turnStamps[k], ts)
        .replaceAll('echo ok', COMMANDS[(s + round) % COMMANDS.length])
        .replaceAll('ls /nonexistent-beacon-path', COMMANDS[(s + round + 3) % COMMANDS.length])
        .replaceAll('hello.txt', FILES[(s + round) % FILES.length]);
    }
    cursor[s]++;
    buf.push(line);
    bytes += Buffer.byteLength(line) + 1;
    if (buf.length === 1000) {
      if (!out.write(buf.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = [];
    }
  }
  if (buf.length > 0) out.write(buf.join('\n') + '\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { path, events, sessions, bytes, probe: { session: sessionId(7), action: 'command.executed', text: 'cargo build' } };
}

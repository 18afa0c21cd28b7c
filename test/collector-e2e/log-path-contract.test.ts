/**
 * "The file at the configured path is the contract" with the real collector process under load:
 * runtime.jsonl deleted, moved away (logrotate `create`, and newsyslog's move + rename-over),
 * truncated in place (copytruncate) and replaced while exporters keep posting.
 *
 * What must be found where (docs/log-rotation.md says the same to users). t0/t1 are the moments
 * just before and just after the operation, in this process, which is also the one sending:
 * - Every request sent after t1 and answered 200 has all its events in the file AT THE PATH.
 * - delete / replace: events acknowledged before t0 went with the file that was deleted or
 *   replaced (that is what the operation does); nothing is asked of them.
 * - move: every acknowledged event is exactly once in the moved file or the file at the path.
 * - copytruncate: acknowledged before t0 -> in the copy; every acknowledged event is in the copy
 *   or the file at the path, except requests in flight between t0 and t1, which logrotate's own
 *   copy-then-truncate window can lose (its manual says so): those are counted, not required.
 * - Every line of every file is whole JSON, and no request is refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { countIds, OtlpLoad, sessionIdsIn, until, type Posted } from '../support/otlp-load';
import { scrubbedEnv } from '../support/test-env';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hasLogrotate = spawnSync('logrotate', ['--version']).status === 0;

let dir: string;
let log: string;
let run: RunningCli | undefined;
let load: OtlpLoad | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'beacon-path-'));
  mkdirSync(join(dir, 'logs'), { mode: 0o700 });
  log = join(dir, 'logs', 'runtime.jsonl');
  // Beacon's own rotation out of the way: these tests are about what others do to the file.
  run = await startEndpointRun(['--log-path', log, '--rotate-bytes', String(1 << 30)], { ...scrubbedEnv(), HOME: dir });
});
afterEach(async () => {
  await load?.stop();
  load = undefined;
  await run?.stop('SIGKILL');
  run = undefined;
  rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  posted: Posted[];
  t0: number;
  t1: number;
}

/** Load, then `op` while the load runs, then more load; stop; the collector flushes on SIGTERM. */
async function underLoad(op: () => void | Promise<void>): Promise<Outcome> {
  load = new OtlpLoad(run!.port, { exporters: 6, recordsPerRequest: 4, promptBytes: 700 });
  await until(() => load!.acknowledged >= 150, 'load to get going');
  const t0 = performance.now();
  await op();
  const t1 = performance.now();
  const ackedBefore = load.acknowledged;
  await until(() => load!.acknowledged >= ackedBefore + 150, 'load after the operation');
  const posted = await load.stop();
  load = undefined;
  expect(await run!.stop('SIGTERM')).toBe(0);
  run = undefined;
  return { posted, t0, t1 };
}

const idsOf = (ps: readonly Posted[]) => ps.flatMap((p) => p.ids);
const missingFrom = (counts: Map<string, number>, ids: readonly string[]) => ids.filter((id) => !counts.has(id));
const sentAfter = (o: Outcome) => o.posted.filter((p) => p.status === 200 && p.sentAt > o.t1);

function expectAllAnswered200(o: Outcome): void {
  const refused = o.posted.filter((p) => p.status !== 200);
  expect(refused.map((p) => p.status), 'requests refused').toEqual([]);
}

function expectOnce(counts: Map<string, number>): void {
  const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  expect(twice, 'events written twice').toEqual([]);
}

describe('runtime.jsonl changed under a running collector', () => {
  it('deleted (rm): the next append creates it again, and every event sent afterwards is in it', async () => {
    const o = await underLoad(() => rmSync(log));
    expectAllAnswered200(o);
    const atPath = countIds([log]);
    const after = idsOf(sentAfter(o));
    expect(after.length).toBeGreaterThan(300);
    expect(missingFrom(atPath, after)).toEqual([]);
    expectOnce(atPath);
    expect(statSync(log).mode & 0o777).toBe(0o600);
  }, 90_000);

  it('moved away, then an empty file made at the path (`mv; : >`): acknowledged events are once in the moved file or the new one, later ones in the new one', async () => {
    // `: > runtime.jsonl` truncates whatever is there: possibly the file the collector already
    // created at the empty path and acknowledged events into.
    const o = await underLoad(() => {
      renameSync(log, `${log}.1`);
      writeFileSync(log, '', { mode: 0o600 });
    });
    expectAllAnswered200(o);
    const moved = new Set(sessionIdsIn(`${log}.1`));
    const atPath = countIds([log]);
    const both = countIds([`${log}.1`, log]);
    const acked = idsOf(o.posted.filter((p) => p.status === 200));
    expect(missingFrom(both, acked), 'acknowledged, found in neither file').toEqual([]);
    expectOnce(both);
    const after = idsOf(sentAfter(o));
    expect(after.length).toBeGreaterThan(300);
    expect(missingFrom(atPath, after), 'sent after the move, not in the new file').toEqual([]);
    expect(after.filter((id) => moved.has(id)), 'sent after the move, in the moved file').toEqual([]);
  }, 90_000);

  it('moved away with nothing created in its place (logrotate nocreate): the collector creates it', async () => {
    const o = await underLoad(() => renameSync(log, `${log}.1`));
    expectAllAnswered200(o);
    const both = countIds([`${log}.1`, log]);
    expect(missingFrom(both, idsOf(o.posted))).toEqual([]);
    expectOnce(both);
    expect(missingFrom(countIds([log]), idsOf(sentAfter(o)))).toEqual([]);
  }, 90_000);

  it('moved away, then a new file renamed over the path a moment later (newsyslog): nothing acknowledged in between is lost', async () => {
    // newsyslog's sequence: mv log log.0; mktemp; chown; chmod; mv tmp log. The collector writes
    // into a file of its own at the empty path meanwhile, which the last rename then unlinks.
    const o = await underLoad(async () => {
      renameSync(log, `${log}.0`);
      const tmp = `${log}.zXXXXXX`;
      writeFileSync(tmp, '');
      chmodSync(tmp, 0o600);
      await sleep(80);
      renameSync(tmp, log);
    });
    expectAllAnswered200(o);
    const both = countIds([`${log}.0`, log]);
    expect(missingFrom(both, idsOf(o.posted))).toEqual([]);
    expectOnce(both);
  }, 90_000);

  it('truncated in place (copytruncate): the copy has what was acknowledged before, the log what was sent after', async () => {
    const o = await underLoad(() => {
      copyFileSync(log, `${log}.1`);
      truncateSync(log, 0);
    });
    expectAllAnswered200(o);
    const copy = countIds([`${log}.1`]);
    const atPath = countIds([log]);
    const both = countIds([`${log}.1`, log]);
    const before = idsOf(o.posted.filter((p) => p.answeredAt < o.t0));
    expect(missingFrom(copy, before)).toEqual([]);
    expect(missingFrom(atPath, idsOf(sentAfter(o)))).toEqual([]);
    const inWindow = new Set(idsOf(o.posted.filter((p) => p.answeredAt >= o.t0 && p.sentAt <= o.t1)));
    const lost = missingFrom(both, idsOf(o.posted));
    expect(lost.filter((id) => !inWindow.has(id)), 'lost outside the copy/truncate window').toEqual([]);
    // Only the window may hold an event twice (a batch cut by the truncation is written again).
    expect([...both].filter(([id, n]) => n > 1 && !inWindow.has(id))).toEqual([]);
    console.log(`copytruncate window: ${inWindow.size} event(s) in flight, ${lost.length} lost by the copy/truncate race`);
  }, 90_000);

  it('replaced (a copy renamed over it, as an editor or a restore does): later events go into the replacement, after its content', async () => {
    let replacement = Buffer.alloc(0);
    const o = await underLoad(() => {
      replacement = readFileSync(log);
      writeFileSync(`${log}.tmp`, replacement, { mode: 0o600 });
      renameSync(`${log}.tmp`, log);
    });
    expectAllAnswered200(o);
    const now = readFileSync(log);
    expect(now.subarray(0, replacement.length).equals(replacement)).toBe(true);
    const atPath = countIds([log]);
    expect(missingFrom(atPath, idsOf(sentAfter(o)))).toEqual([]);
    expect(missingFrom(atPath, idsOf(o.posted.filter((p) => p.answeredAt < o.t0)))).toEqual([]);
    expectOnce(atPath);
  }, 90_000);
});

/** The logrotate stanza of docs/log-rotation.md that contains `directive`, for the test's log. */
function stanzaFromDocs(directive: string, forLog: string): string {
  const doc = readFileSync(join(__dirname, '../../docs/log-rotation.md'), 'utf8');
  const blocks = [...doc.matchAll(/```\n(\/var\/log\/beacon-agent\/runtime\.jsonl \{\n[\s\S]*?\n\})\n```/g)].map((m) => m[1]);
  const block = blocks.find((b) => new RegExp(`^\\s+${directive}\\b`, 'm').test(b));
  if (!block) throw new Error(`docs/log-rotation.md has no logrotate stanza with ${directive}`);
  return block.replace('/var/log/beacon-agent/runtime.jsonl', forLog);
}

/** The stanzas of docs/log-rotation.md, run by the real logrotate against the running collector. */
describe.skipIf(!hasLogrotate)('logrotate (the stanzas from docs/log-rotation.md; needs the logrotate package)', () => {
  function logrotate(directive: string): Promise<{ code: number; stderr: string }> {
    const conf = join(dir, 'logrotate.conf');
    writeFileSync(conf, stanzaFromDocs(directive, log) + '\n');
    return new Promise((resolve) => {
      const p = spawn('logrotate', ['-f', '-s', join(dir, 'logrotate.state'), conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (code) => resolve({ code: code ?? 1, stderr }));
    });
  }

  it('create: events acknowledged are in runtime.jsonl.1 or the new runtime.jsonl, later ones in the new one', async () => {
    let r = { code: 0, stderr: '' };
    const o = await underLoad(async () => {
      r = await logrotate('create');
    });
    // The collector may create the file in the instant between logrotate's rename and its
    // O_EXCL create; logrotate then reports that, and the collector's file is the new log.
    if (r.code !== 0) expect(r.stderr).toMatch(/exists/i);
    expectAllAnswered200(o);
    const both = countIds([`${log}.1`, log]);
    expect(missingFrom(both, idsOf(o.posted))).toEqual([]);
    expectOnce(both);
    expect(missingFrom(countIds([log]), idsOf(sentAfter(o)))).toEqual([]);
  }, 90_000);

  it('copytruncate: only the copy/truncate window may lose events', async () => {
    let r = { code: 1, stderr: '' };
    const o = await underLoad(async () => {
      r = await logrotate('copytruncate');
    });
    expect(r.code, r.stderr).toBe(0);
    expectAllAnswered200(o);
    const both = countIds([`${log}.1`, log]);
    expect(missingFrom(countIds([`${log}.1`]), idsOf(o.posted.filter((p) => p.answeredAt < o.t0)))).toEqual([]);
    expect(missingFrom(countIds([log]), idsOf(sentAfter(o)))).toEqual([]);
    const inWindow = new Set(idsOf(o.posted.filter((p) => p.answeredAt >= o.t0 && p.sentAt <= o.t1)));
    expect(missingFrom(both, idsOf(o.posted)).filter((id) => !inWindow.has(id))).toEqual([]);
  }, 90_000);
});

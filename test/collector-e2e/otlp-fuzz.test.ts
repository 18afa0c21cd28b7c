/**
 * Issue 11, strict decoding: a bounded mutation fuzz run against the real collector process
 * (`beacon endpoint run`, compiled). A fixed seed, 3,000 mutations of the real Codex captures
 * (bench/otlp-mutator.ts), and for each one the collector must answer 400 with a
 * google.rpc.Status body exactly when the oracle (protobufjs's decode plus the wire rules it
 * does not enforce, test/support/otlp-oracle.ts) says the body is malformed, and 200 otherwise.
 * It must never crash, and every line it writes must be whole JSON.
 *
 * A failure prints the mutation index: `mutate(loadSeeds(FIXTURES), SEED, i)` rebuilds the body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSeeds, mutate, type Mutation } from '../../bench/otlp-mutator';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import { startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { oracleRejects } from '../support/otlp-oracle';
import { scrubbedEnv } from '../support/test-env';

const FIXTURES = join(__dirname, '..', 'fixtures');
const SEED = 20261203;
const MUTATIONS = 3000;
const CONCURRENCY = 8;

interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

function post(agent: http.Agent, port: number, m: Mutation): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: `/v1/${m.signal}`, method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': String(m.body.length) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body: Buffer.concat(parts) }));
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(m.body);
  });
}

describe('mutation fuzz run against the real collector', () => {
  let dir: string;
  let log: string;
  let collector: RunningCli;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-fuzz-'));
    log = join(dir, 'logs', 'runtime.jsonl');
    collector = await startEndpointRun(['--log-path', log], { ...scrubbedEnv(), HOME: dir });
  });
  afterAll(async () => {
    await collector?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers 400 with a Status exactly when the oracle rejects, for ${MUTATIONS} mutations, and never crashes or tears a line`, async () => {
    const seeds = loadSeeds(FIXTURES);
    const Status = otlpTypes().Status;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const wrong: string[] = [];
    let rejected = 0;
    let next = 0;
    const worker = async () => {
      while (next < MUTATIONS) {
        const i = next++;
        const m = mutate(seeds, SEED, i);
        const verdict = oracleRejects(m.signal, m.body);
        const answer = await post(agent, collector.port, m);
        const expected = verdict ? 400 : 200;
        let problem: string | undefined;
        if (answer.status !== expected) problem = `HTTP ${answer.status}, expected ${expected}${verdict ? ` (${verdict})` : ''}`;
        else if (verdict) {
          rejected++;
          const status = answer.contentType === 'application/x-protobuf' ? (Status.decode(answer.body) as unknown as { code: number; message: string }) : undefined;
          if (!status || status.code !== 3 || status.message === '') problem = `400 without a google.rpc.Status INVALID_ARGUMENT body (${answer.contentType})`;
        }
        if (problem) wrong.push(`#${i} ${m.signal} [${m.op}]: ${problem}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();

    expect(wrong.slice(0, 10), `${wrong.length} of ${MUTATIONS} answers disagree with the oracle`).toEqual([]);
    // The run exercised both answers in earnest.
    expect(rejected).toBeGreaterThan(MUTATIONS * 0.5);
    expect(rejected).toBeLessThan(MUTATIONS * 0.95);
    // Alive, and every line it wrote is whole.
    expect(collector.child.exitCode).toBeNull();
    const health = await new Promise<{ status: string }>((resolve, reject) => {
      http.get(`http://127.0.0.1:${collector.port}/healthz`, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(JSON.parse(text)));
      }).on('error', reject);
    });
    expect(health.status).toBe('ok');
    const raw = readFileSync(log, 'utf8');
    expect(raw.endsWith('\n')).toBe(true);
    const lines = raw.split('\n').slice(0, -1);
    expect(lines.length).toBeGreaterThan(100);
    for (const [n, line] of lines.entries()) expect(() => JSON.parse(line), `line ${n + 1}`).not.toThrow();
  }, 120_000);
});

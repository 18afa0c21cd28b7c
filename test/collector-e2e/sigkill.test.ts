import { describe, expect, it, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { scrubbedEnv } from '../support/test-env';

const FIXTURE = readFileSync(join(__dirname, '../fixtures/codex-0.169.0/logs-otlp-http-protobuf.bin'));

function post(port: number, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', headers: { 'content-type': 'application/x-protobuf' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0)); // the collector was killed mid-request
    req.end(body);
  });
}

function linesOf(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
}

describe('collector killed with SIGKILL during a burst', () => {
  let dir: string;
  let run: RunningCli | undefined;
  afterEach(async () => {
    await run?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves a log in which every line parses and every acknowledged request is present', async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-kill-'));
    const log = join(dir, 'runtime.jsonl');
    run = await startEndpointRun(['--log-path', log], { ...scrubbedEnv(), HOME: dir });

    // One request first, to learn how many events one real Codex payload becomes.
    expect(await post(run.port, FIXTURE)).toBe(200);
    const perPayload = linesOf(log).length;
    expect(perPayload).toBeGreaterThan(3);

    let acked = 1;
    const inflight: Promise<void>[] = [];
    let killed = false;
    for (let i = 0; i < 400; i++) {
      inflight.push(
        post(run.port, FIXTURE).then((status) => {
          if (status === 200) acked++;
          if (acked >= 60 && !killed) {
            killed = true;
            run!.child.kill('SIGKILL');
          }
        }),
      );
      if (i % 20 === 19) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(inflight);
    await run.stop('SIGKILL');
    expect(killed).toBe(true);

    const lines = linesOf(log);
    for (const [i, line] of lines.entries()) {
      expect(() => JSON.parse(line), `line ${i + 1} must be whole JSON`).not.toThrow();
    }
    // A 200 means "handed to the OS": a SIGKILL cannot take those events back.
    expect(lines.length).toBeGreaterThanOrEqual(acked * perPayload);
    // And the file ends on a line boundary: no torn last line.
    const raw = readFileSync(log, 'utf8');
    expect(raw.endsWith('\n')).toBe(true);
  });
});

/** Shared helpers for the runtime-log writer tests: temp dirs, reading logs back, test events. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'beacon-logw-'));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** Every line of a JSONL file parsed; throws (failing the test) on a torn or non-JSON line. */
export async function readJsonl(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  if (text.length === 0) return [];
  if (!text.endsWith('\n')) throw new Error(`${path} does not end with a newline: last line is torn`);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`${path} line ${i + 1} is not JSON: ${line.slice(0, 200)}`);
      }
    });
}

/** A schema-1.0-shaped event carrying a sequence number (in `run`) and optional padding. */
export function testEvent(seq: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timestamp: new Date(Date.UTC(2026, 10, 24, 5, 55, 14, seq % 1000)).toISOString(),
    vendor: 'beacon',
    product: 'endpoint-agent',
    schema_version: '1.0',
    event: { kind: 'agent_runtime', action: 'command.executed', category: 'command' },
    severity: 'info',
    endpoint: { os: 'linux', hostname: 'test-host' },
    harness: { name: 'codex_cli', version: '0.169.0' },
    session: { id: 'sess-1' },
    run: { seq },
    ...extra,
  };
}

export const seqOf = (e: Record<string, unknown>): number => (e.run as { seq: number }).seq;

/** A real process that stays alive until killed, for lock tests. */
export function spawnSleeper(): ChildProcess {
  return spawn('sleep', ['60'], { stdio: 'ignore' });
}

export function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** pid of a process that has already exited. */
export async function deadPid(): Promise<number> {
  const child = spawn('true', [], { stdio: 'ignore' });
  await waitExit(child);
  return child.pid!;
}

/** Number of active timers in this process (setTimeout / setInterval handles). */
export const activeTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

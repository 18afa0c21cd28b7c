/**
 * Load for the durability tests: closed-loop exporters posting OTLP/JSON logs requests to a real
 * collector, each record a `codex.user_prompt` with a conversation id of its own (it becomes the
 * event's session.id), so every acknowledged event can be looked for in the files afterwards.
 * Each request remembers when it was sent and what the collector answered.
 */
import { Agent, request } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface Posted {
  /** Session ids of the request's events. */
  ids: string[];
  /** performance.now() when the request was sent and when its answer arrived. */
  sentAt: number;
  answeredAt: number;
  /** HTTP status, 0 when the connection failed. */
  status: number;
}

/** One OTLP/JSON logs request of `records` prompts of about `promptBytes` each. */
export function promptRequest(ids: readonly string[], promptBytes: number): string {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
  const filler = 'the quick brown fox jumps over the lazy dog '.repeat(Math.ceil(promptBytes / 44)).slice(0, promptBytes);
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'codex_exec'), str('service.version', '0.169.0')] },
        scopeLogs: [
          {
            scope: { name: 'codex_otel.log_only' },
            logRecords: ids.map((id) => ({
              timeUnixNano: now,
              observedTimeUnixNano: now,
              severityNumber: 9,
              severityText: 'INFO',
              attributes: [
                str('event.name', 'codex.user_prompt'),
                str('prompt', `${id} ${filler}`),
                str('event.timestamp', new Date().toISOString()),
                str('conversation.id', id),
                str('originator', 'codex_exec'),
                str('model', 'gpt-5-codex'),
              ],
            })),
          },
        ],
      },
    ],
  });
}

export interface LoadOptions {
  exporters?: number;
  recordsPerRequest?: number;
  promptBytes?: number;
  /** Prefix of the session ids (tell several runs apart). */
  tag?: string;
}

/** Closed-loop exporters against 127.0.0.1:port until stop(). */
export class OtlpLoad {
  readonly posted: Posted[] = [];
  private running = true;
  private seq = 0;
  private readonly loops: Promise<void>[];
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    private readonly opts: LoadOptions = {},
  ) {
    const exporters = opts.exporters ?? 6;
    this.agent = new Agent({ keepAlive: true, maxSockets: exporters });
    this.loops = Array.from({ length: exporters }, () => this.loop());
  }

  /** Stop sending; resolves when every request in flight was answered. */
  async stop(): Promise<Posted[]> {
    this.running = false;
    await Promise.all(this.loops);
    this.agent.destroy();
    return this.posted;
  }

  /** Requests answered 200 so far. */
  get acknowledged(): number {
    return this.posted.filter((p) => p.status === 200).length;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const n = this.seq++;
      const ids = Array.from({ length: this.opts.recordsPerRequest ?? 4 }, (_, k) => `${this.opts.tag ?? 'r'}-${n}-${k}`);
      const body = promptRequest(ids, this.opts.promptBytes ?? 600);
      const sentAt = performance.now();
      const status = await post(this.port, body, this.agent);
      this.posted.push({ ids, sentAt, answeredAt: performance.now(), status });
      if (status === 0) await new Promise((r) => setTimeout(r, 20)); // collector gone: do not spin
    }
  }
}

function post(port: number, body: string, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/**
 * Session ids of the events in a JSONL file, in file order; throws on a line that is not whole
 * JSON. An unterminated last line throws too, unless `tornTail` is 'skip' (right after a
 * SIGKILL, which may land inside a write: that part line is the next start's to cut off).
 */
export function sessionIdsIn(path: string, opts: { tornTail?: 'throw' | 'skip' } = {}): string[] {
  if (!existsSync(path)) return [];
  let text = readFileSync(path, 'utf8');
  if (text.length > 0 && !text.endsWith('\n')) {
    if (opts.tornTail !== 'skip') throw new Error(`${path} ends in an unterminated line`);
    text = text.slice(0, text.lastIndexOf('\n') + 1);
  }
  const out: string[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    let ev: { session?: { id?: unknown } };
    try {
      ev = JSON.parse(line) as typeof ev;
    } catch {
      throw new Error(`${path} line ${i + 1} is not whole JSON: ${line.slice(0, 120)}`);
    }
    if (typeof ev.session?.id === 'string') out.push(ev.session.id);
  }
  return out;
}

/** How often each id occurs across the given files. */
export function countIds(files: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of files) for (const id of sessionIdsIn(f)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** Wait until `cond` holds (polling every 20 ms), or fail after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

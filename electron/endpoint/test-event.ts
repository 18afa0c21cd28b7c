/**
 * `beacon endpoint test-event`: prove the whole pipeline, not just that a file is writable (the
 * reference wrote a line into the log itself). We POST a tiny OTLP/JSON logs request to the
 * running collector's /v1/logs, exactly as Codex would, then read the live log's tail until the
 * event with our unique id appears.
 *
 * The record: event.name `beacon.validation`. The Codex normalizer keeps event names it does not
 * know in generic form, so it is written with action `otel.beacon.validation`, category other,
 * `session.id` = the validation id (kept under every content policy, unlike raw attributes).
 * originator `beacon_test_event` tells it apart from real Codex traffic in the log.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { probeCollector } from '../collector/probe';
import { completeLines } from '../log/reader-lines';
import { LOOPBACK } from '../shared/paths';
import { beaconLogs } from './log-source';

export const VALIDATION_EVENT_NAME = 'beacon.validation';

export interface TestEventResult {
  ok: boolean;
  id: string;
  port: number;
  log_path?: string;
  /** What the collector answered to the POST. */
  http_status?: number;
  /** The event as written (parsed line), when found. */
  event?: Record<string, unknown>;
  elapsed_ms: number;
  error?: string;
}

export function validationRequest(id: string, now: Date = new Date()): Record<string, unknown> {
  const nanos = String(BigInt(now.getTime()) * 1_000_000n);
  const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
  return {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'beacon'), str('service.version', 'test-event')] },
        scopeLogs: [
          {
            scope: { name: 'beacon.test_event' },
            logRecords: [
              {
                timeUnixNano: nanos,
                observedTimeUnixNano: nanos,
                severityNumber: 9,
                severityText: 'INFO',
                attributes: [
                  str('event.name', VALIDATION_EVENT_NAME),
                  str('event.timestamp', now.toISOString()),
                  str('conversation.id', id),
                  str('beacon.validation_id', id),
                  str('originator', 'beacon_test_event'),
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

function post(port: number, body: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: LOOPBACK, port, path: '/v1/logs', method: 'POST', timeout: timeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), host: `${LOOPBACK}:${port}` } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Lines appended to `path` since byte `from` (from 0 if the file was replaced by a shorter one). */
async function readFrom(path: string, from: number): Promise<string> {
  const st = await stat(path).catch(() => null);
  if (!st) return '';
  const start = st.size < from ? 0 : from;
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(st.size - start);
    await fh.read(buf, 0, buf.length, start);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}

/**
 * `trustedLogs`: the logs Beacon's configuration names (default: beaconLogs() of this
 * environment). A collector claiming any other log is a claim we do not believe (issue 11):
 * the test event is not sent to it.
 */
export async function sendTestEvent(port: number, opts: { timeoutMs?: number; trustedLogs?: readonly string[] } = {}): Promise<TestEventResult> {
  const started = Date.now();
  const id = `beacon-validation-${randomUUID()}`;
  const elapsed = () => Date.now() - started;
  const probe = await probeCollector(port);
  if (probe.kind !== 'beacon') {
    return {
      ok: false,
      id,
      port,
      elapsed_ms: elapsed(),
      error: probe.kind === 'none' ? `no collector answers on 127.0.0.1:${port}; start it with \`beacon endpoint repair\` (or \`beacon endpoint install\`)` : `port ${port} is held by another program (${probe.detail}), not a Beacon collector`,
    };
  }
  const logPath = probe.health.log_path;
  const trusted = opts.trustedLogs ?? (await beaconLogs());
  if (!trusted.some((t) => resolve(t) === resolve(logPath || '.'))) {
    return {
      ok: false,
      id,
      port,
      elapsed_ms: elapsed(),
      error: `the program on 127.0.0.1:${port} (pid ${probe.health.pid}) says it is a Beacon collector writing ${JSON.stringify(logPath)}, which no Beacon configuration names; not believed, no test event sent. Stop pid ${probe.health.pid}, then run \`beacon endpoint repair\``,
    };
  }
  const offset = (await stat(logPath).catch(() => null))?.size ?? 0;
  let res;
  try {
    res = await post(port, JSON.stringify(validationRequest(id)), 5000);
  } catch (err) {
    return { ok: false, id, port, log_path: logPath, elapsed_ms: elapsed(), error: `the collector did not take the event: ${(err as Error).message}` };
  }
  if (res.status !== 200) {
    return { ok: false, id, port, log_path: logPath, http_status: res.status, elapsed_ms: elapsed(), error: `the collector answered HTTP ${res.status}: ${res.body.slice(0, 300)}` };
  }
  const deadline = started + (opts.timeoutMs ?? 5000);
  while (Date.now() < deadline) {
    const text = await readFrom(logPath, offset);
    // Complete lines only: a line still being written is not the event yet.
    const line = completeLines(text).find((l) => l.includes(id));
    if (line) {
      let event: Record<string, unknown> | undefined;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        event = undefined;
      }
      return { ok: true, id, port, log_path: logPath, http_status: 200, event, elapsed_ms: elapsed() };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    ok: false,
    id,
    port,
    log_path: logPath,
    http_status: 200,
    elapsed_ms: elapsed(),
    error: `the collector accepted the event but it did not appear in ${logPath} within ${Math.round((opts.timeoutMs ?? 5000) / 1000)} s`,
  };
}

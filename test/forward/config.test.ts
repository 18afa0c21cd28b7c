/**
 * Destination configuration, secrets and retry rules: what a user or an MDM profile can get
 * wrong is refused with a message naming the field; tokens come only from a private file or
 * the environment; the retry policy is the one issue 14 states.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointUrl, parseForwardFlag, parseForwardList } from '../../electron/forward/forward-config';
import { readDestinationToken, scrub } from '../../electron/forward/secrets';
import { backoffMs, classifyStatus, parseRetryAfter } from '../../electron/forward/retry-policy';

const dir = mkdtempSync(join(tmpdir(), 'beacon-fwd-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('forward config', () => {
  it('accepts a full MDM list and fills in the standard paths', () => {
    const list = parseForwardList(
      [
        { name: 'siem', type: 'splunk-hec', url: 'https://hec.example.com:8088', token_file: '/etc/beacon/hec.token', index: 'beacon', content: 'metadata' },
        { name: 'otel', type: 'otlp-http', url: 'https://otel.example.com:4318', token_env: 'OTLP_TOKEN', ca_file: '/etc/beacon/ca.pem' },
        { name: 'local', type: 'otlp-http', url: 'http://127.0.0.1:4319', enabled: false },
      ],
      'config.json',
    );
    expect(list.map((d) => endpointUrl(d.type, d.url).href)).toEqual(['https://hec.example.com:8088/services/collector/event', 'https://otel.example.com:4318/v1/logs', 'http://127.0.0.1:4319/v1/logs']);
  });

  it('refuses, naming the problem: secrets inline, plain http off-box, duplicates, unknown fields', () => {
    const bad: [unknown, RegExp][] = [
      [[{ name: 'a', type: 'splunk-hec', url: 'https://h.example.com', token: 'x' }], /"token" is not allowed in config.json/],
      [[{ name: 'a', type: 'otlp-http', url: 'http://10.0.0.5:4318' }], /must use https:\/\//],
      [[{ name: 'a', type: 'otlp-http', url: 'https://h.example.com' }, { name: 'a', type: 'otlp-http', url: 'https://h2.example.com' }], /two destinations are named "a"/],
      [[{ name: 'a', type: 'otlp-http', url: 'https://h.example.com', colour: 'red' }], /unknown field "colour"/],
      [[{ name: 'a', type: 'otlp-http', url: 'https://h.example.com', headers: { Authorization: 'Bearer x' } }], /Authorization header is set by Beacon/],
      [[{ name: 'a', type: 'otlp-http', url: 'https://h.example.com', token_file: 'relative.token' }], /token_file must be an absolute path/],
      [[{ name: 'a', type: 'otlp-http', url: 'https://h.example.com', index: 'x' }], /index applies to splunk-hec destinations only/],
      [{ name: 'a' }, /forward must be a list/],
    ];
    for (const [raw, re] of bad) expect(() => parseForwardList(raw, 'config.json')).toThrow(re);
    expect(() => parseForwardFlag('kafka=https://k.example.com', 0)).toThrow(/TYPE one of otlp-http, splunk-hec, http-ndjson/);
    expect(parseForwardFlag('otlp-http=http://localhost:4319', 1)).toMatchObject({ name: 'otlp-http-2', type: 'otlp-http' });
  });
});

describe('secrets', () => {
  it('reads a 0600 token file and refuses one others can read; env vars must be set; never echoes the token', async () => {
    const f = join(dir, 'tok');
    writeFileSync(f, 's3cr3t-token-value\n');
    chmodSync(f, 0o600);
    expect(await readDestinationToken({ name: 'a', type: 'splunk-hec', url: 'https://x', token_file: f }, {})).toBe('s3cr3t-token-value');
    chmodSync(f, 0o640);
    const err = await readDestinationToken({ name: 'a', type: 'splunk-hec', url: 'https://x', token_file: f }, {}).catch((e: Error) => e.message);
    expect(err).toMatch(/can be read by other users \(mode 0640\); run `chmod 600/);
    expect(err).not.toContain('s3cr3t');
    await expect(readDestinationToken({ name: 'a', type: 'splunk-hec', url: 'https://x', token_env: 'NOPE' }, {})).rejects.toThrow(/NOPE \(its token\) is not set/);
    expect(await readDestinationToken({ name: 'a', type: 'splunk-hec', url: 'https://x', token_env: 'T' }, { T: 'abc' })).toBe('abc');
    expect(scrub('HTTP 401: bad token s3cr3t-token-value', 's3cr3t-token-value')).toBe('HTTP 401: bad token [REDACTED]');
  });
});

describe('retry policy', () => {
  it('retries 408, 429 and 5xx (with Retry-After), halves on 413, stops on other 4xx and on redirects', () => {
    expect(classifyStatus(200, {}, '')).toEqual({ kind: 'ok' });
    expect(classifyStatus(503, { 'retry-after': '7' }, 'busy')).toMatchObject({ kind: 'retry', retryAfterMs: 7000 });
    expect(classifyStatus(429, {}, '')).toMatchObject({ kind: 'retry', retryAfterMs: undefined });
    expect(classifyStatus(408, {}, '')).toMatchObject({ kind: 'retry' });
    expect(classifyStatus(500, {}, '')).toMatchObject({ kind: 'retry' });
    expect(classifyStatus(413, {}, '')).toMatchObject({ kind: 'too-large' });
    expect(classifyStatus(400, {}, '{"text":"Invalid data format","code":6}')).toMatchObject({ kind: 'fatal', reason: expect.stringContaining('HTTP 400: {"text":"Invalid data format","code":6}') });
    expect(classifyStatus(403, {}, '')).toMatchObject({ kind: 'fatal' });
    expect(classifyStatus(301, { location: 'https://elsewhere' }, '')).toMatchObject({ kind: 'fatal', reason: expect.stringContaining('does not follow redirects') });
  });

  it('backs off exponentially with jitter up to 5 minutes; Retry-After as seconds or a date, capped', () => {
    expect(backoffMs(1, () => 0)).toBe(500);
    expect(backoffMs(1, () => 1)).toBe(1000);
    expect(backoffMs(4, () => 0.5)).toBe(6000);
    expect(backoffMs(50, () => 1)).toBe(300_000);
    const spread = new Set(Array.from({ length: 20 }, () => backoffMs(6)));
    expect(spread.size).toBeGreaterThan(10);
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThan(25_000);
    expect(parseRetryAfter('99999999')).toBe(3_600_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

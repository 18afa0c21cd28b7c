/**
 * `beacon endpoint forward add|list|remove|test` and `endpoint run --forward`, as a user runs
 * them (the compiled CLI, a temporary HOME, a real HEC receiver): clear one-line refusals for
 * bad input, config.json edited in place, and `test` proving the path end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBeacon, startEndpointRun } from '../support/beacon-cli';
import { HecReceiver } from '../support/hec-receiver';
import { scrubbedEnv } from '../support/test-env';

const TOKEN = 'cli-hec-token-' + '0123456789abcdef';

describe('beacon endpoint forward', () => {
  let home: string;
  let hec: HecReceiver;
  let tokenFile: string;
  const env = () => ({ ...scrubbedEnv(), HOME: home });
  const config = () => JSON.parse(readFileSync(join(home, '.beacon', 'endpoint', 'config.json'), 'utf8'));

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'beacon-fwd-cli-'));
    hec = await new HecReceiver({ token: TOKEN, ack: true, ackDelayMs: 200 }).start();
    tokenFile = join(home, 'hec.token');
    writeFileSync(tokenFile, TOKEN + '\n');
    chmodSync(tokenFile, 0o600);
  });
  afterAll(async () => {
    await hec.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses bad destinations with one clear line and exit 2, leaving no config behind', async () => {
    const cases: [string[], RegExp][] = [
      [['--type', 'splunk-hec', '--url', 'https://hec.example.com:8088'], /splunk-hec needs its HEC token/],
      [['--type', 'splunk-hec', '--url', 'http://hec.example.com:8088', '--token-file', tokenFile], /must use https:\/\//],
      [['--type', 'http-ndjson', '--url', 'https://user:pw@logs.example.com/in'], /must not carry credentials/],
      [['--type', 'kafka', '--url', 'https://x.example.com'], /--type.*kafka.*Allowed choices/i],
      [['--type', 'splunk-hec', '--url', 'https://h.example.com', '--token', TOKEN], /unknown option '--token'/],
      [['--type', 'splunk-hec', '--url', 'https://h.example.com', '--token-env', 'not a name'], /not an environment variable name/],
    ];
    for (const [args, re] of cases) {
      const r = await runBeacon(['endpoint', 'forward', 'add', ...args], { env: env() });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(() => config()).toThrow();
  });

  it('adds, lists, tests end to end and removes a HEC destination', async () => {
    const add = await runBeacon(['endpoint', 'forward', 'add', '--type', 'splunk-hec', '--url', hec.url, '--token-file', tokenFile, '--name', 'siem', '--content', 'metadata', '--index', 'beacon'], { env: env() });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('added siem (splunk-hec) -> ' + hec.url + '/services/collector/event');
    expect(config().forward).toEqual([{ name: 'siem', type: 'splunk-hec', url: hec.url, token_file: tokenFile, content: 'metadata', index: 'beacon' }]);
    expect(JSON.stringify(config())).not.toContain(TOKEN);

    const dup = await runBeacon(['endpoint', 'forward', 'add', '--type', 'splunk-hec', '--url', hec.url, '--token-file', tokenFile, '--name', 'siem'], { env: env() });
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('a destination named "siem" exists');

    const list = await runBeacon(['endpoint', 'forward', 'list', '--json'], { env: env() });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ collector: 'down', destinations: [{ config: { name: 'siem' }, health: null }] });

    const test = await runBeacon(['endpoint', 'forward', 'test', 'siem', '--json'], { env: env() });
    expect(test.code, test.stderr).toBe(0);
    const [res] = JSON.parse(test.stdout).results;
    expect(res).toMatchObject({ destination: 'siem', ok: true });
    // It arrived at the receiver, acknowledged, as a Beacon event with the id the command printed.
    const got = hec.ledger.byId.get(res.event_id);
    expect(got).toMatchObject({ event: { action: 'telemetry.validation', category: 'health' }, health: { component: 'forward:siem', status: 'test' } });
    expect(hec.envelopes.at(-1)).toMatchObject({ index: 'beacon', sourcetype: 'beacon:runtime:json' });

    const rm = await runBeacon(['endpoint', 'forward', 'remove', 'siem'], { env: env() });
    expect(rm.code, rm.stderr).toBe(0);
    expect(config().forward).toEqual([]);
    const again = await runBeacon(['endpoint', 'forward', 'remove', 'siem'], { env: env() });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('no destination named "siem"');
  });

  it('forward test fails with exit 1 and the receiver\'s reason when the token is wrong or the file is readable by others', async () => {
    const wrong = join(home, 'wrong.token');
    writeFileSync(wrong, 'not-the-token\n');
    chmodSync(wrong, 0o600);
    expect((await runBeacon(['endpoint', 'forward', 'add', '--type', 'splunk-hec', '--url', hec.url, '--token-file', wrong, '--name', 'wrong'], { env: env() })).code).toBe(0);
    const r = await runBeacon(['endpoint', 'forward', 'test', 'wrong'], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('wrong: FAILED: HTTP 403: {"text":"Invalid token","code":4}');

    const loose = join(home, 'loose.token');
    writeFileSync(loose, TOKEN + '\n');
    chmodSync(loose, 0o644);
    const add = await runBeacon(['endpoint', 'forward', 'add', '--type', 'splunk-hec', '--url', hec.url, '--token-file', loose, '--name', 'loose'], { env: env() });
    expect(add.code).toBe(0);
    expect(add.stderr).toContain(`can be read by other users (mode 0644); run \`chmod 600 ${loose}\``);
    const t = await runBeacon(['endpoint', 'forward', 'test', 'loose'], { env: env() });
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('chmod 600');
    expect(t.stdout + t.stderr).not.toContain(TOKEN);
    for (const n of ['wrong', 'loose']) await runBeacon(['endpoint', 'forward', 'remove', n], { env: env() });
  });

  it('endpoint run --forward: usage errors up front; a running collector shows each destination live', async () => {
    const bad = await runBeacon(['endpoint', 'run', '--port', '0', '--forward', 'splunk-hec'], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected TYPE=URL');
    const missing = await runBeacon(['endpoint', 'run', '--port', '0', '--forward', `splunk-hec=${hec.url}`, '--forward-token-env', 'NOT_SET_ANYWHERE'], { env: env() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('the environment variable NOT_SET_ANYWHERE (its token) is not set');

    const c = await startEndpointRun(['--log-path', join(home, 'run', 'runtime.jsonl'), '--forward', `splunk-hec=${hec.url}`, '--forward-token-file', tokenFile], env());
    try {
      expect(readFileSync(`/proc/${c.child.pid}/cmdline`, 'utf8')).not.toContain(TOKEN);
      const cfgPath = join(home, '.beacon', 'endpoint', 'config.json');
      const cfg = config();
      writeFileSync(cfgPath, JSON.stringify({ ...cfg, otlp_http_port: c.port }));
      const list = await runBeacon(['endpoint', 'forward', 'list'], { env: env() });
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/splunk-hec-1 {2}splunk-hec {2}http:\/\/127\.0\.0\.1:\d+\/services\/collector\/event {2}\(from --forward\)\n {4}splunk-hec-1 \(splunk-hec\): (idle|delivering|starting)/);
    } finally {
      await c.stop('SIGTERM');
    }
  });
});

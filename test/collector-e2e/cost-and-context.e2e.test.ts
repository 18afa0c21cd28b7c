/**
 * Issue 16 acceptance, end to end: the REAL `codex exec` (the fake Responses API reports each
 * response's usage) exporting to the REAL collector (`beacon endpoint run`, compiled).
 *  1. gpt-5.5 in a git checkout: every token.usage carries a cost at the shipped table's gpt-5.5
 *     prices (cached at the cache price, reasoning as output), and every event carries the
 *     working directory, with the git block, read from Codex's own session record.
 *  2. A model the table does not know, with session records opted out in config.json and a broken
 *     price override file: no cost.usd (never $0), no working directory, a one-line warning, and
 *     the collector runs on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrubbedEnv } from '../support/test-env';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEndpointRun } from '../support/beacon-cli';
import { startFakeResponsesApi, type FakeResponsesApi } from '../support/fake-responses-api';
import { cleanupCodexTemp, makeCodexHome, makeWorkspace, runCodexExec, standardScenario, STANDARD_USAGES } from '../support/codex-runner';
import type { BeaconEvent } from '../../electron/shared/event';
import type { PriceTable, TokenPrice } from '../../electron/pricing/price-table';
import { DEFAULT_OTEL_SETTINGS, renderOtelBlock } from '../../electron/codex/config-otel-block';

const TOKEN = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';
const table = JSON.parse(readFileSync(join(__dirname, '../../electron/pricing/price-table.json'), 'utf8')) as PriceTable;
const base = (p: TokenPrice | undefined) => (typeof p === 'number' ? p : p!.base);

interface Run {
  events: BeaconEvent[];
  workspace: string;
  output: string;
  startup: Record<string, unknown>;
  exit: number;
}

const cleanup: string[] = [];
let model: FakeResponsesApi | undefined;

async function scenario(opts: { model: string; beaconConfig?: object; priceOverrides?: string; gitRemote?: string }): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-cost-e2e-'));
  cleanup.push(dir);
  const base = join(dir, '.beacon', 'endpoint');
  mkdirSync(base, { recursive: true, mode: 0o700 });
  if (opts.beaconConfig) writeFileSync(join(base, 'config.json'), JSON.stringify(opts.beaconConfig));
  if (opts.priceOverrides !== undefined) writeFileSync(join(base, 'price-overrides.json'), opts.priceOverrides);
  const log = join(dir, 'logs', 'runtime.jsonl');
  const sc = standardScenario('nothing-secret-here');
  await model?.close();
  model = await startFakeResponsesApi(sc.turns);
  // The collector runs with the user's CODEX_HOME, as Codex does: that is where it looks.
  const placeholder = await makeCodexHome({ modelUrl: model.url, model: opts.model });
  const collector = await startEndpointRun(['--log-path', log], { ...scrubbedEnv(), HOME: dir, CODEX_HOME: placeholder, BEACON_SYSTEM_ROOT: join(dir, 'system-root') });
  writeFileSync(join(placeholder, 'config.toml'), readFileSync(join(placeholder, 'config.toml'), 'utf8') + '\n' + renderOtelBlock({ ...DEFAULT_OTEL_SETTINGS, port: collector.port }));
  const workspace = await makeWorkspace();
  const git = (...args: string[]) => execFileSync('git', ['-C', workspace, ...args], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '', HOME: dir } });
  git('checkout', '-q', '-b', 'feature/cost');
  if (opts.gitRemote) git('remote', 'add', 'origin', opts.gitRemote);
  git('-c', 'user.email=dev@example.com', '-c', 'user.name=dev', 'commit', '-q', '--allow-empty', '-m', 'start');
  const run = await runCodexExec({ codexHome: placeholder, cwd: workspace, prompt: sc.prompt, timeoutMs: 90_000 });
  await collector.stop('SIGTERM');
  const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
  return {
    events: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as BeaconEvent),
    workspace,
    output: collector.output(),
    startup: collector.startup,
    exit: run.code,
  };
}

afterAll(async () => {
  await model?.close();
  await cleanupCodexTemp();
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

describe('real codex exec: cost estimates and where the session ran', () => {
  let run: Run;
  beforeAll(async () => {
    run = await scenario({ model: 'gpt-5.5', gitRemote: `https://beacon-bot:${TOKEN}@github.com/acme/widgets.git` });
  }, 150_000);

  const usage = () => run.events.filter((e) => e.event.action === 'token.usage');

  it('prices every response at gpt-5.5: cached input at the cache price, reasoning as output', () => {
    expect(run.exit).toBe(0);
    const p = table.models.find((m) => m.id === 'gpt-5.5')!.prices.at(-1)!;
    const expected = STANDARD_USAGES.map((u) => ((u.input_tokens - u.cached_tokens) * base(p.input) + u.cached_tokens * base(p.cached_input) + u.output_tokens * base(p.output)) / 1e6);
    const events = usage();
    expect(events).toHaveLength(STANDARD_USAGES.length);
    events.forEach((e, i) => {
      expect(e.cost).toEqual({ usd: expect.any(Number), estimated: true, price_source: `genai-prices ${table.version}, ${table.published}`, priced_as: 'gpt-5.5' });
      expect(e.cost!.usd).toBeCloseTo(expected[i], 8);
    });
    const total = events.reduce((s, e) => s + e.cost!.usd!, 0);
    // 1000/100/50/10, 1200/300/60/20, 1500/700/70/30, 1800/1100/80/40 tokens at $5 / $0.50 / $30 per million.
    expect(total).toBeCloseTo(expected.reduce((a, b) => a + b, 0), 8);
    expect(total).toBeCloseTo(0.00605 + 3 * 0.00645, 8); // = $0.0254
  });

  it("puts the working directory Codex recorded on every event, and the git checkout on session.started, without the remote's token", () => {
    for (const e of run.events) expect(e.session?.working_directory, e.event.action).toBe(run.workspace);
    const started = run.events.find((e) => e.event.action === 'session.started')!;
    expect(started.session?.git).toEqual({ repository_url: 'https://github.com/acme/widgets.git', branch: 'feature/cost', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(JSON.stringify(run.events)).not.toContain(TOKEN);
    expect(run.events.filter((e) => e.session?.git)).toHaveLength(1);
  });

  it('reports pricing as healthy in /healthz, naming the table', () => {
    expect(run.startup.consumers).toContainEqual(expect.objectContaining({ name: 'pricing', status: 'ok', price_sources: [`genai-prices ${table.version}, ${table.published}`] }));
  });
});

describe('real codex exec: an unknown model, session records opted out, a broken override file', () => {
  let run: Run;
  beforeAll(async () => {
    run = await scenario({ model: 'gpt-6.1-sol', beaconConfig: { read_codex_session_meta: false }, priceOverrides: '{ "models": { "gpt-6.1-sol": ' });
  }, 150_000);

  it('gives no price to a model the table does not know (never $0), and says why', () => {
    expect(run.exit).toBe(0);
    const events = run.events.filter((e) => e.event.action === 'token.usage');
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.gen_ai?.request?.model).toBe('gpt-6.1-sol');
      expect(e.cost).toEqual({ estimated: true, price_source: `genai-prices ${table.version}, ${table.published}`, unpriced: 'unknown_model' });
    }
  });

  it('reads no session record when config.json opts out', () => {
    expect(run.events.some((e) => e.session?.working_directory || e.session?.git)).toBe(false);
  });

  it('says in one line which override file it refused and why, and keeps collecting', () => {
    expect(run.output).toMatch(/beacon: warning: price override file .*price-overrides\.json: is not valid JSON \(.*\); estimating costs with the other price layers\n/);
    expect(run.startup.consumers).toContainEqual(expect.objectContaining({ name: 'pricing', status: 'degraded', detail: expect.stringContaining('price-overrides.json: is not valid JSON') }));
    expect(run.events.length).toBeGreaterThan(5);
  });
});

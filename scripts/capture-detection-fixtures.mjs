#!/usr/bin/env node
/**
 * Captures every shipped rule's fixtures from the REAL Codex CLI: for each session profile of
 * scripts/detection-fixture-cases.mjs, the real `codex exec` runs against the fake Responses API
 * (which scripts the tool calls), exporting to a real Beacon collector (detections off, so the
 * log holds exactly what the normalizer and content policy produce). Each case's events (the
 * session's session.started, then every event of the case's tool calls, in log order) are saved
 * to test/detections/fixtures/<rule-id>.json, which test/detections/rules.test.ts replays.
 *
 *   npm run build:electron && node scripts/capture-detection-fixtures.mjs
 *
 * Rules whose events Codex cannot produce (tamper.*: Beacon's own config watch writes them) keep
 * their hand-written fixtures, marked `"synthetic"` with the reason; this script leaves them.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, HOME_FILES, PROFILES, SETUP_STEPS, WORKSPACE_FILES } from './detection-fixture-cases.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test', 'detections', 'fixtures');
const { startBeaconCollector } = await import(join(ROOT, 'out/electron/plugins/collector.js'));
const { renderOtelBlock, DEFAULT_OTEL_SETTINGS } = await import(join(ROOT, 'out/electron/codex/config-otel-block.js'));
const runner = await import(join(ROOT, 'out/test/support/codex-runner.js'));
const { startFakeResponsesApi } = await import(join(ROOT, 'out/test/support/fake-responses-api.js'));

function writeTree(base, files) {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(base, rel)), { recursive: true });
    writeFileSync(join(base, rel), content, { mode: 0o600 });
  }
}

/** One model turn per step; call ids name the case so its events can be picked out of the log. */
function turnsFor(steps) {
  return steps.map(({ id, step }) =>
    step.patch
      ? { kind: 'custom_tool_call', name: 'apply_patch', input: step.patch, callId: id }
      : { kind: 'function_call', name: 'exec_command', arguments: step.escalate ? { cmd: step.cmd, sandbox_permissions: 'require_escalated', justification: 'needed for the task' } : { cmd: step.cmd }, callId: id },
  );
}

const callIdOf = (e) => e.command?.call_id ?? e.tool?.call_id ?? e.approval?.call_id ?? e.gen_ai?.tool?.call?.id;

async function runProfile(name, profile, steps) {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-capture-'));
  const logPath = join(dir, 'runtime.jsonl');
  const collector = await startBeaconCollector({ logPath, port: 0, content: 'redacted', detections: false });
  const turns = [...turnsFor(steps), { kind: 'message', text: 'done' }];
  const api = await startFakeResponsesApi(turns);
  try {
    const extra = profile.mcpServer ? `\n[mcp_servers.${profile.mcpServer}]\ncommand = "/bin/false"\n` : '';
    const codexHome = await runner.makeCodexHome({ modelUrl: api.url, otel: renderOtelBlock({ ...DEFAULT_OTEL_SETTINGS, port: collector.port }) + extra, sandboxMode: profile.sandboxMode });
    const cwd = await runner.makeWorkspace();
    writeTree(cwd, WORKSPACE_FILES);
    const home = join(dir, 'home');
    writeTree(home, HOME_FILES);
    const env = { HOME: home, ...(profile.originator ? { CODEX_INTERNAL_ORIGINATOR_OVERRIDE: profile.originator } : {}) };
    const run = await runner.runCodexExec({ codexHome, cwd, prompt: profile.prompt ?? 'tidy up the repository', env, timeoutMs: 240_000 });
    if (run.code !== 0) throw new Error(`profile ${name}: codex exited ${run.code}: ${run.stderr.slice(-800)}`);
  } finally {
    await collector.close();
    await api.close();
  }
  const events = readFileSync(logPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`profile ${name}: ${steps.length} tool call(s), ${events.length} events\n`);
  return events;
}

const byProfile = new Map();
CASES.forEach(([rule, kind, steps, profile = 'default'], i) => {
  if (!byProfile.has(profile)) byProfile.set(profile, []);
  byProfile.get(profile).push({ rule, kind, ids: steps.map((_, j) => `call_${i}_${j}`), steps });
});

const fixtures = new Map();
for (const [name, cases] of byProfile) {
  const setup = name === 'default' ? SETUP_STEPS.map((step, j) => ({ id: `setup_${j}`, step })) : [];
  const steps = [...setup, ...cases.flatMap((c) => c.steps.map((step, j) => ({ id: c.ids[j], step })))];
  // A session-only profile still makes one harmless call, as a real session would.
  if (steps.length === 0) steps.push({ id: 'call_noop', step: { cmd: 'echo ok' } });
  const events = await runProfile(name, PROFILES[name], steps);
  const started = events.find((e) => e.event.action === 'session.started' && !e.session?.title_generation);
  if (!started) throw new Error(`profile ${name}: no session.started in the log`);
  for (const c of cases) {
    const ids = new Set(c.ids);
    const own = events.filter((e) => ids.has(callIdOf(e)));
    if (c.ids.length > 0 && own.length === 0) throw new Error(`${c.rule}: no events for ${[...ids].join(', ')}`);
    const caseEvents = [started, ...(c.rule === 'secret-in-prompt' ? events.filter((e) => e.event.action === 'prompt.submitted') : []), ...own];
    if (!fixtures.has(c.rule)) fixtures.set(c.rule, { positive: [], negative: [] });
    fixtures.get(c.rule)[c.kind === 'pos' ? 'positive' : 'negative'].push(caseEvents);
  }
}

mkdirSync(OUT, { recursive: true });
const version = JSON.parse(readFileSync(join(ROOT, 'node_modules/@openai/codex/package.json'), 'utf8')).version;
for (const [rule, f] of fixtures) {
  const file = join(OUT, `${rule}.json`);
  writeFileSync(file, JSON.stringify({ rule_id: rule, captured_with: `codex-cli ${version} (codex exec), scripts/capture-detection-fixtures.mjs`, ...f }, null, 1) + '\n');
}
const kept = readdirSync(OUT).filter((n) => n.endsWith('.json') && !fixtures.has(n.replace(/\.json$/, '')));
process.stderr.write(`wrote ${fixtures.size} fixture files to ${OUT}${kept.length ? `; left as they are: ${kept.join(', ')}` : ''}\n`);

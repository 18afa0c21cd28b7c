/**
 * Every command and flag that Beacon tells a user to run exists. Issue 12: doctor said `repair`,
 * repair said "rerun with --force", and `repair --force` / `doctor --fix --force` were unknown
 * options. Two nets: (1) every `beacon ...` command written anywhere in the sources, the README
 * and the docs, and every --help text; (2) the messages of real failing runs (the built CLI, a
 * temp HOME, real collectors on free ports), including the relative "rerun with --X" ones,
 * checked against the command that printed them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, relative } from 'node:path';
import { REPO_ROOT, requireBuiltCli, runBeacon } from '../support/beacon-cli';
import { makeSandbox, type Sandbox } from '../endpoint-lifecycle/helpers';
import { allCommands, checkSuggestion, commandTree, findRelativeFlags, findSuggestions, type Suggestion } from './suggestions';

function filesUnder(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, ext));
    else if (ext.test(name)) out.push(p);
  }
  return out;
}

describe('suggested commands and flags exist', () => {
  const root = commandTree();

  it('the scanner catches the defects of issue 12 (so a pass means something)', () => {
    const bad = [
      ...findSuggestions('the [otel] was changed; run `beacon endpoint repair --force` to replace it', 'sample', root),
      ...findSuggestions('try `beacon endpoint doctor --fix --force`', 'sample', root),
      ...findSuggestions('see `beacon status`', 'sample', root),
      ...findRelativeFlags('already exports elsewhere; rerun with --force to replace it', ['endpoint', 'status'], 'sample'),
    ];
    const problems = bad.flatMap((s) => checkSuggestion(s, root));
    // repair --force exists now; the other three do not.
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/doctor --force/);
    expect(problems.join('\n')).toMatch(/`beacon status`, which is not a command/);
    expect(problems.join('\n')).toMatch(/endpoint status --force/);
  });

  it('in every source file, the README and the docs', () => {
    const files = [...filesUnder(join(REPO_ROOT, 'electron'), /\.tsx?$/), ...filesUnder(join(REPO_ROOT, 'renderer'), /\.tsx?$/), join(REPO_ROOT, 'README.md'), ...filesUnder(join(REPO_ROOT, 'docs'), /\.md$/)];
    const found: Suggestion[] = [];
    for (const f of files) found.push(...findSuggestions(readFileSync(f, 'utf8'), relative(REPO_ROOT, f), root, /\.tsx?$/.test(f) ? 'code' : 'text'));
    expect(found.length).toBeGreaterThan(30); // the sources do suggest commands: the scan sees them
    expect(found.filter((s) => s.flags.length > 0).length).toBeGreaterThan(5);
    expect(found.flatMap((s) => checkSuggestion(s, root))).toEqual([]);
  });

  it('in the --help of every command', async () => {
    requireBuiltCli();
    const problems: string[] = [];
    for (const cmd of [[], ...allCommands(root)]) {
      const r = await runBeacon([...cmd, '--help']);
      expect(r.code, `beacon ${cmd.join(' ')} --help`).toBe(0);
      for (const s of findSuggestions(r.stdout, `beacon ${cmd.join(' ')} --help`, root)) problems.push(...checkSuggestion(s, root));
    }
    expect(problems).toEqual([]);
  }, 180_000); // one process per command, on a shared machine
});

describe('suggested commands and flags exist in the messages of real failing runs', () => {
  let s: Sandbox;
  let foreign: Server;
  let foreignPort = 0;
  const outputs: { invoked: string[]; text: string }[] = [];
  const run = async (args: string[], extraEnv?: Record<string, string>) => {
    const r = await s.beacon(args, extraEnv);
    outputs.push({ invoked: args.filter((a) => !a.startsWith('-') && !/^\d+$/.test(a)), text: r.stdout + '\n' + r.stderr });
    return r;
  };

  beforeAll(async () => {
    requireBuiltCli();
    s = await makeSandbox({ config: 'model = "o3"\n' });
    foreign = createServer((_req, res) => res.end('not beacon'));
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
    foreignPort = (foreign.address() as { port: number }).port;
  });
  afterAll(async () => {
    await s?.cleanup();
    await new Promise((r) => foreign?.close(r));
  });

  it('collects the messages of not-installed, refused, drifted, foreign-port and replaced-block runs', async () => {
    const cfg = join(s.codexHome, 'config.toml');
    await run(['endpoint', 'status']);
    await run(['endpoint', 'doctor']);
    await run(['endpoint', 'doctor', '--fix']);
    await run(['endpoint', 'repair']);
    await run(['endpoint', 'install', '--otlp-http-port', String(foreignPort)]);
    // A foreign [otel] of the user's: install refuses and names the flag.
    writeFileSync(cfg, 'model = "o3"\n\n[otel]\nexporter = { otlp-http = { endpoint = "https://otel.example.com/v1/logs", protocol = "binary" } }\n');
    expect((await run(['endpoint', 'install', '--otlp-http-port', String(s.port)])).code).toBe(1);
    expect((await run(['endpoint', 'install', '--force', '--otlp-http-port', String(s.port)])).code).toBe(0);
    // Beacon's block drifted (port 9999), then replaced by a table of the user's own.
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(`127.0.0.1:${s.port}/v1/logs`, '127.0.0.1:9999/v1/logs'));
    await run(['endpoint', 'status']);
    await run(['endpoint', 'doctor']);
    writeFileSync(cfg, 'model = "o3"\n\n[otel]\nexporter = { otlp-http = { endpoint = "https://mine.example/v1/logs", protocol = "binary" } }\n');
    await run(['endpoint', 'doctor']);
    await run(['endpoint', 'doctor', '--fix']);
    expect((await run(['endpoint', 'repair'])).code).toBe(1);
    await run(['endpoint', 'uninstall']);
    await run(['endpoint', 'test-event', '--otlp-http-port', String(foreignPort)]);
    await run(['endpoint', 'status', '--system']);
    const all = outputs.map((o) => o.text).join('\n');
    // The runs did produce the messages this test is about.
    expect(all).toMatch(/rerun with --force/);
    expect(all).toMatch(/`beacon endpoint repair --force`/);
    expect(all).toMatch(/beacon endpoint repair/);
  }, 180_000);

  it('every command and flag those messages name is accepted by that command', () => {
    const root = commandTree();
    const problems: string[] = [];
    for (const o of outputs) {
      const where = `output of \`beacon ${o.invoked.join(' ')}\``;
      for (const sug of [...findSuggestions(o.text, where, root), ...findRelativeFlags(o.text, o.invoked, where)]) problems.push(...checkSuggestion(sug, root));
    }
    expect(outputs.length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });
});

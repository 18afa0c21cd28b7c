/**
 * The shipped rules reach every build through electron/detections/rules/index.ts (static JSON
 * imports: tsc copies them to out/, electron-builder packs out/**, esbuild inlines them in the
 * Action's single file). A rule file added without regenerating the index would silently not
 * ship: this fails instead, and the compiled copy must carry every rule.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shippedRules } from '../../electron/detections/rule-load';

const ROOT = resolve(__dirname, '../..');
const RULES = join(ROOT, 'electron/detections/rules');

describe('shipped rules index', () => {
  it('lists exactly the rule files of electron/detections/rules', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts/gen-rules-index.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/^rules index: ok/);
    const files = readdirSync(RULES).filter((n) => n.endsWith('.json'));
    expect(shippedRules().map((r) => `${r.id}.json`).sort()).toEqual(files.sort());
  });

  it('each rule file is named after its id', () => {
    for (const r of shippedRules()) expect(r.file).toBe(`shipped:${r.id}.json`);
  });

  it('the build copies every rule next to the compiled engine (out/, packed into app.asar)', () => {
    const out = join(ROOT, 'out/electron/detections/rules');
    if (!existsSync(out)) throw new Error('out/ is missing: run `npm run build` first (npm test does)');
    expect(readdirSync(out).filter((n) => n.endsWith('.json')).sort()).toEqual(readdirSync(RULES).filter((n) => n.endsWith('.json')).sort());
  });
});

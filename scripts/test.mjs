#!/usr/bin/env node
// `npm test`: typecheck (Node side, Electron side against Electron's types, renderer), build the
// app (the CLI end-to-end tests run the compiled `beacon`), then run every vitest suite and close
// with vitest's own numbers on one plain line (scripts/test-summary.mjs). Exit non-zero when
// anything failed: a step, a test, a test file, or vitest itself (an unhandled error).
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import { summarize } from './test-summary.mjs';

function run(label, cmd, args) {
  process.stdout.write(`\n== ${label}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

const REPORT = 'test-artifacts/vitest.json';
const extra = process.argv.slice(2);
for (const [label, cmd, args] of [
  ['typecheck (node + electron)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['typecheck (renderer)', 'npx', ['tsc', '--noEmit', '-p', 'renderer/tsconfig.json']],
  ['build', 'npm', ['run', '--silent', 'build']],
]) {
  const status = run(label, cmd, args);
  if (status !== 0) {
    console.log(`\n${label} failed (exit ${status}); no tests ran`);
    process.exit(status);
  }
}
mkdirSync('test-artifacts', { recursive: true });
// A report left by an earlier run must never stand in for this one's.
rmSync(REPORT, { force: true });
const vit = run('tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${REPORT}`, ...extra]);
let summary;
try {
  summary = summarize(JSON.parse(readFileSync(REPORT, 'utf8')));
} catch (err) {
  console.log(`\nvitest exited ${vit} without a readable report (${err.message}); see above`);
  process.exit(vit || 1);
}
console.log(`\n${summary.line}${vit !== 0 && summary.ok ? `; vitest exited ${vit} (errors outside the tests: see above)` : ''}`);
process.exit(vit !== 0 ? vit : summary.ok ? 0 : 1);

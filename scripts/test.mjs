#!/usr/bin/env node
// `npm test`: typecheck (Node side, Electron side against Electron's types, renderer), build the
// app (the CLI end-to-end tests run the compiled `beacon`), then run every vitest suite and close
// with a plain "N passed, N failed" line that any CI log reader understands.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';

function run(label, cmd, args) {
  process.stdout.write(`\n== ${label}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

const extra = process.argv.slice(2);
let status = 0;
status ||= run('typecheck (node + electron)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
status ||= run('typecheck (renderer)', 'npx', ['tsc', '--noEmit', '-p', 'renderer/tsconfig.json']);
status ||= run('build', 'npm', ['run', '--silent', 'build']);
if (status !== 0) {
  console.log('\n0 passed, 1 failed');
  process.exit(status);
}
mkdirSync('test-artifacts', { recursive: true });
const vit = run('tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-artifacts/vitest.json', ...extra]);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync('test-artifacts/vitest.json', 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests + (report.numFailedTestSuites ?? 0);
  skipped = report.numPendingTests + (report.numTodoTests ?? 0);
} catch {
  failed = failed || 1;
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(vit !== 0 ? vit : failed > 0 ? 1 : 0);

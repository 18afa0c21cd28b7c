#!/usr/bin/env node
/**
 * `npm run prices:update`: refresh the price table Beacon ships (electron/pricing/price-table.json)
 * from the newest @pydantic/genai-prices on the npm registry. It pins that version exactly in
 * package.json (devDependency: the data is copied into the table, the package never ships), then
 * regenerates the table and prints what changed. Review the diff and commit both files.
 *
 *   npm run prices:update               # newest version
 *   npm run prices:update -- 0.1.8      # a given version (e.g. to go back)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { modelsFromGenaiPrices, providerNames, renderTable } from './prices/genai-to-table.mjs';

const PKG = '@pydantic/genai-prices';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tablePath = join(root, 'electron/pricing/price-table.json');

function npm(args, opts = {}) {
  return execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd: root, encoding: 'utf8', ...opts });
}

function fail(message) {
  process.stderr.write(`prices:update: ${message}\n`);
  process.exit(1);
}

const wanted = process.argv[2];
let info;
try {
  info = JSON.parse(npm(['view', `${PKG}${wanted ? `@${wanted}` : ''}`, 'version', 'time', 'license', '--json']));
} catch (err) {
  fail(`cannot ask the npm registry about ${PKG}: ${err.message.split('\n')[0]}`);
}
const version = info.version;
const published = info.time?.[version];
if (!version || !published) fail(`the registry did not say when ${PKG}@${version ?? wanted} was published`);

process.stdout.write(`${PKG}@${version}, published ${published.slice(0, 10)}: installing (exact pin)...\n`);
npm(['install', '--no-audit', '--no-fund', '--save-dev', '--save-exact', `${PKG}@${version}`], { stdio: ['ignore', 'ignore', 'inherit'] });

const entry = join(root, 'node_modules', PKG, 'dist', 'index.js');
const installed = JSON.parse(readFileSync(join(root, 'node_modules', PKG, 'package.json'), 'utf8')).version;
if (installed !== version) fail(`installed ${installed}, expected ${version}`);
const genai = await import(pathToFileURL(entry).href);

const table = {
  name: 'genai-prices',
  package: PKG,
  version,
  published: published.slice(0, 10),
  license: info.license ?? 'MIT',
  // The data is copied from the package: its licence notice travels with it, wherever the table ships.
  license_text: readFileSync(join(root, 'node_modules', PKG, 'LICENSE'), 'utf8').trim(),
  unit: 'USD per million tokens',
  generated_by: 'npm run prices:update',
  providers: providerNames(genai),
  models: modelsFromGenaiPrices(genai),
};

const before = existsSync(tablePath) ? JSON.parse(readFileSync(tablePath, 'utf8')) : { models: [] };
const key = (m) => `${m.provider}/${m.id}`;
const old = new Map(before.models.map((m) => [key(m), JSON.stringify(m.prices)]));
const now = new Map(table.models.map((m) => [key(m), JSON.stringify(m.prices)]));
const added = [...now.keys()].filter((k) => !old.has(k));
const some = (list) => (list.length > 20 ? `${list.slice(0, 20).join(', ')} and ${list.length - 20} more` : list.join(', '));
const removed = [...old.keys()].filter((k) => !now.has(k));
const changed = [...now.keys()].filter((k) => old.has(k) && old.get(k) !== now.get(k));

writeFileSync(tablePath, renderTable(table));
process.stdout.write(
  `wrote ${tablePath}: ${table.models.length} models from ${before.version ?? 'nothing'} -> ${version}\n` +
    `  added ${added.length}${added.length ? `: ${some(added)}` : ''}\n` +
    `  removed ${removed.length}${removed.length ? `: ${some(removed)}` : ''}\n` +
    `  prices changed ${changed.length}${changed.length ? `: ${some(changed)}` : ''}\n` +
    'Run `npx vitest run test/pricing` (it checks the models Codex uses are priced), then commit package.json, package-lock.json and the table.\n',
);

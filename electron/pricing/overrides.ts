/**
 * Price override files: negotiated or private prices that replace the shipped table's, per
 * model name. One may come from the system (pushed by MDM) and one from the user; both are
 * plain JSON, USD per million tokens:
 *
 *   {
 *     "name": "ACME negotiated rates",          (optional; shown as the price source)
 *     "updated": "2026-11-30",                  (optional; else the file's modification date)
 *     "models": {
 *       "gpt-6.1-sol": { "input": 4, "cached_input": 0.4, "output": 20 },
 *       "gpt-5.5":     { "input": 4.5, "cached_input": 0.45, "output": 27, "aliases": ["gpt-5.5-codex"] }
 *     }
 *   }
 *
 * A file that is missing is no override. A file that cannot be read or parsed, or that has a
 * wrong key or value, is refused whole with a one-line reason (the collector reports it and
 * keeps estimating with the other layers): half a price list would give wrong numbers quietly.
 */
import { readFile, stat } from 'node:fs/promises';
import type { MatchRule } from './match';
import type { ModelPriceEntry } from './price-table';
import { periodProblem } from './price-table';
import type { PriceLayer } from './price-book';

const TOP_KEYS = new Set(['name', 'updated', 'models']);
const MODEL_KEYS = new Set(['input', 'cached_input', 'cache_write', 'output', 'aliases']);

export class PriceOverrideError extends Error {}

export function parseOverrides(text: string, file: string, mtime: Date | undefined): PriceLayer {
  const fail = (what: string): never => {
    throw new PriceOverrideError(`price override file ${file}: ${what}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    fail(`is not valid JSON (${(err as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail('must be a JSON object with a "models" object');
  const top = raw as Record<string, unknown>;
  for (const k of Object.keys(top)) if (!TOP_KEYS.has(k)) fail(`unknown key "${k}" (known: name, updated, models)`);
  if (top.name !== undefined && typeof top.name !== 'string') fail('"name" must be a string');
  if (top.updated !== undefined && (typeof top.updated !== 'string' || !Number.isFinite(Date.parse(top.updated)))) fail('"updated" must be a date (YYYY-MM-DD)');
  const models = top.models;
  if (!models || typeof models !== 'object' || Array.isArray(models)) fail('"models" must be an object of model name -> prices');
  const entries: ModelPriceEntry[] = [];
  for (const [name, value] of Object.entries(models as Record<string, unknown>)) {
    const at = `models["${name}"]`;
    if (!name.trim()) fail(`${at}: a model name cannot be empty`);
    if (!value || typeof value !== 'object' || Array.isArray(value)) fail(`${at} must be an object like {"input": 1.25, "cached_input": 0.125, "output": 10}`);
    const v = value as Record<string, unknown>;
    for (const k of Object.keys(v)) if (!MODEL_KEYS.has(k)) fail(`${at}: unknown key "${k}" (known: ${[...MODEL_KEYS].join(', ')})`);
    const aliases = v.aliases ?? [];
    if (!Array.isArray(aliases) || !aliases.every((a) => typeof a === 'string' && a.trim())) fail(`${at}: "aliases" must be a list of model names`);
    const { aliases: _ignored, ...prices } = v;
    const problem = periodProblem(prices);
    if (problem) fail(`${at} ${problem}`);
    const names = [name, ...(aliases as string[])].map((n) => n.trim());
    const match: MatchRule = names.length === 1 ? { equals: names[0] } : { or: names.map((n) => ({ equals: n })) };
    entries.push({ id: name.trim(), provider: 'override', match, prices: [prices] });
  }
  const date = typeof top.updated === 'string' ? top.updated.slice(0, 10) : mtime ? mtime.toISOString().slice(0, 10) : undefined;
  const label = typeof top.name === 'string' && top.name.trim() ? top.name.trim() : `price overrides ${file}`;
  return { source: date ? `${label}, ${date}` : label, models: entries };
}

/** The layer a file gives, null when there is no such file; throws PriceOverrideError otherwise. */
export async function readOverrides(file: string): Promise<PriceLayer | null> {
  let text: string;
  let mtime: Date | undefined;
  try {
    [text, mtime] = await Promise.all([readFile(file, 'utf8'), stat(file).then((s) => s.mtime)]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new PriceOverrideError(`price override file ${file}: cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code ?? (err as Error).message})`);
  }
  return parseOverrides(text, file, mtime);
}

/**
 * smol-toml for CommonJS code. The package ships a CommonJS build (dist/index.cjs, its "require"
 * export) but its only type declarations are ESM, which TypeScript (module node16) refuses to
 * `import` from a CommonJS file. So: types from the ESM declarations, value from require().
 */
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const toml = require('smol-toml') as typeof SmolToml;

export const parse = toml.parse;
export const TomlError = toml.TomlError;
export const TomlDate = toml.TomlDate;
export type TomlError = SmolToml.TomlError;
export type TomlDate = SmolToml.TomlDate;

/**
 * Parse a document the way Codex reads it. Integers beyond 2^53 are valid TOML (Codex reads
 * them as i64); smol-toml rejects them unless asked for BigInt, and we must not call a file that
 * Codex accepts "invalid".
 */
export function parseToml(text: string): Record<string, unknown> {
  return toml.parse(text, { integersAsBigInt: 'asNeeded' }) as Record<string, unknown>;
}

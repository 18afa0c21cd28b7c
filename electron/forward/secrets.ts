/**
 * Reading a destination's token: from a file only its owner can read (0600 or stricter) or
 * from an environment variable. Never from argv (any local user can read /proc/<pid>/cmdline
 * or `ps`), never from config.json (often 0644 in system mode, and copied into support bundles).
 *
 * The token never appears in an error message; errors name the file or the variable.
 */
import { readFile, stat } from 'node:fs/promises';
import type { ForwardDestinationConfig } from './forward-config';

export class SecretError extends Error {}

/** The token of a destination, or undefined when it has none configured. */
export async function readDestinationToken(cfg: ForwardDestinationConfig, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (cfg.token_env) {
    const v = env[cfg.token_env];
    if (v === undefined || v.trim() === '') throw new SecretError(`${cfg.name}: the environment variable ${cfg.token_env} (its token) is not set`);
    return v.trim();
  }
  if (!cfg.token_file) return undefined;
  const file = cfg.token_file;
  let st;
  try {
    st = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SecretError(`${cfg.name}: cannot read its token file ${file} (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code})`);
  }
  if (!st.isFile()) throw new SecretError(`${cfg.name}: its token file ${file} is not a regular file`);
  if ((st.mode & 0o077) !== 0) {
    throw new SecretError(`${cfg.name}: its token file ${file} can be read by other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); run \`chmod 600 ${file}\``);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SecretError(`${cfg.name}: cannot read its token file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const token = text.trim();
  if (!token) throw new SecretError(`${cfg.name}: its token file ${file} is empty`);
  if (/[\r\n]/.test(token)) throw new SecretError(`${cfg.name}: its token file ${file} holds more than one line; put only the token in it`);
  return token;
}

/** Replace every occurrence of the secret in a message (a receiver could echo a header back). */
export function scrub(message: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return message;
  return message.split(secret).join('[REDACTED]');
}

/**
 * What every test that runs the CLI or a collector needs: a free loopback port (never 4318) and
 * an environment that carries nothing from the developer's shell (no OTEL_*, CODEX_*, proxy or
 * GitHub variables) beyond what a process needs to run.
 */
export { pickFreePort as freePort } from '../../electron/endpoint/free-port';

export function scrubbedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'LANG', 'TZ', 'TMPDIR']) if (process.env[k] !== undefined) env[k] = process.env[k];
  return env;
}

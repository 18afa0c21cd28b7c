/**
 * From configuration to what the engine runs: enabled destinations with their token and CA
 * read. A destination whose secret or CA cannot be read does not stop the collector (local
 * telemetry must not be lost for it): it is handed over with `error` set, so status, doctor,
 * the tray and the dashboard show it as failed, with the reason.
 */
import { readFile } from 'node:fs/promises';
import type { ResolvedDestination } from './forward-engine';
import type { ForwardDestinationConfig } from './forward-config';
import { readDestinationToken } from './secrets';

export async function readCaFile(file: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read its CA file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`its CA file ${file} holds no PEM certificate`);
  return pem;
}

export async function resolveDestination(cfg: ForwardDestinationConfig, env: NodeJS.ProcessEnv): Promise<ResolvedDestination> {
  try {
    const token = await readDestinationToken(cfg, env);
    const ca = cfg.ca_file ? await readCaFile(cfg.ca_file) : undefined;
    return { cfg, token, ca };
  } catch (err) {
    return { cfg, error: (err as Error).message.replace(new RegExp(`^${cfg.name}: `), '') };
  }
}

export async function resolveDestinations(cfgs: readonly ForwardDestinationConfig[], env: NodeJS.ProcessEnv = process.env): Promise<ResolvedDestination[]> {
  const out: ResolvedDestination[] = [];
  for (const cfg of cfgs) if (cfg.enabled !== false) out.push(await resolveDestination(cfg, env));
  return out;
}

/**
 * A destination's checkpoint: where in the runtime log its acknowledged events end. Written
 * atomically (temp file, fsync, rename, directory fsync: shared/atomic-write.ts) after every
 * acknowledged batch, so after a crash or kill -9 it names either the previous batch's end or
 * this one's, never a torn file: a restart resends at most the one unacknowledged batch.
 *
 * One file per destination and log: `<state dir>/forward/<name>-<hash of type, url, log>.json`.
 * Pointing a destination at another URL or log starts a new checkpoint (a new destination
 * receives the whole log), instead of skipping what the new one never got.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../shared/atomic-write';
import type { CursorPosition } from './log-cursor';

export interface Checkpoint {
  schema: 1;
  destination: string;
  type: string;
  url: string;
  log_path: string;
  position: CursorPosition | null;
  /** The last acknowledged event, to say from when events are missing if the position is lost. */
  last_event_id: string | null;
  last_event_at: string | null;
  /** Events acknowledged over the checkpoint's life. */
  acked_events: number;
  last_success_at: string | null;
  updated_at: string;
}

export function checkpointFile(stateDir: string, dest: { name: string; type: string; url: string }, logPath: string): string {
  const key = createHash('sha256').update(`${dest.type}\n${dest.url}\n${resolve(logPath)}`).digest('hex').slice(0, 12);
  return join(stateDir, 'forward', `${dest.name}-${key}.json`);
}

export class CheckpointError extends Error {}

/** The checkpoint, or null when there is none yet. A file that does not parse is a CheckpointError. */
export async function loadCheckpoint(file: string): Promise<Checkpoint | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CheckpointError(`cannot read the checkpoint ${file}: ${(err as Error).message}`);
  }
  let v: Partial<Checkpoint>;
  try {
    v = JSON.parse(text) as Partial<Checkpoint>;
  } catch {
    throw new CheckpointError(`the checkpoint ${file} is not valid JSON`);
  }
  const p = v.position;
  const validPos =
    p === null ||
    (!!p && typeof p.dev === 'string' && typeof p.ino === 'string' && Number.isSafeInteger(p.offset) && p.offset >= 0 && Number.isSafeInteger(p.head_len) && typeof p.head_sha256 === 'string');
  if (v.schema !== 1 || !validPos) throw new CheckpointError(`the checkpoint ${file} is not one this version understands`);
  return {
    schema: 1,
    destination: String(v.destination ?? ''),
    type: String(v.type ?? ''),
    url: String(v.url ?? ''),
    log_path: String(v.log_path ?? ''),
    position: p ?? null,
    last_event_id: typeof v.last_event_id === 'string' ? v.last_event_id : null,
    last_event_at: typeof v.last_event_at === 'string' ? v.last_event_at : null,
    acked_events: Number.isSafeInteger(v.acked_events) ? (v.acked_events as number) : 0,
    last_success_at: typeof v.last_success_at === 'string' ? v.last_success_at : null,
    updated_at: String(v.updated_at ?? ''),
  };
}

export async function saveCheckpoint(file: string, cp: Checkpoint, dirMode = 0o700): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true, mode: dirMode });
  await writeFileAtomic(file, JSON.stringify(cp) + '\n', { mode: 0o600 });
}

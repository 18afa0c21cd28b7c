/**
 * The forward worker thread: runs the ForwardEngine off the collector's thread, so reading,
 * parsing, encoding and compressing a backlog never delays an OTLP answer to Codex (a 1000-
 * event batch is tens of milliseconds of CPU), and at a lower priority (thread-priority.ts).
 *
 * Messages: in `wake` (with the collector thread's event-loop utilization), `files` (descriptors opened at rotation) and `close`; out `ready`, `health` (snapshots, throttled), `emit`
 * (events for the collector to write, e.g. forward.events_lost), `warn`, `closed`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ForwardEngine, type ResolvedDestination } from './forward-engine';
import { IngestPacer } from './ingest-pacer';
import { lowerThreadPriority } from './thread-priority';
import type { AdoptedFile } from './log-cursor';

export interface WorkerInit {
  logPath: string;
  stateDir: string;
  destinations: ResolvedDestination[];
  /** The backlog past which forwarding never holds for ingest (ingest-pacer.ts). */
  holdBacklogBytes: number;
}

/** At most this many health snapshots a second go to the collector's thread. */
const HEALTH_POST_MS = 250;

function main(): void {
  const port = parentPort;
  if (!port) return;
  const init = workerData as WorkerInit;
  lowerThreadPriority();
  let healthTimer: NodeJS.Timeout | undefined;
  const postHealth = (): void => {
    healthTimer = undefined;
    port.postMessage({ type: 'health', health: engine.health() });
  };
  const { holdBacklogBytes, ...engineInit } = init;
  const pacer = new IngestPacer({ maxBacklogBytes: holdBacklogBytes });
  const engine: ForwardEngine = new ForwardEngine({
    ...engineInit,
    pacer,
    emit: (events) => port.postMessage({ type: 'emit', events }),
    warn: (message) => port.postMessage({ type: 'warn', message }),
    onHealth: () => {
      healthTimer ??= setTimeout(postHealth, HEALTH_POST_MS);
    },
  });
  port.on('message', (m: { type?: string; files?: AdoptedFile[]; utilization?: number }) => {
    if (m?.type === 'wake') {
      if (typeof m.utilization === 'number') pacer.report(m.utilization);
      engine.wake();
    }
    else if (m?.type === 'files' && m.files) engine.adopt(m.files);
    else if (m?.type === 'close') {
      void engine.close().then(() => {
        if (healthTimer) clearTimeout(healthTimer);
        port.postMessage({ type: 'health', health: engine.health() });
        port.postMessage({ type: 'closed' });
        port.close();
      });
    }
  });
  engine.start();
  port.postMessage({ type: 'ready', health: engine.health() });
}

main();

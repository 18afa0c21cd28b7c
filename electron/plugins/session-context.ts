/**
 * Fills in where a session ran (session.working_directory, session.git) from the harness's own
 * session records, when its telemetry does not say. An enricher: it runs in the collector before
 * the content policy, so the runtime log itself (what SIEMs read, and what the dashboard reads)
 * carries the context; nothing reads agent files later or as another user.
 *
 * Per session the record is looked up once; while it is not there yet the lookup is retried on
 * later events, a few times, a few seconds apart, then given up. Every event of a known session
 * gets its working directory; the git block goes on session.started (or, when the record came
 * late, on the next event) so it is in the log once without bloating every line.
 */
import type { BeaconEvent } from '../shared/event';
import type { EventEnricher, Harness, HarnessSessionContext, SessionContext } from '../shared/harness';

const MAX_TRIES = 5;
const RETRY_MS = 2_000;
const MAX_SESSIONS = 1_000;

interface SessionState {
  context?: SessionContext;
  tries: number;
  nextTryMs: number;
  gitWritten: boolean;
}

export class SessionContextEnricher implements EventEnricher {
  readonly name = 'session-context';
  private readonly sessions = new Map<string, SessionState>();

  constructor(
    /** By the `harness.name` the harness's events carry. */
    private readonly readers: ReadonlyMap<string, HarnessSessionContext>,
    private readonly now: () => number = Date.now,
  ) {}

  enrich(events: BeaconEvent[]): void {
    for (const ev of events) {
      const reader = this.readers.get(ev.harness?.name);
      const id = ev.session?.id;
      if (!reader || typeof id !== 'string' || !id || ev.session?.title_generation) continue;
      const state = this.state(id, reader, ev.timestamp);
      const ctx = state.context;
      if (!ctx) continue;
      const session = ev.session!;
      if (ctx.working_directory && !session.working_directory) session.working_directory = ctx.working_directory;
      if (ctx.git && !session.git && (!state.gitWritten || ev.event.action === 'session.started')) {
        session.git = { ...ctx.git };
        state.gitWritten = true;
      }
    }
  }

  private state(id: string, reader: HarnessSessionContext, timestamp: string): SessionState {
    let s = this.sessions.get(id);
    if (!s) {
      if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
      s = { tries: 0, nextTryMs: 0, gitWritten: false };
      this.sessions.set(id, s);
    }
    const now = this.now();
    if (!s.context && s.tries < MAX_TRIES && now >= s.nextTryMs) {
      s.tries++;
      s.nextTryMs = now + RETRY_MS;
      try {
        s.context = reader.lookup(id, timestamp);
      } catch {
        s.context = undefined; // a reader's bug must not cost an event
      }
    }
    return s;
  }
}

/** The enricher for every harness that can read its session records, or undefined when none can. */
export function sessionContextEnricher(harnesses: readonly Harness[], env: Record<string, string | undefined>): SessionContextEnricher | undefined {
  const readers = new Map<string, HarnessSessionContext>();
  for (const h of harnesses) {
    const reader = h.lifecycle.sessionContext?.(env);
    if (reader) readers.set(h.eventHarnessName, reader);
  }
  return readers.size ? new SessionContextEnricher(readers) : undefined;
}

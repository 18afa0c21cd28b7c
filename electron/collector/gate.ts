/**
 * A counting gate: at most `limit` holders at once, the others wait in arrival order. The
 * receiver puts decoding and ingest behind one (otlp-server.ts), so the memory one request's
 * decoded objects and events take is held by a few requests at a time, whatever the number of
 * connections.
 */
export class Gate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`Gate: limit must be a positive integer, got ${limit}`);
  }

  /** Enters at once if there is room (no promise, no microtask: the common case). */
  tryEnter(): boolean {
    if (this.active >= this.limit || this.waiting.length > 0) return false;
    this.active++;
    return true;
  }

  /** Resolves once this caller holds a place. */
  enter(): Promise<void> {
    if (this.tryEnter()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Gives the place back; the longest waiter gets it. */
  leave(): void {
    const next = this.waiting.shift();
    if (next) next(); // the place passes on: `active` is unchanged
    else this.active = Math.max(0, this.active - 1);
  }

  get size(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}

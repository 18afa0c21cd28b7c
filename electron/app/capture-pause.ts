/**
 * Pause / resume capture for a collector hosted in this process.
 *
 * While paused the collector keeps answering 200: Codex never retries and a slow or failing
 * endpoint holds its exit open, so refusing would hurt Codex without saving anything. The
 * pipeline still decodes and normalizes, then drops the events instead of writing them.
 *
 * The pipeline has no pause switch of its own yet (requested from its owner: a `paused` flag
 * checked in IngestPipeline.write). Until then we shadow `write` on the instance; `ingest`
 * reaches it through `this.write`, so nothing else changes. If the pipeline gains a boolean
 * `paused` property, that is used instead.
 */
import type { BeaconEvent } from '../shared/event';

/** The part of IngestPipeline this needs. */
export interface PausablePipeline {
  write(events: BeaconEvent[]): Promise<unknown>;
  paused?: boolean;
}

export interface CapturePause {
  readonly paused: boolean;
  /** Events dropped since the last pause began. */
  readonly dropped: number;
  pause(): void;
  resume(): void;
}

export function createCapturePause(pipeline: PausablePipeline): CapturePause {
  let paused = false;
  let dropped = 0;
  const native = typeof pipeline.paused === 'boolean';
  const target = pipeline as unknown as Record<string, unknown>;

  return {
    get paused() {
      return paused;
    },
    get dropped() {
      return dropped;
    },
    pause() {
      if (paused) return;
      paused = true;
      dropped = 0;
      if (native) {
        pipeline.paused = true;
        return;
      }
      target.write = async (events: BeaconEvent[]) => {
        dropped += events.length;
        return {};
      };
    },
    resume() {
      if (!paused) return;
      paused = false;
      if (native) {
        pipeline.paused = false;
        return;
      }
      // Back to the prototype's write.
      delete target.write;
    },
  };
}

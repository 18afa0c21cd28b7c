/**
 * Pause / resume capture for a collector hosted in this process.
 *
 * While paused the collector keeps answering 200: Codex never retries and a slow or failing
 * endpoint holds its exit open, so refusing would hurt Codex without saving anything. The
 * pipeline still decodes and normalizes, then drops the events instead of writing them
 * (IngestPipeline.paused); this module adds the "how many were dropped" bookkeeping the tray
 * reports on resume.
 */

/** The part of IngestPipeline this needs. */
export interface PausablePipeline {
  paused: boolean;
  readonly stats: { eventsDroppedWhilePaused: number };
}

export interface CapturePause {
  readonly paused: boolean;
  /** Events dropped since the last pause began. */
  readonly dropped: number;
  pause(): void;
  resume(): void;
}

export function createCapturePause(pipeline: PausablePipeline): CapturePause {
  let baseline = pipeline.stats.eventsDroppedWhilePaused;
  let droppedAtResume = 0;
  return {
    get paused() {
      return pipeline.paused;
    },
    get dropped() {
      return pipeline.paused ? pipeline.stats.eventsDroppedWhilePaused - baseline : droppedAtResume;
    },
    pause() {
      if (pipeline.paused) return;
      baseline = pipeline.stats.eventsDroppedWhilePaused;
      pipeline.paused = true;
    },
    resume() {
      if (!pipeline.paused) return;
      droppedAtResume = pipeline.stats.eventsDroppedWhilePaused - baseline;
      pipeline.paused = false;
    },
  };
}

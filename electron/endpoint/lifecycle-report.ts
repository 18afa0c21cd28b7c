/**
 * The step list every lifecycle command prints (`[done] configure_codex ...`). A step is only
 * reported `done` once it really happened, and `rolled-back` when a failed install undid it, so
 * the output never claims a change that is not on disk.
 */
export type StepStatus = 'planned' | 'done' | 'unchanged' | 'skipped' | 'warning' | 'failed' | 'rolled-back';

export interface LifecycleStep {
  action: string;
  target?: string;
  status: StepStatus;
  detail?: string;
  /** --dry-run: the otel section before/after ('-' removed, '+' added). */
  diff?: string;
}

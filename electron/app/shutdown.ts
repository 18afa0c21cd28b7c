/**
 * Graceful shutdown with a deadline: run every close step (collector first, so the log is
 * flushed and fsynced, then the dashboard), but never let a stuck step keep the app from
 * quitting. Each step's failure is reported, not thrown: one broken step must not skip the rest.
 */
export interface ShutdownStep {
  name: string;
  run(): Promise<void>;
}

export interface ShutdownReport {
  timedOut: boolean;
  failed: Array<{ name: string; error: string }>;
}

export async function shutdownWithin(steps: ShutdownStep[], timeoutMs: number): Promise<ShutdownReport> {
  const failed: ShutdownReport['failed'] = [];
  const all = (async () => {
    for (const step of steps) {
      try {
        await step.run();
      } catch (err) {
        failed.push({ name: step.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return false;
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const timedOut = await Promise.race([all, deadline]);
  clearTimeout(timer);
  return { timedOut, failed };
}

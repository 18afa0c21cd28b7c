import { useEffect, useState } from 'react';
import type { SessionRollup } from '../../../electron/shared/api';
import { sessionStatus } from '../lib/session-status';

/**
 * "Running · 3 min 12 s so far" (ticking), "Finished in 2 min 5 s", "Ended after …". The clock
 * ticks only while the session runs and the window is visible: an idle app sets no fast timer.
 */
export function SessionStatusBadge({ session }: { session: SessionRollup }) {
  const [now, setNow] = useState(() => Date.now());
  const status = sessionStatus(session, now);
  const running = status.state === 'running';
  useEffect(() => {
    if (!running) return;
    let timer: ReturnType<typeof setInterval> | null = null;
    const arm = () => {
      if (timer) clearInterval(timer);
      timer = document.visibilityState === 'visible' ? setInterval(() => setNow(Date.now()), 1000) : null;
      setNow(Date.now());
    };
    arm();
    document.addEventListener('visibilitychange', arm);
    return () => {
      document.removeEventListener('visibilitychange', arm);
      if (timer) clearInterval(timer);
    };
  }, [running]);
  return (
    <span className="session-status" data-state={status.state} data-testid="session-status">
      {status.label}
    </span>
  );
}

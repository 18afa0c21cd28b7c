import { useEffect, useState } from 'react';
import { bridgeCan, type BeaconBridge, type BridgeResult } from '../api/bridge';

/**
 * The tray's action buttons. They exist only inside the Beacon app (the preload's
 * window.beacon); in a browser this renders nothing, because the HTTP API is read-only.
 */
export function BridgeActions({ bridge, showRepair }: { bridge: BeaconBridge | null; showRepair: boolean }) {
  const [paused, setPaused] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    if (!bridge?.isCapturePaused) return;
    let alive = true;
    bridge.isCapturePaused().then(
      (p) => alive && setPaused(p),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [bridge]);

  if (!bridge) return null;
  const canRepair = showRepair && bridgeCan(bridge, 'repairCodexConfig');
  const canPause = bridgeCan(bridge, 'pauseCapture') && bridgeCan(bridge, 'resumeCapture');
  const canQuit = bridgeCan(bridge, 'quit');
  if (!canRepair && !canPause && !canQuit) return null;

  const run = async (action: () => Promise<BridgeResult | void> | void, done?: () => void) => {
    setBusy(true);
    setNote(null);
    try {
      const result = await action();
      if (result && result.ok === false) setNote(result.message ?? 'That did not work.');
      else {
        if (result?.message) setNote(result.message);
        done?.();
      }
    } catch (err) {
      setNote(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="tray-footer" role="group" aria-label="Beacon actions" data-testid="bridge-actions">
      <div style={{ display: 'flex', gap: 6 }}>
        {canRepair ? (
          <button type="button" className="btn primary small" disabled={busy} onClick={() => run(() => bridge.repairCodexConfig!())}>
            Repair Codex config
          </button>
        ) : null}
        {canPause ? (
          <button
            type="button"
            className="btn small"
            disabled={busy}
            aria-pressed={paused === true}
            onClick={() =>
              paused ? run(() => bridge.resumeCapture!(), () => setPaused(false)) : run(() => bridge.pauseCapture!(), () => setPaused(true))
            }
          >
            {paused ? 'Resume capture' : 'Pause capture'}
          </button>
        ) : null}
      </div>
      {note ? (
        <span className="muted" role="status" style={{ fontSize: 12, flex: 1, textAlign: 'center' }}>
          {note}
        </span>
      ) : null}
      {canQuit ? (
        <button type="button" className="btn ghost small" onClick={() => void bridge.quit!()}>
          Quit Beacon
        </button>
      ) : null}
    </div>
  );
}

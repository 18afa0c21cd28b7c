import { useEffect, useState } from 'react';
import { bridgeCan, type ActionResult, type AppStateSnapshot, type BeaconBridge, type LoginItemState } from '../api/bridge';

/**
 * The tray's action buttons. They exist only inside the Beacon app (the preload's
 * window.beacon); in a browser this renders nothing, because the HTTP API is read-only.
 */
export function BridgeActions({ bridge, showRepair }: { bridge: BeaconBridge | null; showRepair: boolean }) {
  const [app, setApp] = useState<AppStateSnapshot | null>(null);
  const [paused, setPaused] = useState<boolean | null>(null);
  const [login, setLogin] = useState<LoginItemState | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    if (!bridge) return;
    let alive = true;
    const ignore = () => undefined;
    const onState = (s: AppStateSnapshot) => {
      if (!alive) return;
      setApp(s);
      setPaused(s.paused);
    };
    if (bridgeCan(bridge, 'getAppState')) bridge.getAppState().then(onState, ignore);
    if (bridgeCan(bridge, 'isCapturePaused')) bridge.isCapturePaused().then((p) => alive && setPaused(p), ignore);
    if (bridgeCan(bridge, 'getOpenAtLogin')) bridge.getOpenAtLogin().then((l) => alive && setLogin(l), ignore);
    const off = bridgeCan(bridge, 'onStateChanged') ? bridge.onStateChanged(onState) : null;
    return () => {
      alive = false;
      off?.();
    };
  }, [bridge]);

  if (!bridge) return null;
  // The latest word wins: the initial state, a pushed state change, or our own action's result.
  const isPaused = paused ?? false;
  const canRepair = showRepair && bridgeCan(bridge, 'repairCodexConfig');
  // Pausing only makes sense when this app hosts the collector (the app says so in its state).
  const canPause = bridgeCan(bridge, 'pauseCapture') && bridgeCan(bridge, 'resumeCapture') && (app ? app.canPause : true);
  const canLogin = bridgeCan(bridge, 'setOpenAtLogin') && !!login?.supported;
  const canQuit = bridgeCan(bridge, 'quit');
  if (!canRepair && !canPause && !canLogin && !canQuit) return null;

  const run = async (action: () => Promise<ActionResult | void>, done?: () => void) => {
    setBusy(true);
    setNote(null);
    try {
      const result = await action();
      if (result && result.ok === false) setNote(result.message || 'That did not work.');
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
    <div className="tray-actions" role="group" aria-label="Beacon actions" data-testid="bridge-actions">
      {isPaused ? (
        <div className="paused-note" role="status" data-testid="capture-paused">
          Capture is paused: Codex events are not being recorded.
        </div>
      ) : null}
      <div className="tray-footer">
        <div style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
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
              aria-pressed={isPaused}
              onClick={() =>
                isPaused ? run(() => bridge.resumeCapture!(), () => setPaused(false)) : run(() => bridge.pauseCapture!(), () => setPaused(true))
              }
            >
              {isPaused ? 'Resume capture' : 'Pause capture'}
            </button>
          ) : null}
        </div>
        {canQuit ? (
          <button type="button" className="btn ghost small" onClick={() => void bridge.quit!()}>
            Quit
          </button>
        ) : null}
      </div>
      {canLogin || note ? (
        <div className="tray-actions-row">
          {canLogin ? (
            <label className="check">
              <input
                type="checkbox"
                checked={login!.openAtLogin}
                disabled={busy}
                onChange={(e) => {
                  const want = e.target.checked;
                  void run(async () => {
                    setLogin(await bridge.setOpenAtLogin!(want));
                  });
                }}
              />
              Open at login
            </label>
          ) : (
            <span />
          )}
          {note ? (
            <span className="action-note" role="status" data-testid="action-note">
              {note}
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

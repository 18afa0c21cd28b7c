import { useEffect, useRef } from 'react';
import type { EventRecord } from '../../../electron/shared/api';
import { describeEvent } from '../lib/story';
import { CopyButton } from './CopyButton';
import { StoryText } from './StoryText';

/**
 * The detail drawer: the sentence, key facts and the raw JSON exactly as written to
 * runtime.jsonl (pretty-printed, copyable). Escape closes it and focus returns to the row.
 */
export function EventDetail({ record, onClose }: { record: EventRecord; onClose(): void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);

  useEffect(() => {
    returnTo.current = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      // Give focus back to where the user was, if it is still on the page.
      if (returnTo.current && document.contains(returnTo.current)) returnTo.current.focus();
    };
  }, [record.seq]); // eslint-disable-line react-hooks/exhaustive-deps

  const e = record.event;
  const story = describeEvent(e);
  const json = JSON.stringify(e, null, 2);
  const facts: Array<[string, string | undefined]> = [
    ['Time', e.timestamp],
    ['Action', e.event?.action],
    ['Category', e.event?.category],
    ['Severity', e.severity],
    ['Session', e.session?.id],
    ['Directory', e.session?.working_directory],
    ['Model', e.model ?? e.gen_ai?.request?.model],
    ['Harness', [e.harness?.name, e.harness?.version].filter(Boolean).join(' ') || undefined],
  ];

  return (
    <>
      <div className="drawer-backdrop" onClick={onClose} aria-hidden="true" />
      <aside className="drawer" role="dialog" aria-modal="true" aria-labelledby="event-detail-title" data-testid="event-detail">
        <div className="drawer-header">
          <h2 id="event-detail-title">Event detail</h2>
          <button ref={closeRef} type="button" className="btn ghost small" onClick={onClose} aria-label="Close event detail (Escape)">
            Close ✕
          </button>
        </div>
        <div className="drawer-body">
          <p style={{ margin: 0 }}>
            <StoryText story={story} />
          </p>
          <dl className="kv">
            {facts
              .filter(([, v]) => v)
              .map(([k, v]) => (
                <div key={k} style={{ display: 'contents' }}>
                  <dt>{k}</dt>
                  <dd className={k === 'Session' || k === 'Time' ? 'mono' : undefined}>{v}</dd>
                </div>
              ))}
          </dl>
          <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
            <h3>Raw JSON</h3>
            <CopyButton text={json} label="Copy JSON" what="raw JSON" />
          </div>
          <pre className="json" tabIndex={0} aria-label="Raw event JSON" data-testid="event-json">
            {json}
          </pre>
        </div>
      </aside>
    </>
  );
}

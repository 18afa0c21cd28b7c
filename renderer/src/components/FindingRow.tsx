import { useEffect, useRef } from 'react';
import type { EventRecord, SessionRollup } from '../../../electron/shared/api';
import { formatDateTime, formatRelative } from '../lib/format';
import { severityLabel, severityOf } from '../lib/findings';
import { hrefFor } from '../lib/route';

interface Props {
  record: EventRecord;
  session?: SessionRollup;
  focused: boolean;
}

/** One finding: severity, title, rule and framework ids, and a link to the session story at its events. */
export function FindingRow({ record, session, focused }: Props) {
  const f = record.event.finding;
  const ref = useRef<HTMLLIElement>(null);
  const sev = severityOf(record);
  const sid = record.event.session?.id;
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'center' });
  }, [focused]);
  if (!f) return null;
  const sessionName = session?.title ?? session?.working_directory ?? (sid ? `session ${sid.slice(0, 8)}` : null);
  return (
    <li ref={ref} className="finding" data-testid="finding" data-rule={f.rule_id} data-severity={sev} aria-current={focused ? 'true' : undefined}>
      <span className="sev" data-severity={sev}>
        {severityLabel(sev)}
      </span>
      <div className="finding-main">
        <div className="finding-title">{f.title}</div>
        <div className="finding-ids">
          <code title="Rule id">{f.rule_id}</code>
          {f.mitre.map((m) => (
            <span key={m} className="chip" title="MITRE ATT&CK / ATLAS">
              {m}
            </span>
          ))}
          {f.owasp.map((o) => (
            <span key={o} className="chip owasp" title="OWASP LLM / Agentic Top 10">
              {o}
            </span>
          ))}
        </div>
        {f.description && f.description !== `${f.title}.` ? <div className="finding-desc">{f.description}</div> : null}
        {sid ? (
          <a className="finding-session" href={hrefFor('sessions', sid, { highlight: f.event_ids })} data-testid="finding-session-link">
            {sessionName} → open in the session story{f.event_ids.length ? ` (${f.event_ids.length} ${f.event_ids.length === 1 ? 'event' : 'events'} highlighted)` : ''}
          </a>
        ) : null}
      </div>
      <time className="item-time" dateTime={record.event.timestamp} title={formatDateTime(record.event.timestamp)}>
        {formatRelative(record.event.timestamp)}
      </time>
    </li>
  );
}

import type { SessionRollup } from '../../../electron/shared/api';
import { formatNumber } from '../lib/format';

/** Four numbers at a glance above the sessions list. */
export function SummaryStrip({ sessions }: { sessions: SessionRollup[] }) {
  const sum = (f: (s: SessionRollup) => number) => sessions.reduce((n, s) => n + f(s), 0);
  const stats = [
    { label: 'Sessions', value: sessions.length },
    { label: 'Prompts', value: sum((s) => s.prompts) },
    { label: 'Commands (failed)', value: sum((s) => s.commands), extra: sum((s) => s.command_failures) },
    { label: 'Tokens', value: sum((s) => s.tokens.total) },
  ];
  return (
    <div className="summary-strip" role="list" aria-label="Totals">
      {stats.map((s) => (
        <div key={s.label} className="card stat" role="listitem">
          <div className="label">{s.label}</div>
          <div className="value">
            {formatNumber(s.value)}
            {s.extra !== undefined ? (
              <span className={s.extra ? 'tag-bad' : 'faint'} style={{ fontSize: 14, marginLeft: 6 }}>
                ({formatNumber(s.extra)})
              </span>
            ) : null}
          </div>
        </div>
      ))}
    </div>
  );
}

import type { ReactNode } from 'react';

export interface BarItem {
  key: string;
  label: ReactNode;
  /** Plain text of the label, for the tooltip. */
  title: string;
  value: number;
  /** Part of value drawn in the "bad" colour (failures). */
  bad?: number;
  valueText: ReactNode;
  href?: string;
}

/**
 * Horizontal bars as HTML (labels wrap and ellipsize like text, which SVG cannot), longest
 * first: the most-run commands, the costliest sessions.
 */
export function BarList({ items, label, testId, color = 'var(--series-1)' }: { items: BarItem[]; label: string; testId?: string; color?: string }) {
  const max = Math.max(0, ...items.map((i) => i.value)) || 1;
  return (
    <ol className="bar-list" aria-label={label} data-testid={testId}>
      {items.map((i) => {
        const body = (
          <>
            <span className="bar-label" title={i.title}>
              {i.label}
            </span>
            <span className="bar-track" aria-hidden="true">
              <span className="bar-fill" style={{ width: `${(i.value / max) * 100}%`, background: color }}>
                {i.bad ? <span className="bar-bad" style={{ width: `${(i.bad / i.value) * 100}%` }} /> : null}
              </span>
            </span>
            <span className="bar-value">{i.valueText}</span>
          </>
        );
        return (
          <li key={i.key} data-key={i.key}>
            {i.href ? (
              <a className="bar-row" href={i.href}>
                {body}
              </a>
            ) : (
              <div className="bar-row">{body}</div>
            )}
          </li>
        );
      })}
    </ol>
  );
}

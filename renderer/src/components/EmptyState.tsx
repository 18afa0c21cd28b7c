import type { ReactNode } from 'react';

/** What a new user sees instead of an empty box: what this area is for and what to do next. */
export function EmptyState({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId ?? 'empty-state'}>
      <div className="empty-title">{title}</div>
      {children}
    </div>
  );
}

/** The first-run message, shared by the tray feed and the dashboard. */
export function NoActivityYet() {
  return (
    <EmptyState title="No Codex activity yet." testId="empty-activity">
      <p>
        Run <code>beacon endpoint install</code>, then any <code>codex</code> command.
      </p>
      <p className="faint">Prompts, commands, approvals and file changes appear here as they happen.</p>
    </EmptyState>
  );
}

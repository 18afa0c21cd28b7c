import { CopyButton } from './CopyButton';

/** A command that fixes the current problem, ready to paste into a terminal. */
export function FixCommand({ command, label = 'Fix:' }: { command: string; label?: string }) {
  return (
    <div className="fix" data-testid="health-fix">
      <span className="muted" style={{ fontSize: 12 }}>
        {label}
      </span>
      <code title={command} className="fix-command">
        {command}
      </code>
      <CopyButton text={command} what="fix command" />
    </div>
  );
}

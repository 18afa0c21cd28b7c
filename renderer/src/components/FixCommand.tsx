import { CopyButton } from './CopyButton';

/** A command that fixes the current problem, ready to paste into a terminal. */
export function FixCommand({ command }: { command: string }) {
  return (
    <div className="fix" data-testid="health-fix">
      <span className="muted" style={{ fontSize: 12 }}>Fix:</span>
      <code title={command}>{command}</code>
      <CopyButton text={command} what="fix command" />
    </div>
  );
}

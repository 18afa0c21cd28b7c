import type { ReactNode } from 'react';
import type { EventRecord, SessionRollup } from '../../../electron/shared/api';
import { formatDuration, formatNumber, truncate } from '../lib/format';
import { sessionStatus } from '../lib/session-status';
import { CostValue } from './CostValue';

const ANSWER_MAX = 600;

/**
 * The story's ending: how it ended, and what it came to (duration, commands, failures, files
 * changed, tokens, cost), with Codex's final answer when it logged one.
 */
export function SessionEnding({ session: s, answer }: { session: SessionRollup; answer: EventRecord | null }) {
  const status = sessionStatus(s);
  const failures = s.command_failures + s.errors;
  const text = answer?.event.response?.text;
  const facts: Array<[string, ReactNode, string]> = [
    ['Duration', formatDuration(status.state === 'running' ? status.elapsedMs : s.duration_ms), 'duration'],
    ['Commands', formatNumber(s.commands), 'commands'],
    ['Failures', failures ? <span className="tag-bad">{formatNumber(failures)}</span> : '0', 'failures'],
    ['Files changed', formatNumber(s.files_changed), 'files'],
    ['Tokens', formatNumber(s.tokens.total), 'tokens'],
    ['Cost (estimate)', <CostValue cost={s.cost} />, 'cost'],
  ];
  return (
    <section className="session-ending" aria-label="How the session ended" data-testid="session-ending" data-state={status.state}>
      <h3>{status.state === 'running' ? 'So far' : status.state === 'finished' ? 'Finished' : 'Ended'}</h3>
      {text ? (
        <blockquote className="final-answer" data-testid="final-answer">
          <span className="faint">Codex’s final answer: </span>“{truncate(text, ANSWER_MAX)}”
        </blockquote>
      ) : status.state !== 'running' ? (
        <p className="faint final-answer-missing" data-testid="final-answer-missing">
          {answer ? 'Codex gave a final answer; its text was not kept (content policy).' : 'No final answer was recorded (Codex logs it with log_agent_responses = true in [otel]).'}
        </p>
      ) : null}
      <dl className="ending-facts">
        {facts.map(([label, value, key]) => (
          <div key={label} data-fact={key}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

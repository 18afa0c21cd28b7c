/**
 * How a session is named where several must be told apart (the Events page's session filter,
 * the sessions list): when it started, to the second, and what the user first asked. Sessions
 * in one repository started in one minute looked identical before; the prompt is what the user
 * remembers them by.
 */
import type { SessionRollup } from '../../../electron/shared/api';
import { baseName, formatDateTimeSeconds, truncate } from './format';

const LABEL_PROMPT_MAX = 60;

/** The repository (or working directory's last segment), '' when unknown. */
export function sessionPlace(s: SessionRollup): string {
  return s.repository ?? baseName(s.working_directory);
}

/** "Dec 3, 12:20:48 · “fix the greeting in src/hello.ts”", or the place when no prompt was recorded. */
export function sessionLabel(s: SessionRollup): string {
  const when = formatDateTimeSeconds(s.started_at);
  if (s.first_prompt) return `${when} · “${truncate(s.first_prompt, LABEL_PROMPT_MAX)}”`;
  const place = sessionPlace(s);
  return `${when} · ${place || s.id.slice(0, 8)} (no prompt recorded)`;
}

/** Labels for a list of sessions; any that still collide get the start of their id appended. */
export function sessionLabels(sessions: SessionRollup[]): Map<string, string> {
  const labels = new Map(sessions.map((s) => [s.id, sessionLabel(s)]));
  const seen = new Map<string, number>();
  for (const l of labels.values()) seen.set(l, (seen.get(l) ?? 0) + 1);
  for (const [id, l] of labels) if ((seen.get(l) ?? 0) > 1) labels.set(id, `${l} · ${id.slice(0, 8)}`);
  return labels;
}

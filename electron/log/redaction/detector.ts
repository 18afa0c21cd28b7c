/**
 * The shape every secret rule has (gitleaks' imported rules and Beacon's own): the keywords
 * without which it cannot match (the prefilter, see keyword-automaton.ts), and a function that
 * reports where in a text the secrets are.
 */

/** A secret found in a text: [start, end) is what gets masked. `kind` names it in the marker. */
export interface Span {
  start: number;
  end: number;
  /** '' for a generic secret (`[REDACTED]`), else e.g. 'stripe-key' (`[REDACTED:stripe-key]`). */
  kind: string;
}

export interface Detector {
  /** Rule id, e.g. 'gitleaks:stripe-access-token' or 'beacon:url-password'. */
  readonly id: string;
  /**
   * Lower-case ASCII substrings; the detector runs only on a text containing at least one.
   * Empty: it runs on every text that reaches detection (keep such detectors cheap).
   */
  readonly keywords: readonly string[];
  find(text: string, out: Span[]): void;
  /**
   * For a rule whose every match STARTS with one of its keywords: try it only where a keyword
   * starts (`starts`, ascending), instead of at every position of the text. The scanner calls
   * this instead of find() when it is there; it must find exactly what find() finds.
   */
  findAt?(text: string, starts: readonly number[], out: Span[]): void;
}

/** Shannon entropy in bits per character, as gitleaks computes it for its `entropy` thresholds. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

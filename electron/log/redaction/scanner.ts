/**
 * Runs a set of detectors over a text: one keyword pass decides which detectors can match at
 * all (most texts trigger none or a few), then only those run. Returns the secrets' spans,
 * sorted and merged, ready to be masked.
 */
import type { Detector, Span } from './detector';
import { KeywordAutomaton } from './keyword-automaton';

export class SecretScanner {
  private readonly automaton: KeywordAutomaton;
  /** keyword id -> the detectors that name it */
  private readonly byKeyword: number[][];
  /** Detectors without keywords: they run on every text. */
  private readonly always: number[];
  /** stamp[d] === generation: detector d is already queued for this text */
  private readonly stamp: Uint32Array;
  /** keyword id -> its length (to turn the automaton's end positions into starts) */
  private readonly keywordLength: number[] = [];
  /** detector -> where its keywords start in the current text (anchored detectors only) */
  private readonly starts: number[][];
  private generation = 0;

  constructor(private readonly detectors: readonly Detector[]) {
    const ids = new Map<string, number>();
    this.byKeyword = [];
    this.always = [];
    detectors.forEach((d, i) => {
      if (d.keywords.length === 0) this.always.push(i);
      for (const k of d.keywords) {
        let id = ids.get(k);
        if (id === undefined) {
          id = ids.size;
          ids.set(k, id);
          this.byKeyword.push([]);
          this.keywordLength.push(k.length);
        }
        this.byKeyword[id].push(i);
      }
    });
    this.automaton = new KeywordAutomaton([...ids.keys()]);
    this.stamp = new Uint32Array(detectors.length);
    this.starts = detectors.map(() => []);
  }

  /** Whether any detector could match `text` (no regex runs). */
  mayContainSecret(text: string): boolean {
    if (this.always.length > 0) return true;
    return this.automaton.scan(text, noop);
  }

  /** The secrets in `text`, sorted by start, overlaps merged (a named kind wins over ''). */
  scan(text: string): Span[] {
    const gen = ++this.generation === 0xffffffff ? this.resetStamps() : this.generation;
    const queued: number[] = [...this.always];
    this.automaton.scan(text, (k, end) => {
      for (const d of this.byKeyword[k]) {
        if (this.stamp[d] !== gen) {
          this.stamp[d] = gen;
          queued.push(d);
          if (this.detectors[d].findAt) this.starts[d].length = 0;
        }
        if (this.detectors[d].findAt) this.starts[d].push(end - this.keywordLength[k] + 1);
      }
    });
    if (queued.length === 0) return [];
    const spans: Span[] = [];
    for (const d of queued) {
      const det = this.detectors[d];
      if (det.findAt) {
        const starts = this.starts[d];
        if (starts.length > 1) starts.sort((a, b) => a - b);
        det.findAt(text, starts, spans);
      } else {
        det.find(text, spans);
      }
    }
    return mergeSpans(spans);
  }

  private resetStamps(): number {
    this.stamp.fill(0);
    this.generation = 1;
    return 1;
  }
}

function noop(): void {}

export function mergeSpans(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [{ ...spans[0] }];
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i];
    const last = out[out.length - 1];
    if (s.start < last.end) {
      if (s.end > last.end) last.end = s.end;
      if (last.kind === '' && s.kind !== '') last.kind = s.kind;
    } else {
      out.push({ ...s });
    }
  }
  return out;
}

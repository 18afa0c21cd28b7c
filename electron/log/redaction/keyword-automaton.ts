/**
 * Which of many keywords occur in a text, in one pass (Aho-Corasick, ASCII case-insensitive).
 *
 * This is the prefilter that keeps secret detection cheap on the ingest hot path, as gitleaks
 * does: every rule names keywords (`sk_live`, `ghp_`, `-----begin`, `password`...) and its regex
 * runs only on a text that contains one. With a few hundred keywords, testing each with
 * `includes` would read the text hundreds of times; the automaton reads it once, one table
 * lookup per character. The transition table is dense over the few characters keywords use
 * (any other character sends the automaton back to its root).
 */
export class KeywordAutomaton {
  private readonly symbol = new Uint8Array(128);
  private readonly alphabet: number;
  /** Transitions; states are stored pre-multiplied by the alphabet size (one add per character). */
  private readonly next: Int32Array;
  /** By pre-multiplied state: 1 when a keyword ends there. */
  private readonly hasOutput: Uint8Array;
  /** By pre-multiplied state: the ids of the keywords that end there (including via suffix links). */
  private readonly outputs = new Map<number, readonly number[]>();

  constructor(readonly keywords: readonly string[]) {
    let symbols = 1; // 0 = a character no keyword contains
    for (const k of keywords) {
      for (let i = 0; i < k.length; i++) {
        const c = lower(k.charCodeAt(i));
        if (c >= 128) throw new Error(`keyword ${JSON.stringify(k)}: only ASCII keywords are supported`);
        if (this.symbol[c] === 0) this.symbol[c] = symbols++;
      }
    }
    this.alphabet = symbols;
    // Build the trie.
    const goto: number[][] = [new Array<number>(symbols).fill(-1)];
    const out: number[][] = [[]];
    keywords.forEach((k, id) => {
      let s = 0;
      for (let i = 0; i < k.length; i++) {
        const a = this.symbol[lower(k.charCodeAt(i))];
        if (goto[s][a] < 0) {
          goto[s][a] = goto.length;
          goto.push(new Array<number>(symbols).fill(-1));
          out.push([]);
        }
        s = goto[s][a];
      }
      out[s].push(id);
    });
    // Breadth-first: failure links, folded into a complete transition table.
    const fail = new Array<number>(goto.length).fill(0);
    const queue: number[] = [];
    for (let a = 0; a < symbols; a++) {
      if (goto[0][a] < 0) goto[0][a] = 0;
      else queue.push(goto[0][a]);
    }
    while (queue.length > 0) {
      const s = queue.shift()!;
      out[s].push(...out[fail[s]]);
      for (let a = 0; a < symbols; a++) {
        const t = goto[s][a];
        if (t < 0) {
          goto[s][a] = goto[fail[s]][a];
        } else {
          fail[t] = goto[fail[s]][a];
          queue.push(t);
        }
      }
    }
    this.next = new Int32Array(goto.length * symbols);
    goto.forEach((row, s) => this.next.set(row.map((t) => t * symbols), s * symbols));
    this.hasOutput = new Uint8Array(goto.length * symbols);
    out.forEach((o, st) => {
      if (o.length === 0) return;
      this.hasOutput[st * symbols] = 1;
      this.outputs.set(st * symbols, [...new Set(o)]);
    });
    // Upper-case ASCII letters read as their lower-case symbol: no case test per character.
    for (let c = 65; c <= 90; c++) this.symbol[c] = this.symbol[c + 32];
  }

  /**
   * Calls `hit(id, end)` for each keyword occurrence, `end` being the index of its last
   * character (a keyword found twice is reported twice; callers keep their own "seen" marks).
   * Returns whether any keyword occurred.
   */
  scan(text: string, hit: (id: number, end: number) => void): boolean {
    const { symbol, next, outputs, hasOutput } = this;
    let s = 0;
    let any = false;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      s = next[s + (c < 128 ? symbol[c] : 0)];
      if (hasOutput[s] === 1) {
        const o = outputs.get(s)!;
        any = true;
        for (let j = 0; j < o.length; j++) hit(o[j], i);
      }
    }
    return any;
  }
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

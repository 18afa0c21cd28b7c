/**
 * Beacon's own detectors for multi-line key blocks: PEM (RSA, EC, DSA, OPENSSH, PKCS#8,
 * ENCRYPTED) and PGP private key blocks, and PuTTY .ppk files. gitleaks has a PEM rule, but it
 * wants the END line and 64 characters in between; an agent's tool output is often a preview
 * cut short, and a key split over a JSON string's `\n` escapes is still a key. Found with
 * indexOf rather than a lazy `[\s\S]*?`, which is quadratic when the END line is missing.
 */
import type { Detector, Span } from './detector';

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;

export const pemBlock: Detector = {
  id: 'beacon:private-key-block',
  keywords: ['-----begin'],
  find(text: string, out: Span[]): void {
    PEM_BEGIN.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = PEM_BEGIN.exec(text)) !== null) {
      const start = m.index;
      const endMarker = text.indexOf('-----END ', start + m[0].length);
      let stop: number;
      if (endMarker < 0) {
        stop = text.length; // cut short (a truncated preview): the rest is key material
      } else {
        const close = text.indexOf('-----', endMarker + 9);
        stop = close < 0 ? text.length : close + 5;
      }
      out.push({ start, end: stop, kind: 'private-key' });
      PEM_BEGIN.lastIndex = stop;
    }
  },
};

const PUTTY_BEGIN = /PuTTY-User-Key-File-\d+:/g;
/** The last line of a .ppk file: its MAC (v2, v3) or hash (v1). */
const PUTTY_END = /Private-(?:MAC|Hash):[ \t]*[0-9a-fA-F]*/g;

export const puttyKey: Detector = {
  id: 'beacon:putty-private-key',
  keywords: ['putty-user-key-file'],
  find(text: string, out: Span[]): void {
    PUTTY_BEGIN.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = PUTTY_BEGIN.exec(text)) !== null) {
      const start = m.index;
      PUTTY_END.lastIndex = start;
      const end = PUTTY_END.exec(text);
      const stop = end ? end.index + end[0].length : text.length;
      out.push({ start, end: stop, kind: 'private-key' });
      PUTTY_BEGIN.lastIndex = stop;
    }
  },
};

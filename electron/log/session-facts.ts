/**
 * What a session is called where a person must recognise it: a title from the first prompt, and
 * the repository from the git remote the agent recorded. Pure functions of event fields.
 */
import { TITLE_MAX } from '../shared/api';

/**
 * "Fix the flaky pytest suite" from "fix the flaky pytest suite\n\nIt fails on CI since...": the
 * first line, first letter up, cut at a word near TITLE_MAX. Null for empty text.
 */
export function titleFromPrompt(text: string): string | null {
  const line = text.split(/\r?\n/).map((l) => l.replace(/\s+/g, ' ').trim()).find(Boolean);
  if (!line) return null;
  let t = line;
  if (t.length > TITLE_MAX) {
    const cut = t.slice(0, TITLE_MAX - 1);
    // A word that ends exactly at the cut is whole: keep it.
    const space = t.charAt(TITLE_MAX - 1) === ' ' ? cut.length : cut.lastIndexOf(' ');
    t = `${space > TITLE_MAX / 2 ? cut.slice(0, space).trimEnd() : cut}…`;
  }
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** "acme/widgets" from https://github.com/acme/widgets.git, git@github.com:acme/widgets.git, ssh://git@host:22/acme/widgets; "widgets" from a local path. */
export function repositoryFromRemote(url: string): string | null {
  const clean = url.trim().replace(/\/+$/, '').replace(/\.git$/, '');
  let path: string;
  let hosted = true;
  const scp = /^[^/@]+@[^:/]+:(.+)$/.exec(clean);
  if (scp && !clean.includes('://')) path = scp[1];
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(clean)) {
    try {
      const u = new URL(clean);
      path = u.pathname;
      hosted = u.protocol !== 'file:';
    } catch {
      path = clean;
    }
  } else {
    path = clean; // a local path: its last segment is the name
    hosted = false;
  }
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return null;
  return parts.slice(hosted ? -2 : -1).join('/');
}

/** Small, locale-aware formatting helpers shared by the tray and the dashboard. */

const numberFormat = new Intl.NumberFormat('en-US');

export function formatNumber(n: number | null | undefined): string {
  return numberFormat.format(typeof n === 'number' && Number.isFinite(n) ? n : 0);
}

/** 1234 -> "1.2k", 2_500_000 -> "2.5M": for chart axes where space is short. */
export function formatCompact(n: number): string {
  if (n >= 1_000_000) return `${trim(n / 1_000_000)}M`;
  if (n >= 1_000) return `${trim(n / 1_000)}k`;
  return String(Math.round(n));
}

function trim(x: number): string {
  return x >= 100 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, '');
}

/** Durations as a person says them: "850 ms", "1.2 s", "3 min 4 s", "2 h 5 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1).replace(/\.0$/, '') : Math.round(s)} s`;
  const totalSeconds = Math.round(s);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) {
    const rest = totalSeconds % 60;
    return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  const restMin = minutes % 60;
  return restMin ? `${hours} h ${restMin} min` : `${hours} h`;
}

function toDate(ts: string | number | Date): Date | null {
  const d = ts instanceof Date ? ts : new Date(ts);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "14:03:22" for feed rows. */
export function formatClock(ts: string): string {
  const d = toDate(ts);
  return d ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }) : '';
}

/** "Nov 24, 14:03" for session lists. */
export function formatDateTime(ts: string): string {
  const d = toDate(ts);
  if (!d) return '';
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
}

/** "Nov 24, 14:03:22": where two sessions can start in the same minute. */
export function formatDateTimeSeconds(ts: string): string {
  const d = toDate(ts);
  if (!d) return '';
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** "just now", "5 min ago", "3 h ago", else a date. */
export function formatRelative(ts: string, now: number = Date.now()): string {
  const d = toDate(ts);
  if (!d) return '';
  const diff = now - d.getTime();
  if (diff < 45_000) return 'just now';
  if (diff < 3_600_000) return `${Math.round(diff / 60_000)} min ago`;
  if (diff < 86_400_000) return `${Math.round(diff / 3_600_000)} h ago`;
  return formatDateTime(ts);
}

/** Keep one line of text readable in a feed row. */
export function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Last path segment, for showing a working directory as a repository name. */
export function baseName(path: string | null | undefined): string {
  if (!path) return '';
  const parts = path.replace(/[\\/]+$/, '').split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/**
 * Watches the directories a telemetry guard names and re-checks after a change: a tamper event
 * within about a second of the edit, with no timer at all while nothing changes (the idle rule:
 * nothing faster than every 10 s). Directories, not files: editors and Beacon itself replace
 * config.toml atomically (write a temp file, rename it over), which ends a watch on the file.
 *
 * A directory that does not exist (no /etc/codex yet) is watched through its nearest existing
 * parent, so an admin creating it is still seen; after each check the watches are re-armed on
 * what exists now. Changes are debounced (an editor's save is several events) and checks never
 * overlap.
 */
import { watch, type FSWatcher } from 'node:fs';
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

export const DEBOUNCE_MS = 750;

export interface TamperWatchOptions {
  /** The directories to watch now (asked again after every check). */
  dirs(): Promise<readonly string[]>;
  /**
   * The files that matter (absolute). Changes to other entries of a watched directory are
   * ignored: Codex appends to history.jsonl and its logs in the same directory as config.toml.
   * Empty: every change counts.
   */
  files(): readonly string[];
  /** Run after a change settles. Must not throw. */
  onChange(): Promise<void>;
  warn(message: string): void;
  debounceMs?: number;
}

function nearestExisting(dir: string): string {
  let d = resolve(dir);
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

export class TamperWatch {
  private watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly opts: TamperWatchOptions) {}

  async start(): Promise<void> {
    await this.arm();
  }

  /** Re-check now (after a change, or when something else says the answer may differ). */
  kick(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), this.opts.debounceMs ?? DEBOUNCE_MS);
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        await this.opts.onChange();
        await this.arm();
      } catch (err) {
        this.opts.warn(`tamper watch: ${(err as Error).message}`);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.again && !this.closed) {
      this.again = false;
      this.kick();
    }
  }

  private relevant(dir: string, name: string | Buffer | null): boolean {
    const files = this.opts.files();
    if (!name || files.length === 0) return true;
    const p = join(dir, String(name));
    return files.some((f) => resolve(f) === p || resolve(f).startsWith(p + sep));
  }

  private async arm(): Promise<void> {
    if (this.closed) return;
    const wanted = new Set((await this.opts.dirs()).map(nearestExisting));
    for (const [dir, w] of this.watchers) {
      if (wanted.has(dir)) continue;
      w.close();
      this.watchers.delete(dir);
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (_kind, name) => {
          if (this.relevant(dir, name)) this.kick();
        });
        // The directory itself went away (or became unreadable): watch what is left, re-check.
        w.on('error', () => {
          w.close();
          this.watchers.delete(dir);
          this.kick();
        });
        this.watchers.set(dir, w);
      } catch (err) {
        this.opts.warn(`tamper watch: cannot watch ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; changes there are seen only at the next start or inventory`);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    await this.running;
  }
}

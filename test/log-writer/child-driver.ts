/** Builds and drives fixtures/writer-child.ts in a separate process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';

export async function bundleChild(outDir: string): Promise<string> {
  const outfile = join(outDir, 'writer-child.cjs');
  await build({ entryPoints: [join(__dirname, 'fixtures', 'writer-child.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent' });
  return outfile;
}

export interface ChildAnswer {
  // Answers are checked field by field in the tests; loosely typed on purpose.
  [key: string]: any;
}

export class WriterChild {
  private readonly answers: ChildAnswer[] = [];
  private readonly waiting: Array<(a: ChildAnswer) => void> = [];
  readonly exited: Promise<void>;

  private constructor(readonly proc: ChildProcess) {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const answer = JSON.parse(line) as ChildAnswer;
      const w = this.waiting.shift();
      if (w) w(answer);
      else this.answers.push(answer);
    });
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
  }

  /** Start `node script args...`, optionally under `prlimit <prlimitArgs>`. */
  static start(script: string, args: string[], prlimitArgs?: string[]): WriterChild {
    const argv = [script, ...args];
    const proc = prlimitArgs
      ? spawn('prlimit', [...prlimitArgs, process.execPath, ...argv], { stdio: ['pipe', 'pipe', 'inherit'] })
      : spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'inherit'] });
    return new WriterChild(proc);
  }

  next(): Promise<ChildAnswer> {
    const a = this.answers.shift();
    if (a) return Promise.resolve(a);
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.exited.then(() => reject(new Error('writer child exited')), () => undefined);
    });
  }

  send(cmd: object): Promise<ChildAnswer> {
    this.proc.stdin!.write(JSON.stringify(cmd) + '\n');
    return this.next();
  }

  async kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.exited;
  }
}

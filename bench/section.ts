/** What every bench section gets and gives back. */
import type { ResultRow } from './report';

export interface SectionContext {
  /** `--quick`: shorter windows and fewer repetitions (~45 s in all on our 2-core VM), same measurements. */
  quick: boolean;
  /** A private temp directory for this section, removed afterwards. */
  dir: string;
  /** Add a line to the results table. */
  add(row: ResultRow): void;
}

export interface Section {
  name: string;
  /** One line for `--help` and the progress log. */
  describe: string;
  run(ctx: SectionContext): Promise<void>;
}

/**
 * The import directions of design.md section 3 hold (scripts/check-imports.mjs), and the
 * checker really catches a violation (run on a small tree that has some).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { importViolations } from '../../scripts/check-imports.mjs';

const ROOT = join(__dirname, '..', '..');

describe('import directions', () => {
  it('no folder of electron/ imports one above it', () => {
    expect(importViolations(ROOT)).toEqual([]);
  });

  it('the checker reports upward imports, a harness folder imported past plugins/, electron outside main/preload, and unknown folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'beacon-imports-'));
    try {
      const put = (rel: string, text: string) => {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), text);
      };
      put('electron/collector/collector.ts', "import { CodexNormalizer } from '../codex/normalizer';\n");
      put('electron/log/writer.ts', "import { healthFileFor } from '../endpoint/paths';\nimport type { X } from '../shared/x';\n");
      put('electron/dashboard/server.ts', "import { app } from 'electron';\n// import { x } from '../cli/x';\n");
      put('electron/shared/x.ts', 'export type X = 1;\n');
      put('electron/toys/y.ts', "import { X } from '../shared/x';\n");
      put('electron/main/index.ts', "import { app } from 'electron';\nimport { t } from '../app/tray';\n");
      // Above plugins/ a harness is reached through the registry only (the config writer seam).
      put('electron/endpoint/lifecycle-install.ts', "import { applyInstall } from '../codex/config-apply';\nimport { HARNESSES } from '../plugins/harnesses';\n");
      put('electron/cli/commands/endpoint-inspect.ts', "import { discoverCodex } from '../../codex/discovery';\n");
      put('electron/plugins/harnesses.ts', "import { codexHarness } from '../codex/harness';\n");
      expect((importViolations(dir) as string[]).sort()).toEqual([
        "electron/cli/commands/endpoint-inspect.ts: imports '../../codex/discovery' (cli -> codex is not allowed)",
        "electron/collector/collector.ts: imports '../codex/normalizer' (collector -> codex is not allowed)",
        "electron/dashboard/server.ts: imports 'electron' (only electron/main and electron/preload may)",
        "electron/endpoint/lifecycle-install.ts: imports '../codex/config-apply' (endpoint -> codex is not allowed)",
        "electron/log/writer.ts: imports '../endpoint/paths' (log -> endpoint is not allowed)",
        'electron/toys/y.ts: folder electron/toys is not in the import rules (scripts/check-imports.mjs)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

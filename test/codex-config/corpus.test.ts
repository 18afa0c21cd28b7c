/**
 * Every config.toml in the corpus goes through install -> re-install -> uninstall (and the
 * variants a user hits: a remote [otel] that needs --force, edits made between install and
 * uninstall, a port change). What a user would notice: Codex still reads their settings, nothing
 * outside [otel] moved by a byte, and uninstall gives their file back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planInstall, planUninstall, type InstallRecord } from '../../electron/codex/config-editor';
import { DEFAULT_OTEL_SETTINGS, desiredOtelValue, renderOtelBlock, type OtelSettings } from '../../electron/codex/config-otel-block';
import { parseToml } from '../../electron/codex/config-toml-parse';
import { tomlEqual, withoutKey } from '../../electron/codex/config-toml-equal';

const DIR = join(__dirname, '..', 'fixtures', 'codex-configs');
const files = readdirSync(DIR).filter((f) => f.endsWith('.toml')).sort();
const S: OtelSettings = DEFAULT_OTEL_SETTINGS;

/** Fixtures whose own [otel] sends telemetry elsewhere: install must refuse without --force. */
const FOREIGN: Record<string, string> = {
  '08-otel-subtables-with-headers.toml': 'https://otel.example.com:4318/v1/logs',
  '09-remote-otel-inline.toml': 'https://collector.corp.example:4318/v1/logs',
  '29-crlf-with-remote-otel.toml': 'https://otel.example.com:4317',
  '30-agent-beacon-block.toml': 'http://127.0.0.1:4317',
  '31-remote-dotted-keys.toml': 'https://otel.example.com:4318/v1/logs',
};
/** Fixtures that already carry a Beacon block. */
const OURS = new Set(['10-already-ours.toml', '11-ours-other-port.toml', '36-ours-before-headers.toml']);

const read = (f: string) => readFileSync(join(DIR, f), 'utf8');
const eolOf = (t: string) => (/\r\n/.test(t.split('\n')[0] + '\n') ? '\r\n' : '\n');
const doc = (t: string) => parseToml(t);
const bomLen = (t: string) => (t.charCodeAt(0) === 0xfeff ? 1 : 0);

/** Remove each piece once, by plain string search (independent of the editor's own scanner). */
function without(text: string, pieces: string[]): string {
  let out = text;
  for (const p of pieces) {
    const i = out.indexOf(p);
    expect(i, `piece not found: ${JSON.stringify(p)}`).toBeGreaterThanOrEqual(0);
    out = out.slice(0, i) + out.slice(i + p.length);
  }
  return out;
}

function install(text: string, settings: OtelSettings, force: boolean, previous?: InstallRecord) {
  const plan = planInstall(text, settings, { force, previous });
  if (plan.kind !== 'write') throw new Error(`expected a write, got ${JSON.stringify(plan)}`);
  return plan;
}

it('the corpus is large enough to mean something', () => {
  expect(files.filter((f) => !f.startsWith('invalid-')).length).toBeGreaterThanOrEqual(30);
  expect(files.filter((f) => f.startsWith('invalid-')).length).toBeGreaterThanOrEqual(5);
});

describe.each(files.filter((f) => f.startsWith('invalid-')))('invalid TOML %s', (file) => {
  it('is refused with the line of the problem, nothing to write', () => {
    const plan = planInstall(read(file), S, { force: true });
    expect(plan.kind).toBe('refuse');
    if (plan.kind !== 'refuse') return;
    expect(plan.code).toBe('invalid-toml');
    expect(plan.reason).toMatch(/^config\.toml is not valid TOML \(line \d+: [^\n]+\); fix it first, Beacon did not change it$/);
  });
});

describe.each(files.filter((f) => !f.startsWith('invalid-') && !OURS.has(f)))('%s', (file) => {
  const original = read(file);
  const eol = eolOf(original);
  const block = renderOtelBlock(S, eol);
  const foreign = FOREIGN[file];

  it(foreign ? 'is refused without --force, naming where it exports' : 'installs without --force', () => {
    const plan = planInstall(original, S, { force: false, fileLabel: '~/.codex/config.toml' });
    if (foreign) {
      expect(plan.kind).toBe('refuse');
      if (plan.kind === 'refuse') {
        expect(plan.code).toBe('foreign-otel');
        expect(plan.reason).toContain(`~/.codex/config.toml already exports Codex telemetry to ${foreign}`);
        expect(plan.reason).toContain('rerun with --force');
      }
    } else {
      expect(plan.kind).toBe('write');
    }
  });

  it('install writes exactly our otel and keeps every other byte', () => {
    const plan = install(original, S, true);
    const after = plan.newText;
    // Codex will read our settings and all of the user's others.
    expect(tomlEqual(doc(after).otel, desiredOtelValue(S))).toBe(true);
    expect(tomlEqual(withoutKey(doc(after), 'otel'), withoutKey(doc(original), 'otel'))).toBe(true);
    // Byte level: our block out, the user's old otel pieces out -> the same text.
    const userOtelPieces = plan.record.replacedOtel?.ranges.map((r) => r.text) ?? [];
    const hadOtel = doc(original).otel !== undefined;
    expect(plan.replaced !== undefined).toBe(hadOtel);
    const prefix = plan.record.appendedPrefix ?? '';
    expect(['', eol, eol + eol]).toContain(prefix);
    expect(without(after, [prefix + block])).toBe(without(original, userOtelPieces));
    if (!hadOtel) expect(after).toBe(original + prefix + block);
    // The file's own conventions.
    expect(after.charCodeAt(0) === 0xfeff).toBe(original.charCodeAt(0) === 0xfeff);
    if (eol === '\r\n') expect(block.split('\r\n').length).toBeGreaterThan(5);
    expect(after.includes(block)).toBe(true);
    expect(plan.record.before).toBe(original);
    expect(plan.record.after).toBe(after);
  });

  it('a second install changes nothing, with or without the record', () => {
    const first = install(original, S, true);
    expect(planInstall(first.newText, S, { force: false, previous: first.record }).kind).toBe('unchanged');
    expect(planInstall(first.newText, S, { force: false }).kind).toBe('unchanged');
  });

  it('uninstall right after install gives back the exact bytes', () => {
    const first = install(original, S, true);
    const un = planUninstall(first.newText, first.record);
    expect(un).toMatchObject({ kind: 'write', exact: true });
    if (un.kind === 'write') expect(un.newText).toBe(original);
  });

  it('re-install on another port with spans, then uninstall, gives back the original (not our older block)', () => {
    const first = install(original, S, true);
    const S2: OtelSettings = { ...S, port: 14318, includeSpans: true, logUserPrompt: false };
    const second = install(first.newText, S2, false, first.record);
    expect(second.updatedOwnBlock).toBe(true);
    expect(second.record.before).toBe(original);
    expect(tomlEqual(doc(second.newText).otel, desiredOtelValue(S2))).toBe(true);
    const un = planUninstall(second.newText, second.record);
    expect(un.kind).toBe('write');
    if (un.kind === 'write') expect(un.newText).toBe(original);
  });

  it("Beacon's block hand-edited to port 9999: a re-install fixes it without --force and never records it as the user's", () => {
    const first = install(original, S, true);
    const drifted = first.newText.replace('127.0.0.1:4318/v1/logs', '127.0.0.1:9999/v1/logs');
    expect(drifted).not.toBe(first.newText);
    for (const force of [false, true]) {
      const again = install(drifted, S, force, first.record);
      expect(again.newText).toBe(first.newText);
      expect(again.record.before).toBe(original);
      expect(again.record.replacedOtel?.text).toBe(first.record.replacedOtel?.text);
      expect(again.notes.join('\n')).toContain('had been edited');
      expect(planUninstall(again.newText, again.record)).toMatchObject({ kind: 'write', exact: true, newText: original });
    }
    // Uninstall straight from the drifted file: the file as it was before the first install.
    expect(planUninstall(drifted, first.record)).toMatchObject({ kind: 'write', exact: true, newText: original });
  });

  it('an [otel] of their own written since install is replaced only with --force, and uninstall still gives back the pre-install file', () => {
    const first = install(original, S, true);
    const theirs = '[otel]\nexporter = { otlp-http = { endpoint = "https://elsewhere.example/v1/logs", protocol = "binary" } }\n';
    const ranges = first.newText.indexOf(block);
    const replacedByUser = first.newText.slice(0, ranges) + theirs.replace(/\n/g, eol) + first.newText.slice(ranges + block.length);
    const refused = planInstall(replacedByUser, S, { force: false, previous: first.record, forceHint: 'run `beacon endpoint repair --force`' });
    expect(refused.kind).toBe('refuse');
    if (refused.kind === 'refuse') expect(refused.reason).toMatch(/has an \[otel\] table of its own since Beacon's install, exporting Codex telemetry to https:\/\/elsewhere\.example\/v1\/logs.*run `beacon endpoint repair --force` to replace it/);
    const forced = install(replacedByUser, S, true, first.record);
    expect(forced.record.before).toBe(original);
    expect(planUninstall(forced.newText, forced.record)).toMatchObject({ kind: 'write', exact: true, newText: original });
  });

  it("user edits made after install survive uninstall, and the user's otel comes back", () => {
    const first = install(original, S, true);
    // The user adds a comment at the top and a table at the end.
    const b = bomLen(first.newText);
    const head = `# edited after install${eol}`;
    const tail = `${eol}[beacon_test_added]${eol}added = "yes"${eol}`;
    const edited = first.newText.slice(0, b) + head + first.newText.slice(b) + tail;
    const un = planUninstall(edited, first.record);
    expect(un.kind).toBe('write');
    if (un.kind !== 'write') return;
    expect(un.exact).toBe(false);
    const result = doc(un.newText);
    expect(tomlEqual(result.otel, doc(original).otel)).toBe(true);
    expect(tomlEqual(withoutKey(result, 'otel'), withoutKey(doc(edited), 'otel'))).toBe(true);
    expect(un.newText.startsWith(original.slice(0, b) + head)).toBe(true);
    expect(un.newText.endsWith(tail)).toBe(true);
    // Nothing of ours is left.
    expect(un.newText).not.toContain('managed by beacon');
    // Whatever Beacon added or removed is undone: the original plus the user's two edits.
    const originalPlusEdits = original.slice(0, b) + head + original.slice(b);
    const normalizedTail = originalPlusEdits.endsWith('\n') || originalPlusEdits.length === b + head.length ? originalPlusEdits + tail : originalPlusEdits + eol + tail;
    expect(un.newText).toBe(normalizedTail);
  });
});

describe('files that already carry a Beacon block', () => {
  it('an identical block is left alone (idempotent), and uninstall without a record removes it', () => {
    const text = read('10-already-ours.toml');
    expect(planInstall(text, S, { force: false })).toMatchObject({ kind: 'unchanged', managedByBeacon: true });
    const un = planUninstall(text, null);
    expect(un.kind).toBe('write');
    if (un.kind === 'write') {
      expect(un.newText).toBe('model = "gpt-5.5"\n');
      expect(doc(un.newText).otel).toBeUndefined();
    }
  });

  it('a block of ours with another port and spans is updated in place without --force', () => {
    const text = read('11-ours-other-port.toml');
    const plan = planInstall(text, S, { force: false });
    expect(plan.kind).toBe('write');
    if (plan.kind !== 'write') return;
    expect(plan.updatedOwnBlock).toBe(true);
    expect(plan.replaced).toBeUndefined();
    expect(tomlEqual(doc(plan.newText).otel, desiredOtelValue(S))).toBe(true);
    expect(plan.newText).toContain('[tui]\nnotifications = ["agent-turn-complete"]\n');
    expect(doc(plan.record.before ?? '').otel).toBeUndefined();
  });
});

describe("a block written by Beacon before `headers = {}` (Codex 0.44-0.58 refuse it)", () => {
  const legacy = read('36-ours-before-headers.toml');
  const original = legacy.slice(0, legacy.indexOf('[otel]')).replace(/\n\n$/, '\n');
  const before = planInstall(original, S, { force: false });
  /** What the older Beacon recorded in its install manifest when it appended its block. */
  const oldRecord: InstallRecord = { version: 1, before: original, after: legacy, appendedPrefix: '\n' };

  it('the fixture is exactly the old block appended to the user file', () => {
    expect(legacy).toBe(original + '\n' + renderOtelBlock(S, '\n', 'pre-headers'));
    expect(before.kind === 'write' && before.newText).toBe(original + '\n' + renderOtelBlock(S));
  });

  it('is upgraded in place without --force, even with no install record', () => {
    const plan = install(legacy, S, false);
    expect(plan.updatedOwnBlock).toBe(true);
    expect(plan.replaced).toBeUndefined();
    expect(plan.newText).toBe(original + '\n' + renderOtelBlock(S));
    expect(doc(plan.newText).otel).toMatchObject({ exporter: { 'otlp-http': { headers: {} } }, metrics_exporter: { 'otlp-http': { headers: {} } } });
    expect(doc(plan.record.before ?? '').otel).toBeUndefined();
  });

  it("with the old install's record: upgrade, then uninstall gives back the file from before the FIRST install", () => {
    const plan = install(legacy, S, false, oldRecord);
    expect(plan.record.before).toBe(original);
    const un = planUninstall(plan.newText, plan.record);
    expect(un).toMatchObject({ kind: 'write', exact: true });
    if (un.kind === 'write') expect(un.newText).toBe(original);
  });

  it('uninstall without any record still recognises it as ours and removes only it', () => {
    const un = planUninstall(legacy, null);
    expect(un.kind).toBe('write');
    if (un.kind === 'write') expect(un.newText).toBe(original);
  });

  it("a user's own table of the same shape, without our marker, is theirs and left alone", () => {
    const users = legacy.replace(/^# managed by beacon.*\n/m, '');
    expect(planInstall(users, S, { force: false })).toMatchObject({ kind: 'unchanged', managedByBeacon: false });
  });
});

describe('specific layouts', () => {
  it('[otel] inside multi-line strings is text, not a table: the block is appended, the strings untouched', () => {
    for (const f of ['14-multiline-basic-string-with-otel.toml', '15-multiline-literal-string-with-otel.toml', '28-multiline-arrays-inline-tables.toml']) {
      const text = read(f);
      const plan = install(text, S, false);
      expect(plan.replaced).toBeUndefined();
      expect(plan.newText.startsWith(text)).toBe(true);
    }
  });

  it('a section with a trailing header comment is replaced in place; the comments after it stay', () => {
    const plan = install(read('23-otel-in-middle-with-comments.toml'), S, false);
    expect(plan.newText).toBe(
      'model = "gpt-5.5"\n\n# --- telemetry ---\n' +
        renderOtelBlock(S) +
        '# exporter = { otlp-http = { endpoint = "http://old/v1/logs", protocol = "binary" } }\n\n# --- history ---\n[history]\npersistence = "none"\n',
    );
  });

  it('dotted otel keys at the top level are removed and the block goes to the end (a header there would capture later keys)', () => {
    const plan = install(read('06-dotted-otel-keys.toml'), S, false);
    expect(plan.newText).toBe('model = "gpt-5.5"\n\n[tui]\nanimations = false\n\n' + renderOtelBlock(S));
  });

  it('a CRLF file gets a CRLF block and no bare LF', () => {
    const plan = install(read('03-crlf.toml'), S, false);
    expect(plan.newText).not.toMatch(/[^\r]\n/);
  });

  it('a file without a final newline gets one separator, and uninstall takes it away again', () => {
    const text = read('05-no-final-newline.toml');
    const plan = install(text, S, false);
    expect(plan.newText).toBe(text + '\n\n' + renderOtelBlock(S));
    expect(plan.record.appendedPrefix).toBe('\n\n');
    const edited = '# hi\n' + plan.newText;
    const un = planUninstall(edited, plan.record);
    expect(un.kind === 'write' && un.newText).toBe('# hi\n' + text);
  });

  it('legacy [profiles.x.otel] is left alone (Codex 0.169 ignores it) and the root block is added', () => {
    const text = read('21-profiles-legacy.toml');
    const plan = install(text, S, false);
    expect(plan.newText.startsWith(text)).toBe(true);
    expect((doc(plan.newText).profiles as Record<string, Record<string, unknown>>).work.otel).toEqual({ environment: 'work' });
  });
});

describe('uninstall edge cases', () => {
  it("a block the user edited is still Beacon's (its marker says so): uninstall takes it out and says it had been edited", () => {
    const original = read('01-minimal-model.toml');
    const plan = install(original, S, false);
    const edited = plan.newText.replace('environment = "dev"', 'environment = "mine"');
    const un = planUninstall(edited, plan.record);
    expect(un).toMatchObject({ kind: 'write', exact: true, newText: original });
    if (un.kind === 'write') expect(un.notes.join('\n')).toMatch(/had been edited since Beacon wrote it \(it was \[otel\].*environment "mine"/);
  });

  it("an unmarked [otel] the user wrote after install is theirs: uninstall leaves it, says so, and names what the file had before", () => {
    const plan = install(read('01-minimal-model.toml'), S, false);
    const theirs = plan.newText.replace(/\[otel\][^]*$/, '[otel]\nexporter = { otlp-http = { endpoint = "https://otel.example.com/v1/logs", protocol = "json" } }\n');
    const un = planUninstall(theirs, plan.record);
    expect(un.kind).toBe('conflict');
    if (un.kind === 'conflict') expect(un.reason).toMatch(/no longer Beacon's block \(its marker comment is gone.*left it in place as yours\. Before install the file had no \[otel\] table/);
  });

  it('without the manifest, an edited marked block is left by uninstall (what it replaced is unknown) but replaced by install', () => {
    const plan = install(read('01-minimal-model.toml'), S, false);
    const edited = plan.newText.replace(':4318/v1/logs', ':9999/v1/logs');
    expect(planUninstall(edited, null).kind).toBe('conflict');
    const again = planInstall(edited, S, { force: false });
    expect(again.kind).toBe('write');
    if (again.kind !== 'write') return;
    expect(again.replaced).toBeUndefined();
    expect(again.record.before).toBe(read('01-minimal-model.toml'));
    expect(again.newText).toBe(plan.newText);
  });

  it('a file created by install is deleted by uninstall; with user additions only our block goes', () => {
    const plan = planInstall(null, S, { force: false });
    expect(plan.kind).toBe('write');
    if (plan.kind !== 'write') return;
    expect(plan.created).toBe(true);
    expect(plan.newText).toBe(renderOtelBlock(S));
    expect(planUninstall(plan.newText, plan.record)).toMatchObject({ kind: 'delete', exact: true });
    const un = planUninstall('model = "o3"\n' + plan.newText, plan.record);
    expect(un.kind === 'write' && un.newText).toBe('model = "o3"\n');
  });

  it('a block the user already removed: nothing to do', () => {
    const plan = install(read('01-minimal-model.toml'), S, false);
    expect(planUninstall('model = "gpt-5.5"\n', plan.record).kind).toBe('unchanged');
  });

  it('a user [otel] that is not ours is never removed without a record', () => {
    expect(planUninstall(read('09-remote-otel-inline.toml'), null).kind).toBe('unchanged');
  });

  it('invalid TOML at uninstall time is refused', () => {
    const plan = install(read('01-minimal-model.toml'), S, false);
    const un = planUninstall(plan.newText + 'broken = \n', plan.record);
    expect(un.kind).toBe('refuse');
  });
});

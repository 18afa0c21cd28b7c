/**
 * Codex's config writer (shared/harness-config.ts): the endpoint commands' one way into Codex's
 * config files. A thin adapter over the TOML editor (config-editor.ts, config-apply.ts) and
 * inspector (config-inspect.ts): it chooses the files, words the plan for the install report, and
 * turns the editor's InstallRecord into the opaque record the manifest stores. No TOML logic here.
 *
 * Profile files ($CODEX_HOME/NAME.config.toml, read by `codex --profile NAME`) override [otel]
 * when they have their own table. Decision: a profile file WITH an [otel] table gets our block
 * too (its own table is restored by uninstall); a profile file without one is left alone, because
 * the user config's [otel] already applies to it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigApplyResult, ConfigFileRole, ConfigInstallPlan, ConfigInstallRecord, ConfigTarget, ConfigUninstallResult, HarnessConfigWriter } from '../shared/harness-config';
import { codexHome, type Mode, type PathEnv } from '../shared/paths';
import { applyInstall, applyUninstall, listProfileConfigs, type ApplyInstallResult } from './config-apply';
import { planInstall, type InstallPlan, type InstallRecord } from './config-editor';
import { inspectOtel } from './config-inspect';
import { codexTelemetryStatus } from './config-status';
import { findOtelRanges, scanStatements } from './config-toml-layout';

/** The manifest keeps the editor's record as JSON; only this file turns it back into one. */
const toRecord = (r: InstallRecord): ConfigInstallRecord => r as unknown as ConfigInstallRecord;
const fromRecord = (r: ConfigInstallRecord | null | undefined): InstallRecord | null => (r ?? null) as unknown as InstallRecord | null;

/** The Codex config file Beacon edits: the user's config.toml, /etc/codex/config.toml, or requirements.toml (--enforce). */
export function codexMainConfig(mode: Mode, env: PathEnv, enforce = false): { path: string; role: ConfigFileRole } {
  const home = codexHome(mode, env);
  if (mode === 'system' && enforce) return { path: join(home, 'requirements.toml'), role: 'requirements' };
  return { path: join(home, 'config.toml'), role: mode === 'user' ? 'user-config' : 'system-config' };
}

function describePlan(plan: InstallPlan): ConfigInstallPlan {
  if (plan.kind !== 'write') return plan.kind === 'refuse' ? { kind: 'refuse', reason: plan.reason } : { kind: 'unchanged', message: plan.message };
  const description = plan.created
    ? 'create with the [otel] block'
    : plan.updatedOwnBlock
      ? "update Beacon's [otel] block"
      : plan.replaced
        ? `replace the user's [otel] (${plan.replaced.summary}); uninstall restores it`
        : 'add the [otel] block';
  return { kind: 'write', newText: plan.newText, created: plan.created, description, notes: plan.notes, record: toRecord(plan.record) };
}

function applied(r: ApplyInstallResult): ConfigApplyResult {
  return {
    outcome: r.outcome,
    path: r.path,
    writtenText: r.outcome !== 'refused' && r.plan.kind === 'write' ? r.plan.newText : undefined,
    record: r.record ? toRecord(r.record) : undefined,
    reason: r.reason,
    notes: r.plan.kind === 'write' ? r.plan.notes : [],
  };
}

function otelSection(text: string | null): string[] {
  if (!text) return [];
  try {
    const ranges = findOtelRanges(scanStatements(text));
    return ranges
      .map((r) => text.slice(r.start, r.end))
      .join('')
      .replace(/\r\n/g, '\n')
      .split('\n')
      .filter((l, i, a) => !(i === a.length - 1 && l === ''));
  } catch {
    return [];
  }
}

/** A short diff of the otel section: removed lines with '-', added with '+', shared with ' '. */
export function otelDiff(before: string | null, after: string): string {
  const a = otelSection(before);
  const b = otelSection(after);
  const inB = new Set(b);
  const inA = new Set(a);
  const lines = [...a.filter((l) => !inB.has(l)).map((l) => `- ${l}`), ...b.map((l) => (inA.has(l) ? `  ${l}` : `+ ${l}`))];
  return lines.join('\n');
}

export const codexConfigWriter: HarnessConfigWriter = {
  settingsName: '[otel]',
  configDir: (mode, env) => codexHome(mode, env),
  mainConfig: (mode, env, opts) => codexMainConfig(mode, env, !!opts?.enforce),
  async targets(mode, env, opts) {
    const main = codexMainConfig(mode, env, !!opts?.enforce);
    const out: ConfigTarget[] = [{ path: main.path, role: main.role, label: main.path }];
    if (mode === 'user') {
      for (const p of await listProfileConfigs(codexHome(mode, env))) {
        const text = await readFile(p.path, 'utf8').catch(() => '');
        const insp = inspectOtel(text);
        if (insp.parsed && insp.present) out.push({ path: p.path, role: 'profile', profile: p.name, label: `${p.path} (profile ${p.name})` });
      }
    }
    return out;
  },
  planInstall: (text, desired, opts) => describePlan(planInstall(text, desired, { force: opts.force, previous: fromRecord(opts.previous), fileLabel: opts.fileLabel, forceHint: opts.forceHint })),
  applyInstall: async (path, desired, opts) => applied(await applyInstall(path, desired, { ...opts, previous: fromRecord(opts.previous) })),
  applyRepair: async (path, desired, record, opts) => applied(await applyInstall(path, desired, { ...opts, previous: fromRecord(record) })),
  async applyUninstall(path, record, opts): Promise<ConfigUninstallResult> {
    const r = await applyUninstall(path, fromRecord(record), opts);
    return { outcome: r.outcome, path: r.path, reason: r.reason, notes: r.notes, restoredUserSettings: r.plan?.kind === 'write' && r.plan.restoredUserOtel };
  },
  diff: otelDiff,
  inspect: (text, target) => inspectOtel(text, target),
  telemetryStatus: (opts) => codexTelemetryStatus(opts),
};

/**
 * GET /api/findings against a real runtime.jsonl: findings newest first with their rule, MITRE
 * and OWASP ids and triggering event ids, counts by severity, the min_severity filter, a clear
 * 400 for a bad severity, Beacon's tamper / collector.died signals, and a finding appended to
 * the log while the dashboard runs.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FindingsResponse } from '../../electron/shared/api';
import { startDashboard } from '../../electron/dashboard/server';
import { toJsonl } from '../log-reader/make-events';
import { tempDir, waitFor } from '../log-reader/helpers';
import { get } from './http';
import { findingsLog, SESSION_A } from '../posture/findings-log';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function start(text: string) {
  const t = tempDir('beacon-dash-findings-');
  cleanups.push(t.cleanup);
  const log = join(t.dir, 'runtime.jsonl');
  writeFileSync(log, text);
  const dash = await startDashboard({ port: 0, logPath: log });
  cleanups.push(() => dash.close());
  const headers = { host: `127.0.0.1:${dash.port}`, authorization: `Bearer ${dash.token}` };
  const api = async (path: string, status = 200) => {
    const res = await get(dash.port, path, headers);
    expect(res.status, res.body).toBe(status);
    return res.json<FindingsResponse & { error?: string }>();
  };
  return { log, api };
}

describe('/api/findings', () => {
  it('lists findings newest first with counts, filters by minimum severity, and shows tamper and died signals', async () => {
    const { events, curlIds } = findingsLog();
    const { api, log } = await start(toJsonl(events));
    const all = await api('/api/findings');
    expect(all.findings.map((r) => r.event.finding!.rule_id)).toEqual(['remote-script-piped-to-shell', 'ssh-key-read', 'git-force-push', 'ci-workflow-edited']);
    expect(all.findings[0].event).toMatchObject({ severity: 'critical', session: { id: SESSION_A }, finding: { mitre: ['T1059.004', 'T1105'], owasp: ['ASI02'], event_ids: curlIds } });
    expect(all.by_severity).toEqual({ info: 0, low: 0, medium: 1, high: 2, critical: 1 });
    expect(all.total_matched).toBe(4);
    expect(all.signals.map((r) => r.event.event.action)).toEqual(['tamper.otel_removed', 'collector.died']);

    const high = await api('/api/findings?min_severity=high');
    expect(high.findings.map((r) => r.event.severity)).toEqual(['critical', 'high', 'high']);
    expect(high.by_severity.medium).toBe(1); // the counts are the whole log's, for the filter's labels
    expect((await api('/api/findings?session=' + SESSION_A)).findings).toHaveLength(2);
    expect((await api('/api/findings?limit=1')).findings).toHaveLength(1);

    const bad = await api('/api/findings?min_severity=severe', 400);
    expect(bad.error).toMatch(/min_severity must be one of info, low, medium, high, critical/);

    // A finding written while the dashboard runs shows up.
    const late = { ...events[events.length - 1], timestamp: new Date().toISOString(), event: { ...events[events.length - 1].event, id: 'late-1' }, finding: { ...events[events.length - 1].finding!, rule_id: 'late-rule' } };
    appendFileSync(log, JSON.stringify(late) + '\n');
    await waitFor(async () => (await api('/api/findings')).findings[0]?.event.finding?.rule_id === 'late-rule' || undefined, 'the appended finding');
  });

  it('a log without findings answers empty lists and zero counts', async () => {
    const { events } = findingsLog();
    const { api } = await start(toJsonl(events.filter((e) => e.event.action !== 'finding.detected' && !e.event.action.startsWith('tamper.') && e.event.action !== 'collector.died')));
    const r = await api('/api/findings');
    expect(r).toMatchObject({ findings: [], signals: [], total_matched: 0, by_severity: { critical: 0, high: 0 } });
  });
});

/**
 * Sentences for the events Beacon writes itself (findings, tamper, collector lifecycle,
 * inventory), for the feeds and session stories (story.ts asks here before its default).
 */
import type { BeaconEvent } from '../../../electron/shared/event';
import { truncate } from './format';
import type { Story, StoryPart, Tone } from './story';

function story(icon: string, tone: Tone, parts: StoryPart[], sub?: string): Story {
  return { icon, tone, parts, sub, plain: parts.map((p) => p.text).join('') };
}

export function signalStory(e: BeaconEvent): Story | undefined {
  const action = e.event?.action ?? '';
  const detail = typeof e.posture?.detail === 'string' ? e.posture.detail : e.message;
  if (action === 'finding.detected' && e.finding) {
    const f = e.finding;
    const bad = f.severity === 'high' || f.severity === 'critical';
    const ids = [f.rule_id, ...f.mitre, ...f.owasp].join(' · ');
    return story('⚑', bad ? 'bad' : 'warn', [{ kind: 'status', tone: bad ? 'bad' : 'warn', text: `Finding (${f.severity}): ` }, { kind: 'text', text: f.title }], ids);
  }
  if (action === 'tamper.otel_restored') return story('✓', 'ok', [{ kind: 'status', tone: 'ok', text: 'Telemetry restored: ' }, { kind: 'text', text: truncate(detail ?? action, 240) }]);
  if (action.startsWith('tamper.')) return story('!', 'bad', [{ kind: 'status', tone: 'bad', text: 'Telemetry tampering: ' }, { kind: 'text', text: truncate(detail ?? action, 240) }]);
  if (action === 'collector.died') return story('!', 'warn', [{ kind: 'status', tone: 'warn', text: 'Collector died: ' }, { kind: 'text', text: truncate(detail ?? '', 240) }]);
  if (action === 'collector.started') return story('i', 'neutral', [{ kind: 'text', text: e.message ?? 'Beacon collector started' }]);
  if (action === 'collector.stopped') return story('i', 'neutral', [{ kind: 'text', text: e.message ?? 'Beacon collector stopped' }]);
  if (action === 'posture.inventory') return story('i', 'neutral', [{ kind: 'text', text: 'Inventory: ' }, { kind: 'text', text: truncate(detail ?? '', 240) }]);
  return undefined;
}

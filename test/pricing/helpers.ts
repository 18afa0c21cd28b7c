/** Token usage events shaped like the Codex normalizer writes them (disjoint counts). */
import type { BeaconEvent } from '../../electron/shared/event';
import { categoryForAction } from '../../electron/shared/event';

export interface Counts {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  cacheWrite?: number;
}

export function usageEvent(model: string | undefined, c: Counts, timestamp = '2026-12-01T10:00:00.000Z'): BeaconEvent {
  return {
    timestamp,
    vendor: 'beacon',
    product: 'endpoint-agent',
    schema_version: '1.0',
    event: { kind: 'agent_runtime', action: 'token.usage', category: categoryForAction('token.usage') },
    severity: 'info',
    endpoint: { os: 'linux' },
    harness: { name: 'codex_cli' },
    session: { id: 's1' },
    gen_ai: {
      usage: {
        input_tokens: c.input,
        cached_input_tokens: c.cached,
        output_tokens: c.output,
        reasoning_output_tokens: c.reasoning,
        total_tokens: c.input + c.cached + c.output + c.reasoning,
        ...(c.cacheWrite !== undefined ? { cache_write_input_tokens: c.cacheWrite } : {}),
      },
      ...(model ? { request: { model } } : {}),
    },
  };
}

/**
 * What the `metadata` content policy keeps of an OTLP record's (or resource's) attributes in
 * `raw.attributes`: numbers, booleans, and the strings of attributes known to be metadata
 * (ids, names, versions, decisions, counts, the CI run context). Every other string, at any
 * depth (a custom attribute, a value in a nested kvlist or an array, a resource attribute), is
 * removed and fingerprinted in `content.withheld["raw.attributes.<key>"]` = {length, sha256}.
 * An allowlist, not a list of known text fields: an attribute Beacon has never seen is
 * withheld until someone decides it is metadata.
 */
import type { AnyValue, Attributes } from '../shared/otlp-types';
import { fingerprintValue, policeText, type PolicyState, TEXT_LIMIT } from './policy-walk';

/** String attributes Codex (0.169), the OTel SDK and Beacon's CI context send that are not user text. */
const METADATA_KEYS = new Set([
  'event.name', 'event.timestamp', 'event.kind', 'conversation.id', 'app.version', 'originator', 'terminal.type',
  'model', 'slug', 'agent.type', 'agent_name', 'agent_type', 'approval_policy', 'sandbox_policy', 'provider_name',
  'model_reasoning_effort', 'reasoning_effort', 'reasoning_summary', 'model_reasoning_summary', 'context_window',
  'config.legacy_multi_agent_disabled_sources', 'call_id', 'decision', 'source', 'duration_ms', 'endpoint',
  'item.id', 'turn.id', 'root.turn.id', 'mcp_server', 'mcp_server_origin', 'mcp_servers', 'startup.phase',
  'startup.status', 'success', 'tool_name', 'tool_namespace', 'auth_mode', 'user.account_id', 'user.email',
  'http.response.status_code', 'attempt', 'kind', 'error.type', 'output_truncated', 'response_truncated',
  'input_token_count', 'output_token_count', 'cached_token_count', 'reasoning_token_count', 'tool_token_count',
  'cache_write_token_count', 'prompt_length', 'response_length', 'ttft_ms', 'tool_result_seq',
  // resource
  'service.name', 'service.version', 'service.namespace', 'service.instance.id', 'host.name', 'host.arch', 'host.id',
  'os.type', 'os.version', 'os.name', 'env', 'deployment.environment', 'deployment.environment.name',
  'telemetry.sdk.name', 'telemetry.sdk.language', 'telemetry.sdk.version', 'process.pid', 'process.runtime.name',
  'process.runtime.version', 'beacon.origin',
]);
/** Error messages are diagnostics ("http 500"): kept as the typed `error.message` is (masked, cut). */
const DIAGNOSTIC_KEYS = new Set(['error.message']);
/** A kept metadata string longer than this is cut: an id or a name is never this long. */
const METADATA_STRING_LIMIT = 256;

function isMetadataKey(key: string): boolean {
  return METADATA_KEYS.has(key) || key.startsWith('beacon.run.') || key.startsWith('github.');
}

function holdsString(v: AnyValue): boolean {
  if (typeof v === 'string') return true;
  if (Array.isArray(v)) return v.some(holdsString);
  if (v !== null && typeof v === 'object') return Object.values(v).some(holdsString);
  return false;
}

/** The attributes the metadata policy keeps (a new object when anything was removed or masked). */
export function metadataAttributes(attrs: Attributes, st: PolicyState): Attributes {
  let out: Attributes | undefined;
  for (const key in attrs) {
    const v = attrs[key];
    if (v === null || typeof v === 'number' || typeof v === 'boolean') continue;
    if (typeof v === 'string' && (isMetadataKey(key) || DIAGNOSTIC_KEYS.has(key))) {
      const kept = policeText(v, st, DIAGNOSTIC_KEYS.has(key) ? TEXT_LIMIT : METADATA_STRING_LIMIT);
      if (kept !== v) (out ??= { ...attrs })[key] = kept;
      continue;
    }
    if (!holdsString(v)) continue; // an array or kvlist of numbers and booleans only
    out ??= { ...attrs };
    delete out[key];
    st.withheld[`raw.attributes.${policeText(key, st)}`] = fingerprintValue(v, st);
  }
  return out ?? attrs;
}

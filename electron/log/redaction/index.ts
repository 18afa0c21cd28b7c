/**
 * Secret redaction: gitleaks' published rule set plus Beacon's own rules, applied to every
 * string Beacon writes (see redact-text.ts for how, docs/decisions.md for why this set).
 */
export { REDACTED, redactText, setSecretDetectionForBenchmark, type RedactResult } from './redact-text';
export { isSecretKeyName, isSecretValueForKey, redactValue } from './redact-value';
export { GITLEAKS_SOURCE } from './gitleaks';

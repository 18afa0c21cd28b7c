/**
 * Secret redaction: gitleaks' published rule set plus Beacon's own rules, applied to every
 * string Beacon writes (see redact-text.ts for how, docs/decisions.md for why this set).
 */
export { REDACTED, forgetRecentTexts, redactText, setSecretDetectionForBenchmark, type RedactResult } from './redact-text';
export { isSecretKeyName, isSecretValueForKey, keyVerdict, redactValue, type KeyVerdict } from './redact-value';
export { isPlainValue } from './beacon-context';
export { GITLEAKS_SOURCE } from './gitleaks';

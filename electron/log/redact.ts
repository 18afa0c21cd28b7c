/**
 * Kept for the modules that import secret masking from here: it lives in ./redaction/ now.
 */
export { REDACTED, isSecretKeyName, redactText, redactValue, type RedactResult } from './redaction';

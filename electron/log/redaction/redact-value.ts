/**
 * Secret masking for structured values: every string inside an object or array (at any depth,
 * keys included), and a string under a secret-named key (`"password": "hunter2"`) masked whole
 * whatever it looks like.
 */
import { KEY_WORDS, NOT_SECRET_SUFFIX, isPlainValue } from './beacon-context';
import { REDACTED, redactText } from './redact-text';

/**
 * Key names whose string values are secrets whatever they look like ("password": "hunter2"),
 * after camelCase is split (`dbPassword` -> `db_Password`), so `bypass` or `compass` are not.
 */
const SECRET_KEY_NAME = new RegExp(`(?:^|[_.-])(?:${KEY_WORDS})$`, 'i');
const CAMEL = /([a-z0-9])([A-Z])/g;

export interface KeyVerdict {
  /** Values under this key are secrets whatever they look like. */
  readonly secretName: boolean;
  /** The key itself with secrets masked, when it holds one (a header map keyed by a token). */
  readonly maskedKey: string | undefined;
}

/** Attribute keys repeat in every record: one remembered verdict per key (bounded, cleared when full). */
const MEMO_MAX_ENTRIES = 4096;
const keyMemo = new Map<string, KeyVerdict>();

export function keyVerdict(key: string): KeyVerdict {
  let v = keyMemo.get(key);
  if (v === undefined) {
    const masked = redactText(key);
    v = Object.freeze({
      secretName: SECRET_KEY_NAME.test(key.replace(CAMEL, '$1_$2')) && !NOT_SECRET_SUFFIX.test(key),
      maskedKey: masked.redacted ? masked.text : undefined,
    });
    if (keyMemo.size >= MEMO_MAX_ENTRIES) keyMemo.clear();
    keyMemo.set(key, v);
  }
  return v;
}

export function isSecretKeyName(key: string): boolean {
  return keyVerdict(key).secretName;
}

/** A string under `key` that is masked whole (not a number, placeholder or already masked). */
export function isSecretValueForKey(key: string | undefined, value: string): boolean {
  return key !== undefined && value !== '' && isSecretKeyName(key) && !isPlainValue(value);
}

/**
 * Redact every string inside a JSON-like value (objects, arrays), returning a new value when
 * something changed (the input is never modified). `onHit` is called once per masked string.
 */
export function redactValue<T>(value: T, onHit?: () => void, keyHint?: string): T {
  if (typeof value === 'string') {
    if (isSecretValueForKey(keyHint, value)) {
      onHit?.();
      return REDACTED as unknown as T;
    }
    const r = redactText(value);
    if (r.redacted) onHit?.();
    return r.text as unknown as T;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = redactValue(value[i], onHit, keyHint);
      if (v !== value[i]) (copy ??= value.slice())[i] = v;
    }
    return (copy ?? value) as unknown as T;
  }
  if (value !== null && typeof value === 'object') {
    let copy: Record<string, unknown> | undefined;
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      const v = redactValue(obj[k], onHit, k);
      const masked = keyVerdict(k).maskedKey;
      if (masked !== undefined) {
        onHit?.();
        copy ??= { ...obj };
        delete copy[k];
        copy[masked] = v;
      } else if (v !== obj[k]) (copy ??= { ...obj })[k] = v;
    }
    return (copy ?? value) as T;
  }
  return value;
}

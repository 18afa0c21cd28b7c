/**
 * Pieces both OTLP decoders (protobuf and JSON) share: the error they throw and the safe way to
 * build an attribute map from sender-controlled keys.
 */
import type { AnyValue, Attributes } from '../shared/otlp-types';

/**
 * Thrown for input that is not a valid OTLP request. The message is meant for a human (it ends
 * up in the 400 response's google.rpc.Status and in logs), so it says what was wrong and where.
 */
export class DecodeError extends Error {
  readonly code = 'EOTLPDECODE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DecodeError';
  }
}

/**
 * attrs[key] = value, except that a sender-chosen key "__proto__" must not replace the object's
 * prototype (attribute keys are arbitrary strings from the network).
 */
export function setAttribute(attrs: Attributes, key: string, value: AnyValue): void {
  if (key === '__proto__') {
    Object.defineProperty(attrs, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attrs[key] = value;
  }
}

/**
 * A Codex record's attributes seen through its resource's: the record's own value wins, the
 * resource supplies the rest (service.name, host.name, env, the CI run context...). This is what
 * the normalizer reads from and what `raw.attributes` says (resource and record attributes
 * merged, as in the reference schema).
 *
 * Why not one merged object: an object given more than ~19 properties by computed keys drops to
 * V8's dictionary mode, and a Codex record plus its resource has 20 to 30. Building that merged
 * object for every event, then walking and serializing it, was the largest single cost of the
 * ingest profile (about 2.5 us per event, then a slow JSON path). The two layers stay the
 * objects the decoder built (fast, and the resource one is shared by a whole export), and the
 * writer serializes them as one JSON object (serialize.ts). `toJSON()` gives the merged object
 * wherever a plain JSON.stringify sees an event, so the written shape never depends on who
 * serializes it.
 */
import type { AnyValue, Attributes } from './otlp-types';

export class LayeredAttributes {
  constructor(
    /** The record's (log record or span) own attributes. */
    readonly record: Attributes,
    /** The resource's attributes, shared by every record of one ResourceLogs / ResourceSpans. */
    readonly resource: Attributes,
  ) {}

  /** The attribute as a merged object would give it (record first, then resource). */
  get(key: string): AnyValue | undefined {
    const v = this.record[key];
    return v !== undefined ? v : this.resource[key];
  }

  /** Keys of the resource that the record also sets: the resource's value is hidden for those. */
  shadowedResourceKeys(): string[] {
    const out: string[] = [];
    for (const k of Object.keys(this.resource)) if (Object.prototype.hasOwnProperty.call(this.record, k)) out.push(k);
    return out;
  }

  /** The merged attributes as one plain object, resource keys first (JSON.stringify calls this). */
  toJSON(): Attributes {
    const merged: Attributes = {};
    for (const layer of [this.resource, this.record]) {
      for (const k of Object.keys(layer)) {
        // A key "__proto__" must stay an own property, not replace the prototype.
        Object.defineProperty(merged, k, { value: layer[k], enumerable: true, writable: true, configurable: true });
      }
    }
    return merged;
  }
}

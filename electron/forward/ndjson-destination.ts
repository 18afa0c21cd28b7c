/**
 * `http-ndjson`: a generic POST of newline-delimited JSON (Falcon LogScale, Elastic's bulk-less
 * ingest endpoints, a webhook): the Beacon lines themselves, one per line, each ending in a
 * newline, `Content-Type: application/x-ndjson`, a bearer token when one is configured.
 * Uncompressed by default (not every webhook reads gzip); `compression: gzip` turns it on.
 * Any 2xx acknowledges the batch.
 */
import { bearer, compress, type Destination, type DestinationContext, type ForwardItem } from './destination';
import { classifyError, classifyStatus, type Outcome } from './retry-policy';

export class NdjsonDestination implements Destination {
  constructor(private readonly ctx: DestinationContext) {}

  encode(items: readonly ForwardItem[]): Buffer {
    let text = '';
    for (const it of items) text += it.line + '\n';
    return Buffer.from(text, 'utf8');
  }

  async deliver(items: readonly ForwardItem[]): Promise<Outcome> {
    const { body, headers } = compress(this.ctx.cfg, this.encode(items), false);
    try {
      const a = await this.ctx.http.post(this.ctx.url, { 'content-type': 'application/x-ndjson', ...headers, ...bearer(this.ctx.token), ...this.ctx.cfg.headers }, body);
      return classifyStatus(a.status, a.headers, a.body.toString('utf8'));
    } catch (err) {
      return classifyError(err);
    }
  }

  close(): void {
    this.ctx.http.close();
  }
}

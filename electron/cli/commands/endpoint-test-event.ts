/**
 * `beacon endpoint test-event` (alias `validate-pipeline`, the reference's name): send one
 * validation event through the running collector and wait for it in the log. Exit 0 when it
 * arrived, 1 otherwise (the message says where it stopped).
 */
import type { Command } from 'commander';
import { readEndpointConfig } from '../../endpoint/endpoint-config';
import { sendTestEvent } from '../../endpoint/test-event';
import { parsePort } from '../options';
import { asUserErrors } from './endpoint-lifecycle';

export function registerEndpointTestEvent(_program: Command, endpoint: Command): void {
  endpoint
    .command('test-event')
    .alias('validate-pipeline')
    .description('Send a validation event through the collector and confirm it lands in the runtime log.')
    .option('--otlp-http-port <port>', 'collector port on 127.0.0.1 (default: from config.json, else 4318)', parsePort)
    .option('--json', 'machine-readable output (also when it fails; the exit code says which)')
    .option('--system', 'use the system-mode configuration')
    .action(async (f: { otlpHttpPort?: number; json?: boolean; system?: boolean }) => {
      const { config } = await asUserErrors(() => readEndpointConfig(f.system ? 'system' : 'user', process.env));
      const r = await sendTestEvent(f.otlpHttpPort ?? config.otlp_http_port);
      if (f.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else if (r.ok) {
        const action = (r.event?.event as { action?: string } | undefined)?.action;
        process.stdout.write(`test event ${r.id}: ok, written to ${r.log_path} as ${action ?? 'an event'} in ${r.elapsed_ms} ms\n`);
      } else process.stdout.write(`test event ${r.id}: FAILED: ${r.error}\n`);
      // The verdict is the command's output (stdout); a failure also goes to stderr, like `ci finish`.
      if (!r.ok) process.stderr.write(`beacon: ${r.error}\n`);
      process.exitCode = r.ok ? 0 : 1;
    });
}

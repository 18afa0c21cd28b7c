/**
 * Which ServiceRunner the CLI uses. Normally the real launchctl/systemctl. For tests ONLY,
 * BEACON_SERVICE_RUNNER=record:<file> swaps in a runner that appends each call as a JSON line
 * ({"command","args"}) to <file> and answers success without running anything, so the whole CLI
 * can be driven through `endpoint install --service` on a machine without launchd or a systemd
 * user session. It answers `is-active` with "active" and `launchctl print` with "state = running"
 * so that status reads back a consistent picture. Never set it outside tests: nothing is started.
 */
import { appendFileSync } from 'node:fs';
import type { PathEnv } from '../shared/paths';
import { systemRunner, type ServiceRunner } from './services/service-runner';

export function recordingRunner(file: string): ServiceRunner {
  return {
    async run(command, args) {
      appendFileSync(file, JSON.stringify({ command, args }) + '\n');
      if (command === 'systemctl' && args.includes('is-active')) return { code: 0, stdout: 'active\n', stderr: '' };
      if (command === 'launchctl' && args[0] === 'print') return { code: 0, stdout: 'state = running\n', stderr: '' };
      return { code: 0, stdout: '', stderr: '' };
    },
  };
}

export function runnerFromEnv(env: PathEnv): ServiceRunner {
  const spec = env.BEACON_SERVICE_RUNNER;
  if (spec && spec.startsWith('record:')) return recordingRunner(spec.slice('record:'.length));
  return systemRunner;
}

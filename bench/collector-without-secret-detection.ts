/**
 * `beacon endpoint run` with secret detection turned off, for the ingest section's redaction
 * cost row: the same collector, the same process flags, the same load, only the detector
 * missing. Nothing but the benchmark starts it.
 */
import { setSecretDetectionForBenchmark } from '../electron/log/redaction';
import { CLI_JS } from './paths';

setSecretDetectionForBenchmark(false);
// The CLI reads process.argv (`endpoint run ...`) and starts the collector as users run it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(CLI_JS);

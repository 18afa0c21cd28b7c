/**
 * The Node/V8 flags every collector process (`beacon endpoint run`) is started with. The one
 * source of truth: collector-process.ts (detached collectors of `ci start`, `install`, `doctor`),
 * lifecycle-install.ts (the LaunchAgent / systemd unit), bench/servers.ts and scripts/start.mjs
 * read it; the macOS shim resources/bin/beacon repeats it in sh, and a test keeps the two equal.
 *
 * Why --max-semi-space-size=4 (MB): under a burst of OTLP traffic V8 grows the young
 * generation's semi-spaces to 16 MB each, which takes the collector to 105-112 MB RSS, over the
 * 100 MB of design.md section 5. Capped at 4 MB it stays around 87-92 MB with no measurable
 * loss of throughput (the collector's garbage is short-lived: decoded requests, one per POST).
 *
 * Why on the command line: V8 sizes the heap when the isolate is created, so
 * v8.setFlagsFromString() at run time does not change it; NODE_OPTIONS is ignored by the
 * packaged app (an Electron fuse) and unset by the shim. So the flag goes into the argv of
 * whatever launches the collector, BEFORE the script path (after it, Node would hand it to the
 * CLI as an argument).
 */
export const COLLECTOR_NODE_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=4']);

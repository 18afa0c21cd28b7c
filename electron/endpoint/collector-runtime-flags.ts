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

/**
 * The environment every collector process gets on top of its own (glibc's malloc tunables; other
 * C libraries, macOS's included, ignore them). Why (issue 11 item 8, bench section `hostile`):
 * under a burst of concurrent requests glibc gives each thread that allocates (V8's GC helpers,
 * zlib, the libuv pool) its own arena of 64 MB reservations and keeps freed memory in them, so
 * a collector that had peaked stayed 50-60 MB above its working set long after the burst.
 * Two arenas bound that spread; trim and mmap thresholds of 128 KiB hand big freed blocks
 * (request bodies, decoded batches) back to the kernel at once instead of keeping them for reuse.
 * Measured with the bench's hostile mix: see docs/benchmarks.md.
 */
export const COLLECTOR_PROCESS_ENV: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_MMAP_THRESHOLD_: '131072',
});

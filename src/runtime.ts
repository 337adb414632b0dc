/**
 * How Node runs the exchange's server: every way of starting it (the `dx` command, the container,
 * the demo, the benchmark) passes these flags, and a test holds them to this list.
 *
 * `--max-semi-space-size=64`: a lookup allocates some kilobytes of short-lived objects (request,
 * answer text, audit line), so under load V8's default young generation (16 MB a semi-space) fills
 * every few tens of milliseconds, and each scavenge costs about the same whatever it frees. Four
 * times the room means about a quarter of the scavenges and of the GC threads' work, for at most
 * 3 × 64 MB more memory, used only under load.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

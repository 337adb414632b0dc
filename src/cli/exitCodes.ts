/**
 * What a `dx` exit status means, for scripts (documented in docs/operations.md). The numbers
 * above 63 are the BSD sysexits a shell script may already know.
 */
export const EXIT = {
  ok: 0,
  /** A department batch failed, a run failed, or a command's work could not be done. */
  failed: 1,
  /** The period cannot be published as it stands (blocking findings, an empty or shrunken view, a rollback not asked for). */
  notPublishable: 2,
  /** Bad usage: an unknown option, a missing argument, a malformed value. */
  usage: 64,
  /** The input named does not exist or holds nothing for the period (a drop folder without the period's files). */
  noInput: 66,
  /** A service the command needs (Redis, the port to listen on) is unreachable or taken. */
  unavailable: 69,
  /** The environment's configuration is invalid (see `dx config`). */
  config: 78,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with a given exit status; its message is for the operator. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: ExitCode) {
    super(message);
  }
}

/**
 * What kind of failure an error is, for a CI job to act on (`--format json` gives it as
 * `error.kind`): fix the command line, fix the input, fix the token, try again later, or report a bug.
 */
export type ErrorKind =
  /** The command line: an unknown flag, a bad value, flags that do not go together. */
  | 'usage'
  /** The desired state, a saved plan or another file or value given: the default. */
  | 'input'
  /** A token that is missing, unreadable or refused. */
  | 'auth'
  /** A service that could not be reached, timed out or failed (5xx, rate limit): worth trying again later. */
  | 'network'
  /** A service that answered, but with an error hcr cannot fix by trying again. */
  | 'service'
  /** A bug in hcr. */
  | 'internal';

/**
 * A problem the user can fix (bad input, missing token, refused endpoint). The CLI prints the
 * message without a stack trace and exits 1. Anything that is not a UserError (or a CloudError,
 * see src/cloud/errors.ts) is a bug: printed with its stack and a request to report it.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly kind: Exclude<ErrorKind, 'internal'> = 'input',
  ) {
    super(message);
  }
}

/**
 * A problem the user can fix (bad input, missing token, refused endpoint). The CLI prints the
 * message without a stack trace and exits 1. Anything that is not a UserError (or a CloudError,
 * see src/cloud/errors.ts) is a bug: printed with its stack and a request to report it.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

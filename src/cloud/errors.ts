/**
 * Typed errors of the Hasura Cloud client. Callers branch on `kind`, never on message text.
 * Messages hold what the service said (its `errors[].message`, with every sensitive value of the
 * run masked in it) and the operation name: never the request graphql-request would quote, and
 * never the token.
 */
export type CloudErrorKind =
  /** The token is missing, wrong or lacks access (`field ... not found in type: 'query_root'`). */
  | 'not-authorized'
  /** A write's `currentHash` is stale: someone changed the config since it was read. */
  | 'conflict'
  /** An env write that changes nothing (`nothing changed in config`). */
  | 'nothing-changed'
  /** The project is in maintenance mode and refuses env writes. */
  | 'maintenance'
  | 'not-found'
  /** `GenericServerError`, HTTP 5xx or 429: the service failed; a read may be retried. */
  | 'server'
  /** Connection refused / reset / DNS, or the per-request timeout. */
  | 'network'
  | 'timeout'
  /** Any other GraphQL error (validation of our document, unexpected answer shape, ...). */
  | 'service';

export class CloudError extends Error {
  override name = 'CloudError';
  /**
   * The message without "it may or may not have been applied": for a caller that has read the
   * project back and knows whether the write landed, so that what it reports does not contradict itself.
   */
  readonly settledMessage: string;
  constructor(
    readonly kind: CloudErrorKind,
    /** The GraphQL operation name, e.g. `updateTenantEnv`. */
    readonly operation: string,
    /** What failed, without the doubt that `details.maybeApplied` adds to `message`. */
    message: string,
    readonly details: {
      /** HTTP status when the answer was not a 200. */
      status?: number;
      /** Hasura's `extensions.code`. */
      code?: string;
      /**
       * For a mutation that failed in transport: whether the request may have reached the service
       * (a timeout or a reset after sending) so that its effect is unknown until read back.
       */
      maybeApplied?: boolean;
      /** How many attempts a read made before giving up (set when it was more than one). */
      attempts?: number;
      /** The wait the service asked for with `Retry-After` (429/5xx). */
      retryAfterMs?: number;
    } = {},
  ) {
    super(details.maybeApplied ? `${message}; it may or may not have been applied` : message);
    this.settledMessage = message;
  }

  /** Whether repeating the same read can succeed. Writes are never repeated blindly. */
  get transient(): boolean {
    return this.kind === 'server' || this.kind === 'network' || this.kind === 'timeout';
  }
}

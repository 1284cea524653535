import type { Argv } from 'yargs';
import { resolveEndpoint, resolveToken } from '../cloud/auth.js';
import type { CloudClient, RequestEvent } from '../cloud/client.js';
import { seconds, wholeNumber } from './flags.js';
import { plural } from '../util/words.js';
import type { Context, GlobalArgs } from './context.js';

/** What `cloudClient` reads of a command's arguments: the global flags, and `requestOptions`' (checked as they were read). */
export interface CloudArgs extends GlobalArgs {
  /** Further attempts of a read after a transient failure (default 4). */
  retries?: number;
  /** Seconds one HTTP attempt may take (default 30). */
  timeout?: number;
}

/**
 * Measured on 1000 projects × 50 keys at 20 ms latency: as fast as 50 or 100 (once round trips
 * are few, the time goes to work per env, not per request), with answers half or a quarter the
 * size, and fewer reads sent alone when a service refuses a whole batch.
 */
const DEFAULT_BATCH_SIZE = 25;
/** Past this one answer (100 envs of dozens of keys) only grows, for no time gained. */
const MAX_BATCH_SIZE = 100;

/** The most `--timeout` may be: a request that takes an hour is not coming back. */
const MAX_TIMEOUT_SECONDS = 3600;

/**
 * `--retries` and `--timeout`, for every command that talks to Hasura Cloud. A call (with its
 * retries) may take max(60, 2 × --timeout) seconds in all, so a --timeout above 60 is honoured.
 */
export function requestOptions<T extends GlobalArgs>(y: Argv<T>) {
  return y
    .option('retries', {
      type: 'number',
      describe: 'Further attempts of a read after a transient failure (default 4); a write is never repeated',
      coerce: wholeNumber('--retries', 0),
    })
    .option('timeout', {
      type: 'number',
      describe:
        `Seconds one attempt of a request may take (default 30, at most ${MAX_TIMEOUT_SECONDS}); ` +
        'a read and its retries may take max(60, 2 × this) seconds in all',
      coerce: seconds('--timeout', MAX_TIMEOUT_SECONDS),
    });
}

/** `--batch-size`, for every command that reads envs. */
export function batchOption<T extends GlobalArgs>(y: Argv<T>) {
  return y.option('batch-size', {
    type: 'number',
    default: DEFAULT_BATCH_SIZE,
    describe: `Projects whose env one request reads (1 to ${MAX_BATCH_SIZE}; 1 reads each alone)`,
    coerce: wholeNumber('--batch-size', 1, MAX_BATCH_SIZE),
  });
}

/**
 * The only way commands get a CloudClient: endpoint and token resolved from the flags and ctx.env
 * (failing with a UserError before any request), the run's sensitive values (the token too) masked
 * in what the service says, and every attempt logged to ctx.debug under --verbose. The client (and
 * with it graphql and graphql-request) is imported here, so that commands which never call this do
 * not load it.
 */
export async function cloudClient(ctx: Context, args: CloudArgs, options: { readOnly?: boolean } = {}): Promise<CloudClient> {
  const endpoint = resolveEndpoint(args.endpoint, ctx.env);
  const token = resolveToken({ tokenFile: args.tokenFile, env: ctx.env, cwd: ctx.cwd });
  ctx.redactor.add(token);
  const { CloudClient } = await import('../cloud/client.js');
  return new CloudClient({
    endpoint,
    token,
    retries: args.retries,
    timeoutMs: args.timeout === undefined ? undefined : Math.round(args.timeout * 1000),
    readOnly: options.readOnly,
    secrets: ctx.redactor,
    onRequest: ctx.verbose ? (event) => ctx.debug(describeRequest(event)) : undefined,
  });
}

/**
 * `POST getTenantEnv 12ms`, `POST getTenantEnvs (25 tenants) 40ms`, or
 * `getTenantEnv failed (server, attempt 1/5), retrying in 180ms`.
 */
export function describeRequest(event: RequestEvent): string {
  const name = event.batch === undefined ? event.operation : `${event.operation} (${plural(event.batch, 'tenant')})`;
  if (event.outcome === 'ok') return `POST ${name} ${event.ms}ms`;
  if (event.outcome === 'partial') return `POST ${name} ${event.ms}ms, some of its reads failed: sending those alone`;
  const failed = `${name} failed (${event.outcome}, attempt ${event.attempt}/${event.maxAttempts})`;
  return event.retryInMs === undefined ? `${failed} after ${event.ms}ms` : `${failed}, retrying in ${event.retryInMs}ms`;
}

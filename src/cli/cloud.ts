import { resolveEndpoint, resolveToken } from '../cloud/auth.js';
import type { CloudClient, RequestEvent } from '../cloud/client.js';
import { UserError } from '../errors.js';
import type { Context, GlobalArgs } from './context.js';

export interface CloudArgs extends GlobalArgs {
  /** Further attempts of a read after a transient failure (default 4). */
  retries?: number;
  /** Seconds one HTTP attempt may take (default 30). */
  timeout?: number;
}

/**
 * The only way commands get a CloudClient: endpoint and token resolved from the flags and ctx.env
 * (failing with a UserError before any request), the token registered with the redactor, and
 * every attempt logged to ctx.debug under --verbose. The client (and with it graphql and
 * graphql-request) is imported here, so that commands which never call this do not load it.
 */
export async function cloudClient(ctx: Context, args: CloudArgs, options: { readOnly?: boolean } = {}): Promise<CloudClient> {
  if (args.retries !== undefined && !(Number.isInteger(args.retries) && args.retries >= 0)) {
    throw new UserError(`--retries must be a whole number of 0 or more, not ${args.retries}`);
  }
  if (args.timeout !== undefined && !(Number.isFinite(args.timeout) && args.timeout > 0)) {
    throw new UserError(`--timeout must be a number of seconds above 0, not ${args.timeout}`);
  }
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
    onRequest: ctx.verbose ? (event) => ctx.debug(describeRequest(event)) : undefined,
  });
}

/** `POST getTenantEnv 12ms`, or `getTenantEnv failed (server, attempt 1/5), retrying in 180ms`. */
export function describeRequest(event: RequestEvent): string {
  if (event.outcome === 'ok') return `POST ${event.operation} ${event.ms}ms`;
  const failed = `${event.operation} failed (${event.outcome}, attempt ${event.attempt}/${event.maxAttempts})`;
  return event.retryInMs === undefined ? `${failed} after ${event.ms}ms` : `${failed}, retrying in ${event.retryInMs}ms`;
}

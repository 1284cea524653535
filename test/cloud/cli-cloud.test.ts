import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cloudClient, describeRequest, type CloudArgs } from '../../src/cli/cloud.js';
import { createContext, type Context } from '../../src/cli/context.js';
import { UserError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { ENDPOINT, post, sent, TOKEN, useMockService } from './helpers.js';

useMockService();
afterEach(() => vi.restoreAllMocks());

const TENANT = '7a79cf94-0e53-4520-a560-1b02bf522f08';
const envData = { data: { getTenantEnv: { hash: 'a'.repeat(40), envVars: { environment: {} } } } };

async function context(
  args: CloudArgs,
  env: Record<string, string> = { HASURA_CLOUD_ACCESS_TOKEN: TOKEN },
): Promise<{ ctx: Context; stderr: () => string }> {
  let stderr = '';
  const io = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: new PassThrough(),
  };
  const ctx = await createContext(io, env, process.cwd(), args, () => Promise.reject(new Error('not used here')));
  return { ctx, stderr: () => stderr };
}

describe('cloudClient', () => {
  it('builds a client on the --endpoint with the token from the environment', async () => {
    post().reply(200, envData);
    const args = { endpoint: ENDPOINT };
    await (await cloudClient((await context(args)).ctx, args)).getTenantEnv(TENANT);
    expect(sent).toHaveLength(1);
  });

  it("masks the token and the run's other sensitive values in what the service says, and nothing else", async () => {
    post().reply(200, { errors: [{ message: `bad token ${TOKEN} for value "s3cret-value" in maintenance` }] });
    const args = { endpoint: ENDPOINT };
    const { ctx } = await context(args);
    const client = await cloudClient(ctx, args);
    ctx.redactor.add('s3cret-value');
    ctx.redactor.add('maint');
    const err = await client.getTenantEnv(TENANT).catch((e: unknown) => e);
    expect((err as Error).message).toBe('getTenantEnv failed: bad token (sensitive) for value "(sensitive)" in maintenance');
  });

  it('logs each attempt to the debug log under --verbose, and nothing without it', async () => {
    post().reply(503, 'unavailable');
    post().reply(200, envData);
    const args = { endpoint: ENDPOINT, verbose: true, retries: 1 };
    const verbose = await context(args);
    await (await cloudClient(verbose.ctx, args)).getTenantEnv(TENANT);
    expect(verbose.stderr()).toMatch(
      /^\[hcr\] getTenantEnv failed \(server, attempt 1\/2\), retrying in \d+ms\n\[hcr\] POST getTenantEnv \d+ms\n$/,
    );
    expect(verbose.stderr()).not.toContain(TENANT);

    post().reply(200, envData);
    const quiet = await context({ endpoint: ENDPOINT });
    await (await cloudClient(quiet.ctx, { endpoint: ENDPOINT })).getTenantEnv(TENANT);
    expect(quiet.stderr()).toBe('');
  });

  it('takes --retries and --timeout (in seconds)', async () => {
    const timeouts = vi.spyOn(AbortSignal, 'timeout');
    post().times(2).reply(503, 'unavailable');
    const args = { endpoint: ENDPOINT, retries: 0, timeout: 2.5 };
    await expect((await cloudClient((await context(args)).ctx, args)).getTenantEnv(TENANT)).rejects.toMatchObject({ kind: 'server' });
    expect(sent).toHaveLength(1);
    expect(timeouts.mock.calls).toEqual([[2_500]]);
  });

  it('without --retries and --timeout: a read is tried 5 times, each attempt for at most 30 s', async () => {
    const timeouts = vi.spyOn(AbortSignal, 'timeout');
    // Retry-After 0: the service asks for no wait, so the retries come at once.
    post().times(5).reply(503, 'unavailable', { 'retry-after': '0' });
    const args = { endpoint: ENDPOINT };
    await expect((await cloudClient((await context(args)).ctx, args)).getTenantEnv(TENANT)).rejects.toMatchObject({ kind: 'server' });
    expect(sent).toHaveLength(5);
    expect(timeouts.mock.calls).toEqual(Array.from({ length: 5 }, () => [30_000]));
  });

  it.each([
    [['--retries', '-1'], '--retries must be a whole number of 0 or more, not -1'],
    [['--retries', '1.5'], '--retries must be a whole number of 0 or more, not 1.5'],
    [['--timeout', '0'], '--timeout must be a number of seconds above 0 and at most 3600, not 0'],
    [['--timeout', 'soon'], '--timeout must be a number of seconds above 0 and at most 3600, not NaN'],
    [['--timeout', '3601'], '--timeout must be a number of seconds above 0 and at most 3600, not 3601'],
  ])('refuses %j as the command line is read, before any request', async (flags, message) => {
    const r = await runCli(['plan', '--endpoint', ENDPOINT, ...flags], { env: { HASURA_CLOUD_ACCESS_TOKEN: TOKEN } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: ${message}\nRun \`hcr plan --help\` for usage.\n`);
    expect(sent).toHaveLength(0);
  });

  it('fails before any request without a token or with an unsafe endpoint', async () => {
    const args = { endpoint: ENDPOINT };
    await expect(cloudClient((await context(args, {})).ctx, args)).rejects.toThrow(UserError);
    const unsafe = { endpoint: 'http://example.com/v1/graphql' };
    await expect(cloudClient((await context(unsafe)).ctx, unsafe)).rejects.toThrow(/clear text/);
    expect(sent).toHaveLength(0);
  });
});

describe('describeRequest', () => {
  const event = { operation: 'getTenantEnv', attempt: 1, maxAttempts: 5, ms: 12 };

  it('formats an answer, a retry and a final failure', () => {
    expect(describeRequest({ ...event, outcome: 'ok' })).toBe('POST getTenantEnv 12ms');
    expect(describeRequest({ ...event, outcome: 'server', retryInMs: 180 })).toBe(
      'getTenantEnv failed (server, attempt 1/5), retrying in 180ms',
    );
    expect(describeRequest({ ...event, attempt: 5, outcome: 'timeout' })).toBe('getTenantEnv failed (timeout, attempt 5/5) after 12ms');
  });

  it('says how many tenants a batched read carried', () => {
    const batch = { ...event, operation: 'getTenantEnvs', batch: 25 };
    expect(describeRequest({ ...batch, outcome: 'ok' })).toBe('POST getTenantEnvs (25 tenants) 12ms');
    expect(describeRequest({ ...batch, outcome: 'partial' })).toBe(
      'POST getTenantEnvs (25 tenants) 12ms, some of its reads failed: sending those alone',
    );
    expect(describeRequest({ ...batch, outcome: 'network', retryInMs: 90 })).toBe(
      'getTenantEnvs (25 tenants) failed (network, attempt 1/5), retrying in 90ms',
    );
  });
});

import { createServer } from 'node:net';
import nock from 'nock';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { CloudClient } from '../../src/cloud/client.js';
import { CloudError } from '../../src/cloud/errors.js';
import { graphqlError, post, testClient, TOKEN, useMockService } from './helpers.js';

useMockService();

const TENANT = '7a79cf94-0e53-4520-a560-1b02bf522f08';
const HASH = 'a'.repeat(40);

/** Both kinds of call, without retries: what one failed attempt becomes. */
const read = (client: CloudClient) => client.getTenantEnv(TENANT);
const write = (client: CloudClient) => client.updateTenantEnv(TENANT, HASH, { A: '1' });

async function failure(call: (client: CloudClient) => Promise<unknown>, options = {}): Promise<CloudError> {
  const err = await call(testClient({ retries: 0, ...options }).client).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CloudError)) throw new Error(`expected a CloudError, got ${String(err)}`);
  return err;
}

describe('GraphQL errors (HTTP 200, Hasura shape)', () => {
  it.each([
    // [what, message, code, kind]
    ['no or bad token on a query', `field "getTenantEnv" not found in type: 'query_root'`, 'validation-failed', 'not-authorized'],
    ['an action failure', 'there was an internal error while serving your request', 'GenericServerError', 'server'],
    ['a write that changes nothing', 'nothing changed in config', 'legacyError', 'nothing-changed'],
    [
      'a stale hash (emulator wording)',
      'config hash mismatch: the config has changed since it was read (currentHash is stale)',
      'unexpected',
      'conflict',
    ],
    ['a stale hash (other wording)', 'the provided currentHash is outdated', undefined, 'conflict'],
    ['a conflict code', 'write refused', 'conflict', 'conflict'],
    [
      'maintenance mode (emulator wording)',
      'project is in maintenance mode: env vars cannot be added, updated or deleted',
      'unexpected',
      'maintenance',
    ],
    ['maintenance mode (other wording)', 'Tenant is under Maintenance', undefined, 'maintenance'],
    ['an unknown tenant', 'tenant not found', 'not-exists', 'not-found'],
    ['a not-found code', 'no such thing', 'not-found', 'not-found'],
    ['a missing project in words', 'project does not exist', undefined, 'not-found'],
    [
      'a duplicate name',
      'Uniqueness violation. duplicate key value violates unique constraint "projects_name_key"',
      'constraint-violation',
      'service',
    ],
    ['our document failing validation', `field "foo" not found in type: 'tenant'`, 'validation-failed', 'service'],
    ['an unknown code', 'something odd happened', 'weird-code', 'service'],
    ['no code at all', 'something odd happened', undefined, 'service'],
  ])('%s → its kind', async (_what, message, code, kind) => {
    post().reply(200, graphqlError(message, code));
    const err = await failure(read);
    expect(err.kind).toBe(kind);
    expect(err.operation).toBe('getTenantEnv');
    expect(err.details).toEqual(code ? { code } : {});
    expect(err.message).toContain(message);
  });

  it('says what the service said, after the operation', async () => {
    post().reply(200, graphqlError('config hash mismatch: the config has changed since it was read (currentHash is stale)', 'unexpected'));
    const err = await failure(write);
    expect(err.message).toBe(
      'updateTenantEnv failed: config hash mismatch: the config has changed since it was read (currentHash is stale)',
    );
    expect(err.details).toEqual({ code: 'unexpected', maybeApplied: false });
  });

  it.each([
    ['a query', read, 'getTenantEnv', 'query_root'],
    ['a mutation', write, 'updateTenantEnv', 'mutation_root'],
  ])('a refused token on %s says so and quotes the service', async (_what, call, operation, root) => {
    const said = `field "${operation}" not found in type: '${root}'`;
    post().reply(200, graphqlError(said, 'validation-failed'));
    const err = await failure(call);
    expect(err.kind).toBe('not-authorized');
    expect(err.message).toBe(
      `${operation} failed: the access token was refused or lacks access to ${operation} (the service said: ${said})`,
    );
  });

  it('joins several errors and classifies by the first', async () => {
    post().reply(200, { errors: [{ message: 'tenant not found', extensions: { code: 'not-exists' } }, { message: 'and more' }] });
    const err = await failure(read);
    expect(err).toMatchObject({ kind: 'not-found', message: 'getTenantEnv failed: tenant not found; and more' });
  });

  it('reads an `errors` object that is not a list', async () => {
    post().reply(200, { errors: { message: 'nothing changed in config', extensions: { code: 'legacyError' } } });
    expect((await failure(write)).kind).toBe('nothing-changed');
  });

  it('marks a write refused by GenericServerError as possibly applied', async () => {
    post().reply(200, graphqlError('there was an internal error while serving your request', 'GenericServerError'));
    expect((await failure(write)).details).toEqual({ code: 'GenericServerError', maybeApplied: true });
  });
});

describe('HTTP failures', () => {
  it.each([
    [502, 'server'],
    [503, 'server'],
    [500, 'server'],
    [429, 'server'],
    [401, 'not-authorized'],
    [403, 'not-authorized'],
    [404, 'service'],
    [418, 'service'],
  ])('HTTP %i with an HTML body → %s', async (status, kind) => {
    post().reply(status, '<html><body>Bad Gateway from the edge proxy</body></html>', { 'content-type': 'text/html' });
    const err = await failure(read);
    expect(err.kind).toBe(kind);
    expect(err.details).toStrictEqual({ status });
    expect(err.message).not.toContain('edge proxy');
  });

  it('never follows a redirect, which would resend the token and the variables elsewhere', async () => {
    post().reply(308, '', { location: 'https://elsewhere.test/v1/graphql' });
    const err = await failure(write);
    expect(err).toMatchObject({ kind: 'service', details: { status: 308, maybeApplied: false } });
    expect(err.message).toContain('set it to the final URL');
  });

  it('says which HTTP status the service answered', async () => {
    post().reply(502, 'bad gateway');
    expect((await failure(read)).message).toBe('getTenantEnv failed: HTTP 502 from the service');
    post().reply(401, 'unauthorized');
    expect((await failure(read)).message).toBe('getTenantEnv failed: the access token was refused (HTTP 401)');
  });

  it('quotes GraphQL errors carried by a 5xx answer', async () => {
    post().reply(500, graphqlError('database is down'));
    expect(await failure(read)).toMatchObject({
      kind: 'server',
      message: 'getTenantEnv failed: HTTP 500 from the service: database is down',
    });
  });

  it('classifies GraphQL errors carried by a 400 answer as if they came with a 200', async () => {
    post().reply(400, graphqlError(`field "getTenantEnv" not found in type: 'query_root'`, 'validation-failed'));
    expect(await failure(read)).toMatchObject({ kind: 'not-authorized', details: { status: 400, code: 'validation-failed' } });
  });

  it('keeps a 429 Retry-After in seconds', async () => {
    post().reply(429, 'slow down', { 'retry-after': '7' });
    expect((await failure(read)).details).toEqual({ status: 429, retryAfterMs: 7000 });
  });

  it('keeps a 503 Retry-After given as a date, as the time left until it (none for a date past)', async () => {
    // The wall clock, fixed: the wait is then exact, whatever the time the test runs at or takes.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-01T12:00:00Z') });
    onTestFinished(() => void vi.useRealTimers());
    post().reply(503, 'later', { 'retry-after': 'Sun, 01 Mar 2026 12:00:30 GMT' });
    expect((await failure(read)).details.retryAfterMs).toBe(30_000);
    post().reply(503, 'later', { 'retry-after': 'Sun, 01 Mar 2026 11:59:00 GMT' });
    expect((await failure(read)).details.retryAfterMs).toBe(0);
  });

  it('marks a write that got a 5xx as possibly applied, and one that got a 429 as not', async () => {
    post().reply(504, 'gateway timeout');
    expect(await failure(write)).toMatchObject({
      kind: 'server',
      details: { status: 504, maybeApplied: true },
      message: 'updateTenantEnv failed: HTTP 504 from the service; it may or may not have been applied',
    });
    post().reply(429, 'slow down');
    expect((await failure(write)).details).toEqual({ status: 429, maybeApplied: false });
  });

  it.each([
    ['an HTML page', '<html>maintenance page</html>', { 'content-type': 'text/html' }],
    ['broken JSON', '{"data": {', { 'content-type': 'application/json' }],
    ['a JSON array', '[1, 2]', { 'content-type': 'application/json' }],
  ])('a 200 with %s is a service error', async (_what, body, headers) => {
    post().reply(200, body, headers);
    expect(await failure(read)).toMatchObject({ kind: 'service', message: 'getTenantEnv failed: the answer is not a GraphQL response' });
  });
});

describe('transport failures', () => {
  it('a reset connection is a network error; a write may have been applied', async () => {
    post().replyWithError({ code: 'ECONNRESET' });
    expect(await failure(read)).toMatchObject({
      kind: 'network',
      details: {},
      message: 'getTenantEnv failed: request to cloud.test failed: connection reset (ECONNRESET)',
    });
    post().replyWithError({ code: 'ECONNRESET' });
    expect(await failure(write)).toMatchObject({
      kind: 'network',
      details: { maybeApplied: true },
      message: 'updateTenantEnv failed: request to cloud.test failed: connection reset (ECONNRESET); it may or may not have been applied',
    });
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])('%s means a write certainly never reached the service', async (code) => {
    post().replyWithError({ code });
    expect(await failure(write)).toMatchObject({ kind: 'network', details: { maybeApplied: false } });
  });

  it('an error without a code is a network error that may have reached the service', async () => {
    post().replyWithError('socket hang up');
    expect(await failure(write)).toMatchObject({
      kind: 'network',
      message: 'updateTenantEnv failed: request to cloud.test failed: connection failed; it may or may not have been applied',
      details: { maybeApplied: true },
    });
  });

  it('a real refused connection (a closed local port) is a network error that never reached the service', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    nock.enableNetConnect('127.0.0.1');
    const client = new CloudClient({ endpoint: `http://127.0.0.1:${port}/v1/graphql`, token: TOKEN, retries: 0 });
    const err = await client.updateTenantEnv(TENANT, HASH, { A: '1' }).catch((e: unknown) => e);
    nock.disableNetConnect();
    expect(err).toMatchObject({ kind: 'network', details: { maybeApplied: false }, message: expect.stringContaining('ECONNREFUSED') });
  });

  it('a request that nothing answers (network blocked) is a network error', async () => {
    expect(await failure(read)).toMatchObject({ kind: 'network', message: expect.stringContaining('ENETUNREACH') });
  });

  it('no answer within the per-request timeout is a timeout; a write may have been applied', async () => {
    post().delay(1_000).reply(200, { data: {} });
    expect(await failure(read, { timeoutMs: 50 })).toMatchObject({
      kind: 'timeout',
      details: {},
      message: 'getTenantEnv failed: no answer from cloud.test within 50ms',
    });
    post().delay(1_000).reply(200, { data: {} });
    expect(await failure(write, { timeoutMs: 50 })).toMatchObject({ kind: 'timeout', details: { maybeApplied: true } });
  });

  it('a body that stops arriving is a timeout too', async () => {
    post().delayBody(1_000).reply(200, { data: {} });
    expect(await failure(read, { timeoutMs: 50 })).toMatchObject({ kind: 'timeout' });
  });
});

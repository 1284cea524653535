import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CloudClient } from '../../src/cloud/client.js';
import { CloudError } from '../../src/cloud/errors.js';
import { graphqlError, post, sent, testClient, TOKEN, useMockService } from './helpers.js';
import { rejection } from './rejection.js';

useMockService();
afterEach(() => vi.restoreAllMocks());

/**
 * A timeout case needs a short limit; every other case a generous one, so that a slow (loaded)
 * machine answering a mock late is not mistaken for the failure under test.
 */
const timeoutFor = (what: string) => (what === 'a timeout' ? 300 : 5_000);

const TENANT = '7a79cf94-0e53-4520-a560-1b02bf522f08';
const HASH = 'a'.repeat(40);
const envData = { data: { getTenantEnv: { hash: HASH, envVars: { environment: { A: '1' } } } } };

describe('reads are retried on transient failures', () => {
  it.each([
    ['HTTP 503', () => post().reply(503, 'unavailable')],
    ['HTTP 502', () => post().reply(502, 'bad gateway')],
    ['HTTP 429', () => post().reply(429, 'slow down')],
    [
      'GenericServerError',
      () => post().reply(200, graphqlError('there was an internal error while serving your request', 'GenericServerError')),
    ],
    ['a reset connection', () => post().replyWithError({ code: 'ECONNRESET' })],
    ['a refused connection', () => post().replyWithError({ code: 'ECONNREFUSED' })],
    ['a timeout', () => post().delay(5_000).reply(200, envData)],
  ])('after %s, then succeeds', async (what, fail) => {
    fail();
    post().reply(200, envData);
    const { client, sleeps } = testClient({ timeoutMs: timeoutFor(what) });
    await expect(client.getTenantEnv(TENANT)).resolves.toEqual({ hash: HASH, env: { A: '1' } });
    expect(sleeps).toEqual([100]);
  });

  it.each([
    ['findProjectsByName', (c: CloudClient) => c.findProjectsByName(['a']), { projects: [] }],
    ['listProjects', (c: CloudClient) => c.listProjects(), { projects: [] }],
    ['getProject', (c: CloudClient) => c.getProject('p'), { projects_by_pk: null }],
    ['getJob', (c: CloudClient) => c.getJob('j'), { jobs_by_pk: null }],
  ])('%s is a read too', async (_name, call, data) => {
    post().reply(503, 'unavailable');
    post().reply(200, { data });
    await call(testClient().client);
    expect(sent).toHaveLength(2);
  });

  it('4 retries by default with exponential backoff and full jitter, then fails with the last kind', async () => {
    post().times(6).reply(503, 'unavailable');
    const { client, sleeps } = testClient();
    const err = await rejection(client.getTenantEnv(TENANT));
    expect(sent).toHaveLength(5);
    expect(sleeps).toEqual([100, 200, 400, 800]);
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({
      kind: 'server',
      details: { status: 503, attempts: 5 },
      message: 'getTenantEnv failed: HTTP 503 from the service (gave up after 5 attempts)',
    });
  });

  it('the number of retries is configurable', async () => {
    post().times(3).replyWithError({ code: 'ECONNRESET' });
    const { client } = testClient({ retries: 2 });
    expect(await rejection(client.getTenantEnv(TENANT))).toMatchObject({ kind: 'network', details: { attempts: 3 } });
    expect(sent).toHaveLength(3);
  });

  it('draws each wait from [0, min(cap, base * 2^n)]', async () => {
    post().times(9).reply(503, 'unavailable');
    const top = testClient({ retries: 8, random: () => 0.999999, deadlineMs: 10 ** 9 });
    await rejection(top.client.getTenantEnv(TENANT));
    expect(top.sleeps).toEqual([200, 400, 800, 1600, 3200, 5000, 5000, 5000]);

    post().times(3).reply(503, 'unavailable');
    const bottom = testClient({ retries: 2, random: () => 0 });
    await rejection(bottom.client.getTenantEnv(TENANT));
    expect(bottom.sleeps).toEqual([0, 0]);
  });

  it('honours Retry-After on 429 instead of the backoff', async () => {
    post().reply(429, 'slow down', { 'retry-after': '7' });
    post().reply(200, envData);
    const { client, sleeps } = testClient();
    await client.getTenantEnv(TENANT);
    expect(sleeps).toEqual([7000]);
  });

  it('gives up at once when Retry-After reaches past the deadline', async () => {
    post().reply(429, 'slow down', { 'retry-after': '120' });
    const { client, sleeps } = testClient();
    expect(await rejection(client.getTenantEnv(TENANT))).toMatchObject({ kind: 'server', details: { status: 429, retryAfterMs: 120_000 } });
    expect(sleeps).toEqual([]);
  });

  it('stops at the overall deadline even with retries left', async () => {
    post().times(11).reply(503, 'unavailable');
    const { client, sleeps } = testClient({ retries: 10, deadlineMs: 2_000, random: () => 0.999999 });
    expect(await rejection(client.getTenantEnv(TENANT))).toMatchObject({ kind: 'server', details: { attempts: 4 } });
    expect(sleeps).toEqual([200, 400, 800]);
  });

  it('gives each attempt 30 s by default, and no more than what is left of the 60 s deadline', async () => {
    const timeouts = vi.spyOn(AbortSignal, 'timeout');
    post().reply(503, 'unavailable');
    post().reply(200, envData);
    await testClient({ random: () => 0.999999, backoffBaseMs: 40_000, backoffCapMs: 40_000 }).client.getTenantEnv(TENANT);
    expect(timeouts.mock.calls).toEqual([[30_000], [20_000]]);
  });
});

describe('what is never retried', () => {
  it.each([
    ['not-authorized', () => post().reply(200, graphqlError(`field "getTenantEnv" not found in type: 'query_root'`, 'validation-failed'))],
    ['not-authorized', () => post().reply(401, 'no')],
    ['not-found', () => post().reply(200, graphqlError('tenant not found', 'not-exists'))],
    ['service', () => post().reply(200, graphqlError('odd', 'weird'))],
    ['service', () => post().reply(404, 'no such endpoint')],
    ['service', () => post().reply(200, { data: { getTenantEnv: { hash: HASH, envVars: { environment: { A: 1 } } } } })],
    ['maintenance', () => post().reply(200, graphqlError('project is in maintenance mode', 'unexpected'))],
  ])('a read failing with %s', async (kind, fail) => {
    fail();
    post().reply(200, envData);
    const { client, sleeps } = testClient();
    const err = await rejection(client.getTenantEnv(TENANT));
    expect(err.kind).toBe(kind);
    expect(err.details.attempts).toBeUndefined();
    expect(err.message).not.toContain('gave up');
    expect(sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it.each([
    ['HTTP 503', () => post().reply(503, 'unavailable'), 'server', true],
    ['HTTP 429', () => post().reply(429, 'slow down', { 'retry-after': '1' }), 'server', false],
    ['GenericServerError', () => post().reply(200, graphqlError('internal', 'GenericServerError')), 'server', true],
    ['a reset connection', () => post().replyWithError({ code: 'ECONNRESET' }), 'network', true],
    ['a refused connection', () => post().replyWithError({ code: 'ECONNREFUSED' }), 'network', false],
    ['a timeout', () => post().delay(5_000).reply(200, {}), 'timeout', true],
    ['a stale hash', () => post().reply(200, graphqlError('config hash mismatch (currentHash is stale)', 'unexpected')), 'conflict', false],
  ])('a write failing with %s (it reports whether it may have been applied)', async (what, fail, kind, maybeApplied) => {
    fail();
    post().reply(200, { data: { updateTenantEnv: { hash: HASH, envVars: { environment: {} } } } });
    const { client, sleeps, events } = testClient({ timeoutMs: timeoutFor(what) });
    const err = await rejection(client.updateTenantEnv(TENANT, HASH, { A: '1' }));
    expect(err).toMatchObject({ kind, details: { maybeApplied } });
    expect(sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(events).toEqual([{ operation: 'updateTenantEnv', attempt: 1, maxAttempts: 1, ms: 0, outcome: kind }]);
  });

  it.each([
    ['createTenant', (c: CloudClient) => c.createTenant({ cloud: 'aws', region: 'us-east-2', envs: {} })],
    ['deleteTenantEnv', (c: CloudClient) => c.deleteTenantEnv(TENANT, HASH, ['A'])],
    ['deleteTenant', (c: CloudClient) => c.deleteTenant(TENANT)],
    ['updateTenantName', (c: CloudClient) => c.updateTenantName(TENANT, 'x')],
  ])('%s is a write too', async (_name, call) => {
    post().times(2).reply(503, 'unavailable');
    expect(await rejection(call(testClient().client))).toMatchObject({ kind: 'server', details: { maybeApplied: true } });
    expect(sent).toHaveLength(1);
  });
});

describe('the request hook', () => {
  it('reports every attempt with its operation, timing, outcome and the wait before the next', async () => {
    post().reply(503, 'unavailable');
    post().reply(200, envData);
    const { client, events } = testClient();
    await client.getTenantEnv(TENANT);
    expect(events).toEqual([
      { operation: 'getTenantEnv', attempt: 1, maxAttempts: 5, ms: 0, outcome: 'server', retryInMs: 100 },
      { operation: 'getTenantEnv', attempt: 2, maxAttempts: 5, ms: 0, outcome: 'ok' },
    ]);
    expect(JSON.stringify(events)).not.toContain(TENANT);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });

  it('measures each attempt with the clock', async () => {
    let clock = 1_000;
    post().reply(function () {
      clock += 12;
      return [200, envData];
    });
    const { client, events } = testClient({ now: () => clock });
    await client.getTenantEnv(TENANT);
    expect(events).toEqual([{ operation: 'getTenantEnv', attempt: 1, maxAttempts: 5, ms: 12, outcome: 'ok' }]);
  });
});

import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.js';
import { graphqlError, post, schemaErrors, sent, testClient, useMockService } from './helpers.js';
import { rejection } from './rejection.js';

useMockService();

const TENANTS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
const hashOf = (i: number) => String(i + 1).repeat(40);
const envOf = (i: number) => ({ hash: hashOf(i), envVars: { environment: { TENANT: String(i) } } });
const readOf = (i: number) => ({ status: 'fulfilled', value: { hash: hashOf(i), env: { TENANT: String(i) } } });
const single = (i: number) => ({ data: { getTenantEnv: envOf(i) } });
const NOT_AUTHORIZED = graphqlError(`field "getTenantEnv" not found in type: 'query_root'`, 'validation-failed') as { errors: object[] };
const TENANT_GONE = graphqlError('tenant not found', 'not-exists') as { errors: object[] };

/** What the service was asked, in order: `getTenantEnvs` or the tenant a single read named. */
const asked = () =>
  sent.map((r) => (r.operationName === 'getTenantEnv' ? TENANTS.indexOf(r.variables.tenantId as string) : r.operationName));

describe('a batched read', () => {
  it('sends one document of aliased getTenantEnv fields, valid against the schema, and reads each answer by its alias', async () => {
    post().reply(200, { data: { t2: envOf(2), t0: envOf(0), t1: envOf(1) } });
    const { client, events } = testClient();
    expect(await client.getTenantEnvs(TENANTS)).toEqual([readOf(0), readOf(1), readOf(2)]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.variables).toEqual({ t0: TENANTS[0], t1: TENANTS[1], t2: TENANTS[2] });
    expect(sent[0]!.query).toContain('t1: getTenantEnv(tenantId: $t1) { hash envVars }');
    expect(schemaErrors(sent[0]!)).toEqual([]);
    expect(events).toMatchObject([{ operation: 'getTenantEnvs', outcome: 'ok', batch: 3 }]);
  });

  it('of one tenant is the single read', async () => {
    post().reply(200, single(0));
    expect(await testClient().client.getTenantEnvs([TENANTS[0]!])).toEqual([readOf(0)]);
    expect(asked()).toEqual([0]);
  });

  it('keeps the reads a partial answer (data and errors) has, and sends each failed one again alone', async () => {
    post().reply(200, {
      data: { t0: envOf(0), t1: null, t2: envOf(2) },
      errors: [{ message: 'internal', path: ['t1'], extensions: { code: 'GenericServerError' } }],
    });
    post().reply(200, single(1));
    const { client, events } = testClient();
    expect(await client.getTenantEnvs(TENANTS)).toEqual([readOf(0), readOf(1), readOf(2)]);
    expect(asked()).toEqual(['getTenantEnvs', 1]);
    expect(events.map((e) => e.outcome)).toEqual(['partial', 'ok']);
  });

  it.each([
    ['lacks', { t0: envOf(0), t2: envOf(2) }],
    ['gives malformed', { t0: envOf(0), t1: { hash: hashOf(1), envVars: { environment: { A: 1 } } }, t2: envOf(2) }],
    ['gives an empty hash for', { t0: envOf(0), t1: { ...envOf(1), hash: '' }, t2: envOf(2) }],
  ])('sends alone a read the answer %s, never taking another alias for it', async (_what, data) => {
    post().reply(200, { data });
    post().reply(200, single(1));
    expect(await testClient().client.getTenantEnvs(TENANTS)).toEqual([readOf(0), readOf(1), readOf(2)]);
    expect(asked()).toEqual(['getTenantEnvs', 1]);
  });

  it('reports a read that fails alone too as that read failed, and only that one', async () => {
    post().reply(200, { data: { t0: envOf(0), t1: envOf(1), t2: null }, errors: TENANT_GONE.errors });
    post().reply(200, TENANT_GONE);
    const [first, second, third] = await testClient().client.getTenantEnvs(TENANTS);
    expect([first, second]).toEqual([readOf(0), readOf(1)]);
    expect(third).toMatchObject({ status: 'rejected', reason: { kind: 'not-found', operation: 'getTenantEnv' } });
  });

  it('reads each tenant alone when the service refuses the whole request (errors, no data), as Hasura does', async () => {
    post().reply(200, TENANT_GONE);
    post().reply(200, single(0));
    post().reply(200, TENANT_GONE);
    post().reply(200, single(2));
    const { client, sleeps } = testClient();
    const results = await client.getTenantEnvs(TENANTS);
    expect(results[0]).toEqual(readOf(0));
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { kind: 'not-found' } });
    expect(results[2]).toEqual(readOf(2));
    expect(asked()).toEqual(['getTenantEnvs', 0, 1, 2]);
    expect(sleeps).toEqual([]);
  });

  it('retries a whole request that failed on the way (5xx, reset) before reading alone', async () => {
    post().reply(503, 'unavailable');
    post().replyWithError({ code: 'ECONNRESET' });
    post().reply(200, { data: { t0: envOf(0), t1: envOf(1), t2: envOf(2) } });
    const { client, sleeps } = testClient();
    expect(await client.getTenantEnvs(TENANTS)).toEqual([readOf(0), readOf(1), readOf(2)]);
    expect(asked()).toEqual(['getTenantEnvs', 'getTenantEnvs', 'getTenantEnvs']);
    expect(sleeps).toHaveLength(2);
  });

  it('reads alone once the retries of the whole request are spent', async () => {
    post().times(2).reply(503, 'unavailable');
    for (const i of [0, 1, 2]) post().reply(200, single(i));
    expect(await testClient({ retries: 1 }).client.getTenantEnvs(TENANTS)).toEqual([readOf(0), readOf(1), readOf(2)]);
    expect(asked()).toEqual(['getTenantEnvs', 'getTenantEnvs', 0, 1, 2]);
  });

  it.each([
    ['the whole request', () => post().reply(200, NOT_AUTHORIZED)],
    ['an HTTP 401', () => post().reply(401, 'no')],
    ['a partial answer', () => post().reply(200, { data: { t0: envOf(0), t1: null, t2: null }, errors: NOT_AUTHORIZED.errors })],
  ])('fails at once, reading nothing alone, when the token is refused in %s', async (_where, refuse) => {
    refuse();
    const err = await rejection(testClient().client.getTenantEnvs(TENANTS));
    expect(err).toBeInstanceOf(CloudError);
    expect(err.kind).toBe('not-authorized');
    expect(sent).toHaveLength(1);
  });

  it('fails at once when the token is refused for a read sent alone', async () => {
    post().reply(200, TENANT_GONE);
    post().reply(200, single(0));
    post().reply(200, NOT_AUTHORIZED);
    expect(await rejection(testClient().client.getTenantEnvs(TENANTS))).toMatchObject({ kind: 'not-authorized' });
    expect(asked()).toEqual(['getTenantEnvs', 0, 1]);
  });

  it('reads alone when the answer is not an object of aliases', async () => {
    post().reply(200, { data: [envOf(0), envOf(1), envOf(2)] });
    for (const i of [0, 1, 2]) post().reply(200, single(i));
    expect(await testClient().client.getTenantEnvs(TENANTS)).toEqual([readOf(0), readOf(1), readOf(2)]);
    expect(asked()).toEqual(['getTenantEnvs', 0, 1, 2]);
  });
});

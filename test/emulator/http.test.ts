import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  randomFaults,
  startEmulator,
  type CreatedProject,
  type EmulatorWriteEvent,
  type Fault,
  type RequestInfo,
} from '../../src/emulator/index.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { seededRandom } from '../reliability/harness.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.close());
/** Hooks a test added, removed after it. */
const added: (() => void)[] = [];
afterEach(() => {
  for (const remove of added.splice(0)) remove();
  t.emulator.setFaults({ errorRate: 0, lostAnswerRate: 0, latencyMs: 0 });
});
const inject = (hook: (request: RequestInfo) => Fault | undefined) => added.push(t.emulator.onRequest(hook));

const post = (body: string | Uint8Array, init: { headers?: Record<string, string>; method?: string; url?: string } = {}) =>
  fetch(init.url ?? t.emulator.url, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', authorization: `pat ${t.token}`, ...init.headers },
    body,
  });

async function answer(res: Response): Promise<{ status: number; code: string | undefined; message: string | undefined }> {
  const body = (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] };
  return { status: res.status, code: body.errors?.[0]?.extensions.code, message: body.errors?.[0]?.message };
}

/** The server still answers a normal request after whatever came before. */
async function stillServing(): Promise<void> {
  const res = await post(JSON.stringify({ query: '{ projects { id } }' }));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ data: { projects: expect.any(Array) } });
}

const nested = (levels: number): string =>
  `{ projects ${'{ tenant { project '.repeat((levels - 1) / 2)}{ id }${' } }'.repeat((levels - 1) / 2)} }`;

describe('bad requests get a Hasura-style error and the server keeps serving', () => {
  it.each([
    ['malformed JSON', '{"query": "{ projects { id } }"', 400, 'invalid-json'],
    ['junk bytes', new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0x80]), 400, 'invalid-json'],
    ['a JSON string', '"{ projects { id } }"', 400, 'parse-failed'],
    ['a JSON array (batching)', '[{"query": "{ projects { id } }"}]', 400, 'parse-failed'],
    ['a missing query', '{"variables": {}}', 400, 'parse-failed'],
    ['a query that is not a string', '{"query": 5}', 400, 'parse-failed'],
    ['variables that are a list', '{"query": "{ projects { id } }", "variables": [1]}', 400, 'parse-failed'],
    ['an operationName that is not a string', '{"query": "{ projects { id } }", "operationName": 1}', 400, 'parse-failed'],
    ['a query that is too long', JSON.stringify({ query: `{ projects { id } }${' '.repeat(70_000)}` }), 400, 'parse-failed'],
    ['a GraphQL syntax error', JSON.stringify({ query: 'query {' }), 200, 'validation-failed'],
    ['ten thousand open braces', JSON.stringify({ query: '{'.repeat(10_000) }), 200, 'validation-failed'],
    ['too many tokens', JSON.stringify({ query: `{ ${'a '.repeat(30_000)}}` }), 200, 'validation-failed'],
    [
      'two operations and no operationName',
      JSON.stringify({ query: 'query a { projects { id } } query b { tenant { id } }' }),
      200,
      'validation-failed',
    ],
    ['an unknown operationName', JSON.stringify({ query: 'query a { projects { id } }', operationName: 'b' }), 200, 'validation-failed'],
    ['a subscription', JSON.stringify({ query: 'subscription { projects { id } }' }), 200, 'validation-failed'],
    ['a query nested too deep', JSON.stringify({ query: nested(13) }), 200, 'validation-failed'],
  ])('%s', async (_what, body, status, code) => {
    expect(await answer(await post(body))).toMatchObject({ status, code });
    await stillServing();
  });

  it('accepts a query nested exactly as deep as the limit', async () => {
    const res = await post(JSON.stringify({ query: nested(11) }));
    expect(await res.json()).toEqual({ data: { projects: [] } });
  });

  it('counts depth through fragments, and handles fragment cycles and fan-out', async () => {
    const chain = Array.from({ length: 7 }, (_, i) => `fragment F${i} on projects { tenant { project { ...F${i + 1} } } }`).join('\n');
    const deep = `{ projects { ...F0 } }\n${chain}\nfragment F7 on projects { id }`;
    expect(await answer(await post(JSON.stringify({ query: deep })))).toMatchObject({
      status: 200,
      code: 'validation-failed',
      message: expect.stringMatching(/deeper/),
    });

    const cycle = '{ projects { ...A } } fragment A on projects { tenant { project { ...A } } }';
    expect(await answer(await post(JSON.stringify({ query: cycle })))).toMatchObject({ code: 'validation-failed' });

    const fanOut = Array.from({ length: 30 }, (_, i) => `fragment G${i} on projects { ...G${i + 1} ...G${i + 1} }`).join('\n');
    const wide = `{ projects { ...G0 } }\n${fanOut}\nfragment G30 on projects { id }`;
    expect((await post(JSON.stringify({ query: wide }))).status).toBe(200);
    await stillServing();
  });

  it('survives a where clause nested a hundred thousand levels deep in the variables', async () => {
    const where = `${'{"_not":'.repeat(100_000)}{}${'}'.repeat(100_000)}`;
    const body = `{"query": "query ($w: projects_bool_exp) { projects(where: $w) { id } }", "variables": {"w": ${where}}}`;
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(Object.keys((await res.json()) as object)).toEqual([expect.stringMatching(/^(data|errors)$/)]);
    await stillServing();
  });

  it('refuses a body over the limit with 413', async () => {
    const huge = JSON.stringify({ query: '{ projects { id } }', variables: { pad: 'x'.repeat(1_200_000) } });
    expect(await answer(await post(huge))).toMatchObject({ status: 413, code: 'request-too-large' });
    await stillServing();
  });

  it('refuses GET with 405 and unknown paths with 404', async () => {
    const get = await fetch(`${t.emulator.url}?query=${encodeURIComponent('{ projects { id } }')}`);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await answer(get)).toMatchObject({ status: 405, code: 'not-supported' });
    expect(await answer(await post('{}', { url: t.emulator.url.replace('/v1/graphql', '/v1/query') }))).toMatchObject({
      status: 404,
      code: 'not-found',
    });
    await stillServing();
  });

  it('answers Hasura-style with 200 whatever the Accept and Content-Type headers say', async () => {
    const headers = { accept: 'application/graphql-response+json', 'content-type': 'text/plain' };
    expect(await answer(await post(JSON.stringify({ query: '{ nope }' }), { headers }))).toMatchObject({
      status: 200,
      code: 'validation-failed',
    });
    expect((await post(JSON.stringify({ query: '{ projects { id } }' }), { headers: { accept: 'text/html' } })).status).toBe(200);
  });
});

describe('faults a hook injects', () => {
  let project: CreatedProject;
  let hash: string;
  beforeEach(() => {
    project = t.seed(`fault-${Math.random().toString(36).slice(2, 10)}`, { A: '1' });
    hash = t.emulator.store.getEnv(project.tenantId).hash;
  });
  const write = () =>
    post(
      JSON.stringify({
        query:
          'mutation w($t: uuid!, $h: String!) { updateTenantEnv(tenantId: $t, currentHash: $h, envs: [{key: "A", value: "2"}]) { hash } }',
        variables: { t: project.tenantId, h: hash },
      }),
    );
  const read = (tenantId = project.tenantId) =>
    post(JSON.stringify({ query: 'query r($t: uuid!) { getTenantEnv(tenantId: $t) { hash } }', variables: { t: tenantId } }));
  const lastRecord = () => t.emulator.requests.at(-1);

  it('server-error: fails like a server error, before anything is written', async () => {
    inject(() => 'server-error');
    const res = await write();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      errors: [
        {
          message: 'there was an internal error while serving your request',
          extensions: { path: '$', code: 'GenericServerError', id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
        },
      ],
    });
    expect(lastRecord()).toMatchObject({ operationName: 'w', operationType: 'mutation', fault: 'server-error' });
    expect(t.emulator.store.getEnv(project.tenantId).hash).toBe(hash);
  });

  it.each([502, 503] as const)('http-%i: fails with that status, before anything is written', async (status) => {
    inject(() => `http-${status}`);
    const res = await write();
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(new RegExp(`^${status} `));
    expect(lastRecord()?.fault).toBe(`http-${status}`);
    expect(t.emulator.store.getEnv(project.tenantId).hash).toBe(hash);
  });

  it('dropped: closes the connection, before anything is written', async () => {
    inject(() => 'dropped');
    await expect(write()).rejects.toThrow();
    expect(lastRecord()?.fault).toBe('dropped');
    expect(t.emulator.store.getEnv(project.tenantId).hash).toBe(hash);
    added.splice(0).forEach((remove) => remove());
    await stillServing();
  });

  it('lost-answer: the write lands, and the connection closes unanswered', async () => {
    inject(({ operationType }) => (operationType === 'mutation' ? 'lost-answer' : undefined));
    await expect(write()).rejects.toThrow();
    expect(lastRecord()).toMatchObject({ operationType: 'mutation', fault: 'lost-answer' });
    expect(t.emulator.store.getEnv(project.tenantId).env.A).toBe('2');
    await stillServing();
  });

  it("refuse: answers the service's refusal of that kind, and writes nothing", async () => {
    inject(({ operationType }) => (operationType === 'mutation' ? { refuse: 'conflict' } : { refuse: 'not-found' }));
    expect(await answer(await write())).toEqual({
      status: 200,
      code: 'unexpected',
      message: 'config hash mismatch: the config has changed since it was read (currentHash is stale)',
    });
    expect(lastRecord()).toMatchObject({ fault: { refuse: 'conflict' }, errorCode: 'unexpected' });
    expect(t.emulator.store.getEnv(project.tenantId).hash).toBe(hash);
    expect(await answer(await read())).toEqual({ status: 200, code: 'not-exists', message: 'tenant not found' });
  });

  it('delayMs: holds that answer only, and closing the emulator does not wait for it', async () => {
    const e = await startTestEmulator();
    const { tenantId } = e.seed('slow');
    e.emulator.onRequest(({ nth }) => (nth === 1 ? { delayMs: 60_000 } : undefined));
    const ask = () =>
      e.client().request<{ getTenantEnv: { hash: string } }>('query r($t: uuid!) { getTenantEnv(tenantId: $t) { hash } }', { t: tenantId });
    let settled = false;
    const slow = ask().finally(() => (settled = true));
    await expect(ask()).resolves.toEqual({ getTenantEnv: { hash: e.emulator.store.getEnv(tenantId).hash } });
    expect(settled).toBe(false);
    expect(e.emulator.requests.map((r) => r.fault)).toEqual([{ delayMs: 60_000 }, undefined]);
    await e.close();
    await expect(slow).rejects.toThrow();
  });

  it('tells the hook the operation, its variables, the tenants it names, and its place among its kind', async () => {
    const seen: RequestInfo[] = [];
    inject((request) => void seen.push(request));
    const other = t.seed(`fault-other-${Math.random().toString(36).slice(2, 10)}`);
    await read();
    await read(other.tenantId);
    await post(
      JSON.stringify({
        query: `query pair($a: uuid!) { x: getTenantEnv(tenantId: $a) { hash } y: getTenantEnv(tenantId: "${other.tenantId}") { hash } tenant_by_pk(id: $a) { id } }`,
        variables: { a: project.tenantId },
      }),
    );
    await write();
    const reading = (tenantId: string, nth: number) => ({
      operationName: 'r',
      operationType: 'query',
      fields: ['getTenantEnv'],
      variables: { t: tenantId },
      tenantIds: [tenantId],
      nth,
    });
    expect(seen).toEqual([
      reading(project.tenantId, 1),
      reading(other.tenantId, 2),
      {
        operationName: 'pair',
        operationType: 'query',
        fields: ['getTenantEnv', 'getTenantEnv', 'tenant_by_pk'],
        variables: { a: project.tenantId },
        tenantIds: [project.tenantId, other.tenantId, project.tenantId],
        nth: 1,
      },
      {
        operationName: 'w',
        operationType: 'mutation',
        fields: ['updateTenantEnv'],
        variables: { t: project.tenantId, h: hash },
        tenantIds: [project.tenantId],
        nth: 1,
      },
    ]);
  });

  it('runs the hook before the request: an edit it makes is what the request sees', async () => {
    inject(({ nth, operationName }) => {
      if (operationName === 'w' && nth === 1) t.emulator.store.setEnv(project.tenantId, { A: 'console' });
      return undefined;
    });
    expect(await answer(await write())).toMatchObject({ message: expect.stringMatching(/currentHash is stale/) });
    expect(t.emulator.store.getEnv(project.tenantId).env).toEqual({ A: 'console' });
  });

  it('asks every hook about every request; the first one added that answers decides, until it is removed', async () => {
    const asked: string[] = [];
    const removeFirst = t.emulator.onRequest(() => {
      asked.push('first');
      return 'http-503';
    });
    inject(() => {
      asked.push('second');
      return 'http-502';
    });
    expect((await read()).status).toBe(503);
    removeFirst();
    expect((await read()).status).toBe(502);
    expect(asked).toEqual(['first', 'second', 'second']);
  });

  it('lets requests that name no operation through unasked', async () => {
    const asked: unknown[] = [];
    inject((request) => void asked.push(request));
    expect((await post('{"query": ')).status).toBe(400);
    expect((await post(JSON.stringify({ query: 'query {' }))).status).toBe(200);
    expect(asked).toEqual([]);
  });
});

describe('the write listener', () => {
  it('names the request that made each write, and none for a write made on the store directly', async () => {
    const project = t.seed(`listened-${Math.random().toString(36).slice(2, 10)}`, { A: '1' });
    const events: EmulatorWriteEvent[] = [];
    added.push(t.emulator.onWrite((e) => events.push(e)));
    inject(({ operationType }) => (operationType === 'mutation' ? 'lost-answer' : undefined));
    const { hash } = t.emulator.store.getEnv(project.tenantId);
    const body = JSON.stringify({
      query:
        'mutation w($t: uuid!, $h: String!) { updateTenantEnv(tenantId: $t, currentHash: $h, envs: [{key: "A", value: "2"}]) { hash } }',
      variables: { t: project.tenantId, h: hash },
    });
    await expect(post(body)).rejects.toThrow();
    const written = t.emulator.requests.at(-1);
    t.emulator.store.setEnv(project.tenantId, { A: '3' });
    expect(events).toEqual([
      expect.objectContaining({ operation: 'updateEnv', currentHash: hash, set: { A: '2' }, request: written }),
      expect.objectContaining({ operation: 'setEnv', set: { A: '3' } }),
    ]);
    expect(events[1]).not.toHaveProperty('request');
    expect(written).toMatchObject({ operationName: 'w', fault: 'lost-answer' });
  });
});

describe('random faults (hcr emulator --error-rate, --lost-answer-rate), a hook like any other', () => {
  const request = (operationType: 'query' | 'mutation'): RequestInfo => ({
    operationName: 'op',
    operationType,
    fields: [],
    variables: {},
    tenantIds: [],
    nth: 1,
  });

  it('fail about the share of requests asked, with each server fault, and lose only answers of mutations', () => {
    const hook = randomFaults(() => ({ errorRate: 0.25, lostAnswerRate: 0.5 }), seededRandom(3));
    const count = (faults: (Fault | undefined)[]) =>
      Object.fromEntries([...new Set(faults)].map((f) => [String(f), faults.filter((x) => x === f).length]));
    const queries = count(Array.from({ length: 4000 }, () => hook(request('query'))));
    expect(Object.keys(queries).sort()).toEqual(['dropped', 'http-502', 'http-503', 'server-error', 'undefined']);
    expect(queries.undefined! / 4000).toBeCloseTo(0.75, 1);
    for (const fault of ['dropped', 'http-502', 'http-503', 'server-error']) expect(queries[fault]! / 4000).toBeCloseTo(0.0625, 1);
    const mutations = count(Array.from({ length: 4000 }, () => hook(request('mutation'))));
    expect(mutations['lost-answer']! / 4000).toBeCloseTo(0.75 * 0.5, 1);
  });

  it('draw nothing at rate 0', () => {
    const hook = randomFaults(
      () => ({ errorRate: 0, lostAnswerRate: 0 }),
      () => {
        throw new Error('drawn');
      },
    );
    expect(hook(request('mutation'))).toBeUndefined();
  });

  it('follow setFaults: every request fails at rate 1, and none writes', async () => {
    const project = t.seed(`random-${Math.random().toString(36).slice(2, 10)}`, { A: '1' });
    const { hash } = t.emulator.store.getEnv(project.tenantId);
    t.emulator.setFaults({ errorRate: 1 });
    const body = JSON.stringify({
      query:
        'mutation w($t: uuid!, $h: String!) { updateTenantEnv(tenantId: $t, currentHash: $h, envs: [{key: "A", value: "2"}]) { hash } }',
      variables: { t: project.tenantId, h: hash },
    });
    for (let i = 0; i < 8; i++) await post(body).catch(() => undefined);
    expect(t.emulator.requests.slice(-8).map((r) => r.fault)).toEqual(
      Array(8).fill(expect.stringMatching(/^(server-error|http-50[23]|dropped)$/)),
    );
    expect(t.emulator.store.getEnv(project.tenantId).hash).toBe(hash);

    t.emulator.setFaults({ errorRate: 0, lostAnswerRate: 1 });
    await expect(post(body)).rejects.toThrow();
    expect(t.emulator.store.getEnv(project.tenantId).env.A).toBe('2');
    await stillServing();
    expect(t.emulator.requests.at(-1)?.fault).toBeUndefined();
  });

  it('still answers with latency', async () => {
    t.emulator.setFaults({ latencyMs: 20 });
    await stillServing();
  });

  it('refuses fault settings out of range', () => {
    expect(() => t.emulator.setFaults({ errorRate: 1.5 })).toThrow(UserError);
    expect(() => t.emulator.setFaults({ lostAnswerRate: -0.1 })).toThrow(/lost-answer rate/);
    expect(() => t.emulator.setFaults({ latencyMs: Number.NaN })).toThrow(/latency/);
  });

  it('refuses bad options at start', async () => {
    await expect(startEmulator({ port: 70_000 })).rejects.toThrow(/port must be an integer from 0 to 65535/);
    await expect(startEmulator({ errorRate: 2 })).rejects.toThrow(UserError);
    await expect(startEmulator({ tokens: ['has space'] })).rejects.toThrow(/tokens/);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { startEmulator, type CreatedProject } from '../../src/emulator/index.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/** Fault decisions come from this queue, so each test picks exactly which fault happens. */
let randomQueue: number[] = [];
let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ random: () => randomQueue.shift() ?? 0.99 });
});
afterAll(() => t.close());
beforeEach(() => {
  randomQueue = [];
  t.emulator.setFaults({ errorRate: 0, lostAnswerRate: 0, latencyMs: 0 });
});

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

describe('faults', () => {
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
  const lastRecord = () => t.emulator.requests.at(-1);

  it('fails like a server error, before anything is written', async () => {
    t.emulator.setFaults({ errorRate: 0.5 });
    randomQueue = [0.1, 0];
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

  it.each([
    [0.3, 502],
    [0.6, 503],
  ])('fails with an HTTP error (choice %d → %d), before anything is written', async (choice, status) => {
    t.emulator.setFaults({ errorRate: 0.5 });
    randomQueue = [0.1, choice];
    const res = await write();
    expect(res.status).toBe(status);
    expect(lastRecord()?.fault).toBe(`http-${status}`);
    expect(t.emulator.store.getEnv(project.tenantId).hash).toBe(hash);
  });

  it('drops the connection, before anything is written', async () => {
    t.emulator.setFaults({ errorRate: 0.5 });
    randomQueue = [0.1, 0.9];
    await expect(write()).rejects.toThrow();
    expect(lastRecord()?.fault).toBe('dropped');
    expect(t.emulator.store.getEnv(project.tenantId).hash).toBe(hash);
    await stillServing();
  });

  it('loses the answer of a mutation that landed, and never of a query', async () => {
    t.emulator.setFaults({ lostAnswerRate: 0.5 });
    randomQueue = [0.99, 0.1];
    await expect(write()).rejects.toThrow();
    expect(lastRecord()).toMatchObject({ operationType: 'mutation', fault: 'lost-answer' });
    expect(t.emulator.store.getEnv(project.tenantId).env.A).toBe('2');

    randomQueue = [0.99, 0.1];
    await stillServing();
    expect(lastRecord()?.fault).toBeUndefined();
  });

  it('still answers with latency', async () => {
    t.emulator.setFaults({ latencyMs: 20 });
    expect((await write()).status).toBe(200);
    expect(t.emulator.store.getEnv(project.tenantId).env.A).toBe('2');
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

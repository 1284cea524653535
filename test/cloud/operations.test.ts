import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { CloudClient } from '../../src/cloud/client.js';
import { CloudError } from '../../src/cloud/errors.js';
import * as operations from '../../src/cloud/operations.js';
import type { PreviewAppInput } from '../../src/cloud/types.js';
import { emulatorSchema } from '../../src/emulator/schema.js';
import { documentErrors, post, schemaErrors, sent, testClient, TOKEN, useMockService, type SentRequest } from './helpers.js';

useMockService();

const TENANT = '7a79cf94-0e53-4520-a560-1b02bf522f08';
const OTHER_TENANT = '0b6c3d2e-9f8a-4b7c-8d6e-5f4a3b2c1d0e';
const PROJECT = '3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const HASH = 'a'.repeat(40);
const NEW_HASH = 'b'.repeat(40);
const projectAnswer = (name: string, id = PROJECT) => ({
  id,
  name,
  endpoint: `https://${name}.hasura.app/v1/graphql`,
  tenant: { id: TENANT, maintenance_mode: false },
});
const envAnswer = (hash: string, environment: Record<string, unknown>) => ({ hash, envVars: { environment } });

const preview: PreviewAppInput = {
  githubPersonalAccessToken: 'ghp_preview_secret',
  githubRepoDetails: { owner: 'acme', repo: 'shop', branch: 'feature-x', directory: 'hasura' },
  projectOptions: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_free', name: 'shop-pr-12', envVars: [{ key: 'A', value: '1' }] },
};

interface Case {
  name: string;
  call: (client: CloudClient) => Promise<unknown>;
  variables: Record<string, unknown>;
  data: unknown;
  result: unknown;
}

const cases: Case[] = [
  {
    name: 'findProjectsByName',
    call: (c) => c.findProjectsByName(['shop-prod', 'shop-dev', 'shop-prod']),
    variables: { names: ['shop-prod', 'shop-dev'] },
    data: { projects: [projectAnswer('shop-prod'), projectAnswer('shop-dev', 'p2')] },
    result: [projectAnswer('shop-prod'), projectAnswer('shop-dev', 'p2')],
  },
  {
    name: 'findProjects',
    call: (c) => c.findProjects({ names: ['shop-prod'], tenantIds: [TENANT] }),
    variables: { names: ['shop-prod'], tenantIds: [TENANT] },
    data: { projects: [projectAnswer('shop-prod'), { ...projectAnswer('orphan', 'p2'), tenant: null }] },
    result: [projectAnswer('shop-prod'), { ...projectAnswer('orphan', 'p2'), tenant: null }],
  },
  {
    name: 'listProjects',
    call: (c) => c.listProjects(),
    variables: {},
    data: { projects: [projectAnswer('a'), projectAnswer('b', 'p2')] },
    result: [projectAnswer('a'), projectAnswer('b', 'p2')],
  },
  {
    name: 'getProject',
    call: (c) => c.getProject(PROJECT),
    variables: { id: PROJECT },
    data: { projects_by_pk: projectAnswer('shop-prod') },
    result: projectAnswer('shop-prod'),
  },
  {
    name: 'getTenantEnv',
    call: (c) => c.getTenantEnv(TENANT),
    variables: { tenantId: TENANT },
    data: { getTenantEnv: envAnswer(HASH, { A: '1', EMPTY: '' }) },
    result: { hash: HASH, env: { A: '1', EMPTY: '' } },
  },
  {
    name: 'getTenantEnvs',
    call: (c) => c.getTenantEnvs([TENANT, OTHER_TENANT]),
    variables: { t0: TENANT, t1: OTHER_TENANT },
    data: { t1: envAnswer(NEW_HASH, { B: '2' }), t0: envAnswer(HASH, { A: '1' }) },
    result: [
      { status: 'fulfilled', value: { hash: HASH, env: { A: '1' } } },
      { status: 'fulfilled', value: { hash: NEW_HASH, env: { B: '2' } } },
    ],
  },
  {
    name: 'updateTenantEnv',
    call: (c) => c.updateTenantEnv(TENANT, HASH, { A: '2', B: 'x y' }),
    variables: {
      tenantId: TENANT,
      currentHash: HASH,
      envs: [
        { key: 'A', value: '2' },
        { key: 'B', value: 'x y' },
      ],
    },
    data: { updateTenantEnv: envAnswer(NEW_HASH, { A: '2', B: 'x y' }) },
    result: { hash: NEW_HASH, env: { A: '2', B: 'x y' } },
  },
  {
    name: 'deleteTenantEnv',
    call: (c) => c.deleteTenantEnv(TENANT, HASH, ['OLD']),
    variables: { tenantId: TENANT, currentHash: HASH, deleteEnvs: ['OLD'] },
    data: { deleteTenantEnv: envAnswer(NEW_HASH, {}) },
    result: { hash: NEW_HASH, env: {} },
  },
  {
    name: 'createTenant',
    call: (c) => c.createTenant({ cloud: 'aws', region: 'us-east-2', billingPlan: 'cloud_payg', name: 'shop-new', envs: { A: '1' } }),
    variables: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_payg', name: 'shop-new', envs: [{ key: 'A', value: '1' }] },
    data: { createTenant: { id: TENANT, name: 'random-name-42' } },
    result: { tenantId: TENANT, name: 'random-name-42' },
  },
  {
    name: 'createTenant',
    call: (c) => c.createTenant({ cloud: 'aws', region: 'us-east-2', billingPlan: 'cloud_free', name: 'shop-new', envs: {} }),
    // No `envs` at all: a create carrying any has been seen to fail on the free plan.
    variables: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_free', name: 'shop-new' },
    data: { createTenant: { id: TENANT, name: 'shop-new' } },
    result: { tenantId: TENANT, name: 'shop-new' },
  },
  {
    name: 'listProjectsInRegion',
    call: (c) => c.listProjectsInRegion('us-east-2'),
    variables: { region: 'us-east-2' },
    data: { projects: [projectAnswer('project-1a2b3c4d5e')] },
    result: [projectAnswer('project-1a2b3c4d5e')],
  },
  {
    name: 'deleteTenant',
    call: (c) => c.deleteTenant(TENANT),
    variables: { tenantId: TENANT },
    data: { deleteTenant: { status: 'deleted' } },
    result: { status: 'deleted' },
  },
  {
    name: 'updateTenantName',
    call: (c) => c.updateTenantName(TENANT, 'shop-new'),
    variables: { tenantId: TENANT, name: 'shop-new' },
    data: { updateTenantName: { tenant_id: TENANT } },
    result: undefined,
  },
  {
    name: 'createGitHubPreviewApp',
    call: (c) => c.createGitHubPreviewApp(preview),
    variables: { payload: preview },
    data: { createGitHubPreviewApp: { githubPreviewAppJobID: 'job-1' } },
    result: { jobId: 'job-1' },
  },
  {
    name: 'getJob',
    call: (c) => c.getJob('job-1'),
    variables: { id: 'job-1' },
    data: {
      jobs_by_pk: {
        id: 'job-1',
        status: 'success',
        tasks: [
          {
            id: 't1',
            name: 'create-project',
            task_events: [{ id: 'e1', event_type: 'success', public_event_data: { projectId: PROJECT }, error: null }],
          },
        ],
      },
    },
    result: {
      id: 'job-1',
      status: 'success',
      tasks: [
        {
          id: 't1',
          name: 'create-project',
          task_events: [{ id: 'e1', event_type: 'success', public_event_data: { projectId: PROJECT }, error: null }],
        },
      ],
    },
  },
];

describe('every operation', () => {
  it.each(cases)(
    '$name sends its named document with its variables and reads the answer',
    async ({ name, call, variables, data, result }) => {
      post().reply(200, { data });
      await expect(call(testClient().client)).resolves.toEqual(result);
      expect(sent).toHaveLength(1);
      const [request] = sent;
      expect(request?.operationName).toBe(name);
      expect(request?.variables ?? {}).toEqual(variables);
      expect(schemaErrors(request!)).toEqual([]);
    },
  );

  it('has one named document per operation, each valid against the schema, names unique', () => {
    const all = [...Object.values(operations).filter((op) => typeof op === 'object'), operations.getTenantEnvs(2)];
    expect(new Set(all.map((op) => op.name)).size).toBe(all.length);
    const documented = all.filter((op) => op !== operations.GET_TENANT_STATUSES);
    for (const op of documented) expect(documentErrors(op.document)).toEqual([]);
    expect(
      all
        .filter((op) => op.mutation)
        .map((op) => op.name)
        .sort(),
    ).toEqual(['createGitHubPreviewApp', 'createTenant', 'deleteTenant', 'deleteTenantEnv', 'updateTenantEnv', 'updateTenantName']);
  });

  it('asks for the undocumented status fields alone: refused by the documented schema, valid against the one a real client saw', () => {
    const { document } = operations.GET_TENANT_STATUSES;
    expect(documentErrors(document)).toEqual([
      'Cannot query field "health_status" on type "tenant".',
      'Field "status" must not have a selection since type "String" has no subfields.',
    ]);
    expect(validate(emulatorSchema({ statusFields: true }), parse(document))).toEqual([]);
  });

  it('sends the token as `Authorization: pat <token>`, as JSON', async () => {
    let headers: Record<string, unknown> = {};
    post().reply(function () {
      headers = this.req.headers;
      return [200, { data: { getTenantEnv: envAnswer(HASH, {}) } }];
    });
    await testClient().client.getTenantEnv(TENANT);
    expect(headers).toMatchObject({ authorization: `pat ${TOKEN}`, 'content-type': expect.stringMatching(/^application\/json/) });
  });

  it.each([
    ['getProject', (c: CloudClient) => c.getProject(PROJECT), { projects_by_pk: null }],
    ['getJob', (c: CloudClient) => c.getJob('job-1'), { jobs_by_pk: null }],
  ])('%s answers null for an unknown id', async (_name, call, data) => {
    post().reply(200, { data });
    await expect(call(testClient().client)).resolves.toBeNull();
  });
});

describe('project lookup', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `project-${i}`);
  const tenantOf = (name: string) => `tenant-of-${name}`;
  const lookupVariables = (r: SentRequest) => r.variables as { names: string[]; tenantIds?: string[] };

  /** A service that has these projects and answers a lookup with at most `cap` of the matching ones. */
  function lookupService(existing: string[], cap = Infinity): void {
    post()
      .times(100)
      .reply(200, (_uri, body) => {
        const { names: asked, tenantIds = [] } = lookupVariables(body as SentRequest);
        const matching = existing.filter((name) => asked.includes(name) || tenantIds.includes(tenantOf(name)));
        const projects = matching
          .slice(0, cap)
          .map((name) => ({ ...projectAnswer(name, `id-${name}`), tenant: { id: tenantOf(name), maintenance_mode: false } }));
        return { data: { projects } };
      });
  }

  it('resolves hundreds of names with one request', async () => {
    lookupService(names(500));
    expect(await testClient().client.findProjectsByName(names(500))).toHaveLength(500);
    expect(sent).toHaveLength(1);
    expect(lookupVariables(sent[0]!).names).toHaveLength(500);
  });

  it('chunks beyond 500 names and merges the answers', async () => {
    lookupService(names(1200));
    const found = await testClient().client.findProjectsByName(names(1200));
    expect(sent.map((r) => lookupVariables(r).names.length)).toEqual([500, 500, 200]);
    expect(found.map((p) => p.name)).toEqual(names(1200));
  });

  it('asks once more for the names not found, and stops when that finds none', async () => {
    lookupService(['a', 'b']);
    const found = await testClient().client.findProjectsByName(['a', 'missing', 'b', 'gone']);
    expect(found.map((p) => p.name)).toEqual(['a', 'b']);
    expect(sent.map((r) => lookupVariables(r).names)).toEqual([
      ['a', 'missing', 'b', 'gone'],
      ['missing', 'gone'],
    ]);
  });

  it('pages through a service that caps the rows of one answer, rather than taking projects to be missing', async () => {
    lookupService(names(10), 4);
    const found = await testClient().client.findProjects({ names: names(9), tenantIds: [tenantOf('project-9')] });
    expect(found.map((p) => p.name).sort()).toEqual(names(10).sort());
    expect(sent.map((r) => lookupVariables(r).names.length + lookupVariables(r).tenantIds!.length)).toEqual([10, 6, 2]);
  });

  it('makes no request for no names', async () => {
    await expect(testClient().client.findProjects({ names: [], tenantIds: [] })).resolves.toEqual([]);
    expect(sent).toHaveLength(0);
  });

  it('looks up by name only with the simple document when no tenant ids are given', async () => {
    post().reply(200, { data: { projects: [] } });
    await testClient().client.findProjects({ names: ['a'], tenantIds: [] });
    expect(sent[0]?.operationName).toBe('findProjectsByName');
  });

  it('reports a project found by both name and tenant id once', async () => {
    lookupService(['shop-prod']);
    const found = await testClient().client.findProjects({ names: ['shop-prod', ...names(500)], tenantIds: [tenantOf('shop-prod')] });
    expect(sent.map(lookupVariables).map((v) => [v.names.length, v.tenantIds])).toEqual([
      [500, [tenantOf('shop-prod')]],
      [1, []],
      [500, []],
    ]);
    expect(found.map((p) => p.name)).toEqual(['shop-prod']);
  });
});

describe('answer shapes', () => {
  it.each([
    [
      'a non-string value',
      { getTenantEnv: envAnswer(HASH, { A: 'fine', PORT: 8080 }) },
      'data.getTenantEnv.envVars.environment.PORT is not a string',
    ],
    ['a missing hash', { getTenantEnv: { envVars: { environment: {} } } }, 'data.getTenantEnv.hash is not a string'],
    ['an empty hash', { getTenantEnv: envAnswer('', {}) }, 'data.getTenantEnv.hash is not a non-empty string'],
    ['no environment', { getTenantEnv: { hash: HASH, envVars: {} } }, 'data.getTenantEnv.envVars.environment is not an object'],
    ['envVars as a string', { getTenantEnv: { hash: HASH, envVars: '{"environment":{}}' } }, 'data.getTenantEnv.envVars is not an object'],
    ['a null answer', { getTenantEnv: null }, 'data.getTenantEnv is not an object'],
  ])('getTenantEnv with %s is a service error naming the field', async (_what, data, detail) => {
    post().reply(200, { data });
    const err = await testClient()
      .client.getTenantEnv(TENANT)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({ kind: 'service', operation: 'getTenantEnv' });
    expect((err as CloudError).message).toBe(`getTenantEnv failed: unexpected answer from the service: ${detail}`);
    expect((err as CloudError).message).not.toContain('8080');
  });

  it('rejects a project list with a malformed entry', async () => {
    post().reply(200, { data: { projects: [projectAnswer('a'), { id: 'x', name: 'b' }] } });
    await expect(testClient().client.listProjects()).rejects.toMatchObject({
      kind: 'service',
      message: 'listProjects failed: unexpected answer from the service: data.projects[1].endpoint is not a string',
    });
  });

  it('rejects an answer without data', async () => {
    post().reply(200, {});
    await expect(testClient().client.listProjects()).rejects.toMatchObject({
      kind: 'service',
      message: expect.stringContaining('data is not an object'),
    });
  });

  it('rejects a preview app answer without a job id', async () => {
    post().reply(200, { data: { createGitHubPreviewApp: { githubPreviewAppJobID: null } } });
    await expect(testClient().client.createGitHubPreviewApp(preview)).rejects.toMatchObject({ kind: 'service' });
  });
});

import { ClientError, type GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_SECRET_KEY, type CreatedProject } from '../../src/emulator/index.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

interface HasuraError {
  message: string;
  extensions: { code: string; path: string; id?: string };
}

/** The first error of a request that must fail the Hasura way: HTTP 200 and an `errors` array. */
async function failure(request: Promise<unknown>): Promise<HasuraError> {
  const err: unknown = await request.then(
    () => new Error('expected the request to fail'),
    (e: unknown) => e,
  );
  if (!(err instanceof ClientError)) throw err;
  expect(err.response.status).toBe(200);
  expect(err.response.data).toBeUndefined();
  return err.response.errors?.[0] as unknown as HasuraError;
}

const STALE = /currentHash is stale/;

let t: TestEmulator;
let client: GraphQLClient;
beforeAll(async () => {
  t = await startTestEmulator({ tokens: ['token-a', 'token-b'] });
  client = t.client();
});
afterAll(() => t.close());

const ENV_QUERY = 'query getTenantEnv($tenantId: uuid!) { getTenantEnv(tenantId: $tenantId) { hash envVars } }';
const UPDATE = `mutation updateTenantEnv($tenantId: uuid!, $currentHash: String!, $envs: [UpdateEnvObject!]!) {
  updateTenantEnv(tenantId: $tenantId, currentHash: $currentHash, envs: $envs) { hash envVars }
}`;
const DELETE = `mutation deleteTenantEnv($tenantId: uuid!, $currentHash: String!, $deleteEnvs: [String!]!) {
  deleteTenantEnv(tenantId: $tenantId, currentHash: $currentHash, deleteEnvs: $deleteEnvs) { hash envVars }
}`;

interface TenantEnvAnswer {
  hash: string;
  envVars: { environment: Record<string, string> };
}
const readEnv = async (tenantId: string) => (await client.request<{ getTenantEnv: TenantEnvAnswer }>(ENV_QUERY, { tenantId })).getTenantEnv;
const update = async (tenantId: string, currentHash: string, envs: { key: string; value: string }[]) =>
  (await client.request<{ updateTenantEnv: TenantEnvAnswer }>(UPDATE, { tenantId, currentHash, envs })).updateTenantEnv;

describe('authentication', () => {
  it('accepts every configured token', async () => {
    for (const token of ['token-a', 'token-b']) {
      await expect(t.client(token).request('{ projects { id } }')).resolves.toEqual({ projects: expect.any(Array) });
    }
  });

  it.each([
    ['a wrong token', { authorization: 'pat nope' }],
    ['no header', {}],
    ['another scheme', { authorization: 'Bearer token-a' }],
  ])('answers %s as the anonymous role, which sees no fields', async (_what, headers) => {
    const anonymous = t.client();
    anonymous.setHeaders(headers);
    expect(await failure(anonymous.request('query getProjects { projects { id } }'))).toEqual({
      message: `field "projects" not found in type: 'query_root'`,
      extensions: { path: '$.selectionSet.projects', code: 'validation-failed' },
    });
    expect(await failure(anonymous.request('mutation { deleteTenant(tenantId: "x") { status } }'))).toEqual({
      message: `field "deleteTenant" not found in type: 'mutation_root'`,
      extensions: { path: '$.selectionSet.deleteTenant', code: 'validation-failed' },
    });
  });
});

describe('documents', () => {
  it('refuses unknown fields with Hasura wording and a path into the document', async () => {
    expect(await failure(client.request('{ projects { id tenant { nope } } }'))).toEqual({
      message: `field "nope" not found in type: 'tenant'`,
      extensions: { path: '$.selectionSet.projects.selectionSet.tenant.selectionSet.nope', code: 'validation-failed' },
    });
  });

  it('refuses a syntax error, a missing variable and wrongly typed arguments as validation-failed', async () => {
    for (const request of [
      () => client.request('{ projects { id '),
      () => client.request(ENV_QUERY, {}),
      () => client.request('{ projects(where: {name: {_eq: 5}}) { id } }'),
      () => client.request('{ projects(where: {colour: {_eq: "red"}}) { id } }'),
      () => client.request('{ tenant_by_pk(id: 5) { id } }'),
      () => client.request(ENV_QUERY, { tenantId: 5 }),
    ]) {
      expect((await failure(request())).extensions.code).toBe('validation-failed');
    }
  });

  it('accepts a non-uuid default value, as real clients declare one', async () => {
    const query = 'query getJob($jobId: uuid!="GF12zEeQai1skCuOoVU3wyyiqj30nEnzt2hpZ0L") { jobs_by_pk(id: $jobId) { id } }';
    await expect(client.request(query, { jobId: '00000000-0000-4000-8000-000000000000' })).resolves.toEqual({ jobs_by_pk: null });
  });

  it('refuses a malformed uuid when it is used, as Postgres would', async () => {
    expect(await failure(client.request(ENV_QUERY, { tenantId: 'not-a-uuid' }))).toEqual({
      message: 'invalid input syntax for type uuid: "not-a-uuid"',
      extensions: { path: '$.selectionSet.getTenantEnv.args.tenantId', code: 'data-exception' },
    });
  });
});

describe('tables', () => {
  let shop: CreatedProject;
  let staging: CreatedProject;
  let blog: CreatedProject;
  beforeAll(() => {
    for (const p of t.emulator.store.listProjects()) t.emulator.store.deleteTenant(p.tenantId);
    shop = t.seed('shop-prod');
    staging = t.seed('shop-staging', {}, { region: 'eu-west-1' });
    blog = t.seed('blog');
    t.emulator.store.setMaintenance(blog.tenantId, true);
  });

  const names = async (args: string) =>
    (await client.request<{ projects: { name: string }[] }>(`{ projects${args} { name } }`)).projects.map((p) => p.name);

  it('lists projects with their endpoint and tenant', async () => {
    const { projects } = await client.request<{ projects: unknown[] }>('{ projects { id name endpoint created_at tenant { id } } }');
    expect(projects).toContainEqual({
      id: shop.projectId,
      name: 'shop-prod',
      endpoint: 'https://shop-prod.hasura.app/v1/graphql',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\+00:00$/),
      tenant: { id: shop.tenantId },
    });
  });

  it.each([
    ['(where: {name: {_eq: "blog"}})', ['blog']],
    ['(where: {name: {_neq: "blog"}}, order_by: {name: asc})', ['shop-prod', 'shop-staging']],
    ['(where: {name: {_in: ["blog", "nope"]}})', ['blog']],
    ['(where: {name: {_nin: ["blog"]}}, order_by: [{name: desc}])', ['shop-staging', 'shop-prod']],
    ['(where: {name: {_like: "shop-%"}}, order_by: {name: asc})', ['shop-prod', 'shop-staging']],
    ['(where: {name: {_like: "blo_"}})', ['blog']],
    ['(where: {name: {_like: "SHOP%"}})', []],
    ['(where: {name: {_ilike: "SHOP-P%"}})', ['shop-prod']],
    ['(where: {name: {_is_null: true}})', []],
    ['(where: {_or: [{name: {_eq: "blog"}}, {name: {_eq: "shop-prod"}}]}, order_by: {name: asc})', ['blog', 'shop-prod']],
    ['(where: {_and: [{name: {_like: "shop%"}}, {_not: {name: {_eq: "shop-prod"}}}]})', ['shop-staging']],
    ['(where: {_or: []})', []],
    ['(where: {tenant: {region: {_eq: "eu-west-1"}}})', ['shop-staging']],
    ['(where: {tenant: {maintenance_mode: {_eq: true}}})', ['blog']],
    ['(where: {tenant: {active: {_eq: true}, slug: {_eq: "blog"}}})', ['blog']],
    ['(order_by: {name: asc}, limit: 2)', ['blog', 'shop-prod']],
    ['(order_by: {name: asc}, offset: 1, limit: 1)', ['shop-prod']],
    ['(order_by: {name: desc_nulls_last}, offset: 2)', ['blog']],
  ])('projects%s', async (args, expected) => {
    expect(await names(args)).toEqual(expected);
  });

  it('filters by id in any letter case, also through the tenant', async () => {
    expect(await names(`(where: {id: {_eq: "${shop.projectId.toUpperCase()}"}})`)).toEqual(['shop-prod']);
    expect(await names(`(where: {tenant: {id: {_in: ["${staging.tenantId}"]}}})`)).toEqual(['shop-staging']);
  });

  it('takes variables as real clients send them', async () => {
    const query = 'query getProjects($name: String!) { projects(where: {name: {_eq: $name}}) { id tenant { id } } }';
    expect(await client.request(query, { name: 'blog' })).toEqual({ projects: [{ id: blog.projectId, tenant: { id: blog.tenantId } }] });
  });

  it('refuses a malformed uuid in a filter even where no row is compared with it, as Postgres would', async () => {
    expect(await failure(client.request('{ projects(where: {_and: [{name: {_eq: "nope"}}, {id: {_eq: "not-a-uuid"}}]}) { id } }'))).toEqual(
      {
        message: 'invalid input syntax for type uuid: "not-a-uuid"',
        extensions: { path: '$.selectionSet.projects.args.where._and[1].id._eq', code: 'data-exception' },
      },
    );
  });

  it('refuses a null comparison and a negative limit like Hasura', async () => {
    expect(await failure(client.request('{ projects(where: {name: {_eq: null}}) { id } }'))).toMatchObject({
      extensions: { code: 'validation-failed', path: '$.selectionSet.projects.args.where.name._eq' },
    });
    expect((await failure(client.request('{ projects(limit: -1) { id } }'))).extensions.code).toBe('validation-failed');
  });

  it('lists tenants with their project', async () => {
    const query = `{ tenant(where: {project_id: {_eq: "${staging.projectId}"}}) {
      id slug cloud region project_id active maintenance_mode status created_at updated_at project { id name endpoint } } }`;
    expect(await client.request(query)).toEqual({
      tenant: [
        {
          id: staging.tenantId,
          slug: 'shop-staging',
          cloud: 'aws',
          region: 'eu-west-1',
          project_id: staging.projectId,
          active: true,
          maintenance_mode: false,
          status: null,
          created_at: expect.any(String),
          updated_at: expect.any(String),
          project: { id: staging.projectId, name: 'shop-staging', endpoint: 'https://shop-staging.hasura.app/v1/graphql' },
        },
      ],
    });
    const bySlug = await client.request<{ tenant: { slug: string }[] }>(
      '{ tenant(order_by: [{slug: desc}], where: {slug: {_neq: "blog"}}) { slug } }',
    );
    expect(bySlug.tenant.map((x) => x.slug)).toEqual(['shop-staging', 'shop-prod']);
  });

  it('finds by primary key, and answers null for an unknown one', async () => {
    const query = `query ($p: uuid!, $t: uuid!, $none: uuid!) {
      byProject: projects_by_pk(id: $p) { name tenant { maintenance_mode } }
      byTenant: tenant_by_pk(id: $t) { slug project { name } }
      none: projects_by_pk(id: $none) { id }
    }`;
    const answer = await client.request(query, { p: blog.projectId, t: shop.tenantId, none: shop.tenantId });
    expect(answer).toEqual({
      byProject: { name: 'blog', tenant: { maintenance_mode: true } },
      byTenant: { slug: 'shop-prod', project: { name: 'shop-prod' } },
      none: null,
    });
  });
});

describe('env actions', () => {
  let project: CreatedProject;
  beforeEach(() => {
    project = t.seed(`env-${Math.random().toString(36).slice(2, 10)}`, { A: '1', B: '2' });
  });

  it('reads the env as {hash, envVars: {environment}}', async () => {
    const env = await readEnv(project.tenantId);
    expect(env.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(env.envVars).toEqual({ environment: { A: '1', B: '2', [ADMIN_SECRET_KEY]: expect.any(String) } });
  });

  it('updates only the keys sent and returns the new hash', async () => {
    const before = await readEnv(project.tenantId);
    const after = await update(project.tenantId, before.hash, [
      { key: 'B', value: '20' },
      { key: 'C', value: '3' },
    ]);
    expect(after.hash).not.toBe(before.hash);
    expect(after.envVars.environment).toEqual({ ...before.envVars.environment, B: '20', C: '3' });
    expect(await readEnv(project.tenantId)).toEqual(after);
  });

  it('deletes keys with the hash of the previous write (expand, then contract)', async () => {
    const h0 = (await readEnv(project.tenantId)).hash;
    const h1 = (await update(project.tenantId, h0, [{ key: 'NEW', value: 'x' }])).hash;
    const { deleteTenantEnv } = await client.request<{ deleteTenantEnv: TenantEnvAnswer }>(DELETE, {
      tenantId: project.tenantId,
      currentHash: h1,
      deleteEnvs: ['A', 'MISSING'],
    });
    expect(Object.keys(deleteTenantEnv.envVars.environment).sort()).toEqual(['B', ADMIN_SECRET_KEY, 'NEW']);
    expect((await failure(client.request(DELETE, { tenantId: project.tenantId, currentHash: h1, deleteEnvs: ['B'] }))).message).toMatch(
      STALE,
    );
  });

  it('refuses a stale hash with nothing written', async () => {
    const { hash } = await readEnv(project.tenantId);
    t.emulator.store.setEnv(project.tenantId, { A: 'edited in the console' });
    const before = t.emulator.store.getEnv(project.tenantId);
    expect(await failure(update(project.tenantId, hash, [{ key: 'A', value: 'mine' }]))).toEqual({
      message: 'config hash mismatch: the config has changed since it was read (currentHash is stale)',
      extensions: { path: '$', code: 'unexpected' },
    });
    expect(t.emulator.store.getEnv(project.tenantId)).toEqual(before);
  });

  it('refuses a no-op with "nothing changed in config"', async () => {
    const { hash } = await readEnv(project.tenantId);
    const expected = { message: 'nothing changed in config', extensions: { path: '$', code: 'legacyError' } };
    expect(await failure(update(project.tenantId, hash, [{ key: 'A', value: '1' }]))).toEqual(expected);
    expect(await failure(update(project.tenantId, hash, []))).toEqual(expected);
    expect(await failure(client.request(DELETE, { tenantId: project.tenantId, currentHash: hash, deleteEnvs: ['NOPE'] }))).toEqual(
      expected,
    );
  });

  it('refuses env writes in maintenance mode', async () => {
    const { hash } = await readEnv(project.tenantId);
    t.emulator.store.setMaintenance(project.tenantId, true);
    const expected = {
      message: 'project is in maintenance mode: env vars cannot be added, updated or deleted',
      extensions: { path: '$', code: 'unexpected' },
    };
    expect(await failure(update(project.tenantId, hash, [{ key: 'A', value: '2' }]))).toEqual(expected);
    expect(await failure(client.request(DELETE, { tenantId: project.tenantId, currentHash: hash, deleteEnvs: ['A'] }))).toEqual(expected);
    expect((await readEnv(project.tenantId)).hash).toBe(hash);
  });

  it('answers "tenant not found" for an unknown tenant', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const expected = { message: 'tenant not found', extensions: { path: '$', code: 'not-exists' } };
    expect(await failure(readEnv(unknown))).toEqual(expected);
    expect(await failure(update(unknown, 'x', [{ key: 'A', value: '1' }]))).toEqual(expected);
    expect(await failure(client.request('mutation ($id: uuid!) { deleteTenant(tenantId: $id) { status } }', { id: unknown }))).toEqual(
      expected,
    );
  });

  it('lets exactly one of many concurrent writers with the same hash win', async () => {
    t.emulator.setFaults({ latencyMs: 5 });
    try {
      const { hash } = await readEnv(project.tenantId);
      const writers = Array.from({ length: 25 }, (_, i) => update(project.tenantId, hash, [{ key: 'WINNER', value: String(i) }]));
      const results = await Promise.allSettled(writers);
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as ClientError).response.errors?.[0]?.message).toMatch(STALE);
      }
      const final = await readEnv(project.tenantId);
      expect(final.envVars.environment.WINNER).toBe(String(won[0]));
      expect(final.hash).toBe((results[won[0] ?? 0] as PromiseFulfilledResult<TenantEnvAnswer>).value.hash);
    } finally {
      t.emulator.setFaults({ latencyMs: 0 });
    }
  });
});

describe('project actions', () => {
  const CREATE = `mutation createTenant($cloud: String!, $region: String!, $envs: [UpdateEnvsObject], $name: String, $plan: String) {
    createTenant(cloud: $cloud, region: $region, envs: $envs, name: $name, plan: $plan) { id name tenant { id slug project { id endpoint } } }
  }`;
  interface Created {
    createTenant: { id: string; name: string; tenant: { id: string; slug: string; project: { id: string; endpoint: string } } };
  }

  it('creates a project with the name asked for, Cloud-set admin secret and the envs given', async () => {
    const { createTenant } = await client.request<Created>(CREATE, {
      cloud: 'aws',
      region: 'us-east-2',
      plan: 'cloud_payg',
      name: 'created-one',
      envs: [{ key: 'K', value: 'v' }, null],
    });
    expect(createTenant).toEqual({
      id: createTenant.tenant.id,
      name: 'created-one',
      tenant: {
        id: expect.any(String),
        slug: 'created-one',
        project: { id: expect.any(String), endpoint: 'https://created-one.hasura.app/v1/graphql' },
      },
    });
    expect(createTenant.tenant.project.id).not.toBe(createTenant.id);
    expect(t.emulator.store.findProjectByName('created-one')?.plan).toBe('cloud_payg');
    expect((await readEnv(createTenant.id)).envVars.environment).toEqual({ K: 'v', [ADMIN_SECRET_KEY]: expect.stringMatching(/\S{16}/) });
  });

  it('refuses a duplicate name, an invalid name and an unknown cloud', async () => {
    await client.request(CREATE, { cloud: 'aws', region: 'us-east-2', name: 'taken' });
    expect(await failure(client.request(CREATE, { cloud: 'aws', region: 'us-east-2', name: 'taken' }))).toEqual({
      message: 'Uniqueness violation. duplicate key value violates unique constraint "projects_name_key"',
      extensions: { path: '$', code: 'constraint-violation' },
    });
    const invalid = await failure(client.request(CREATE, { cloud: 'aws', region: 'us-east-2', name: 'Not_Valid' }));
    expect(invalid).toMatchObject({ message: expect.stringMatching(/^invalid project name: /), extensions: { code: 'unexpected' } });
    expect((await failure(client.request(CREATE, { cloud: 'azure', region: 'x' }))).extensions.code).toBe('unexpected');
  });

  it('with the createRenames quirk, gives a created project a random name, as the real service has been seen to', async () => {
    t.emulator.setQuirks({ createRenames: true });
    try {
      const { createTenant } = await client.request<Created>(CREATE, {
        cloud: 'aws',
        region: 'us-east-2',
        name: 'asked-for',
        envs: [{ key: 'K', value: 'v' }],
      });
      expect(createTenant.name).toMatch(/^project-[0-9a-f]{10}$/);
      expect(t.emulator.store.findProjectByName('asked-for')).toBeUndefined();
      expect(t.emulator.store.findProjectByName(createTenant.name)?.env.K).toBe('v');
    } finally {
      t.emulator.setQuirks({ createRenames: false });
    }
  });

  it('renames and deletes a project', async () => {
    const p = t.seed('to-rename');
    const rename =
      'mutation ($id: uuid!, $name: String!) { updateTenantName(tenantId: $id, name: $name) { tenant_id tenant { slug project { name endpoint } } } }';
    expect(await client.request(rename, { id: p.tenantId, name: 'renamed' })).toEqual({
      updateTenantName: {
        tenant_id: p.tenantId,
        tenant: { slug: 'renamed', project: { name: 'renamed', endpoint: 'https://renamed.hasura.app/v1/graphql' } },
      },
    });
    expect((await failure(client.request(rename, { id: p.tenantId, name: 'bad name' }))).extensions.code).toBe('unexpected');
    const del = 'mutation ($id: uuid!) { deleteTenant(tenantId: $id) { status } }';
    expect(await client.request(del, { id: p.tenantId })).toEqual({ deleteTenant: { status: 'deleted' } });
    expect((await failure(readEnv(p.tenantId))).extensions.code).toBe('not-exists');
  });
});

describe('preview apps', () => {
  // The documents of the hasura-cloud-preview-apps GitHub Action, as it sends them.
  const CREATE_PREVIEW = `mutation createPreviewApp ($githubPAT: String!, $appName: String!, $githubRepoOwner: String!, $githubRepo: String!,
      $githubBranch: String!, $githubDir: String!, $region: String!, $cloud: String!, $plan: String!, $env: [UpdateEnvsObject]) {
    createGitHubPreviewApp (payload: {
      githubPersonalAccessToken: $githubPAT,
      githubRepoDetails: { branch: $githubBranch, owner: $githubRepoOwner, repo: $githubRepo, directory: $githubDir },
      projectOptions: { cloud: $cloud, region: $region, plan: $plan, name: $appName, envVars: $env }
    }) { githubPreviewAppJobID }
  }`;
  const JOB = `query getPreviewAppCreationJob($jobId: uuid!="GF12zEeQai1skCuOoVU3wyyiqj30nEnzt2hpZ0LRe368UdwE5JC7nrT4AIr85rmu") {
    jobs_by_pk(id: $jobId) { id status tasks { id name task_events { id event_type public_event_data error } } }
  }`;
  interface JobAnswer {
    jobs_by_pk: {
      id: string;
      status: string;
      tasks: { task_events: { event_type: string; public_event_data: any; error: string | null }[] }[];
    };
  }
  const vars = (appName: string, over: Record<string, unknown> = {}) => ({
    githubPAT: 'ghp_token',
    appName,
    githubRepoOwner: 'org',
    githubRepo: 'app',
    githubBranch: 'feature',
    githubDir: 'hasura',
    region: 'us-east-2',
    cloud: 'aws',
    plan: 'cloud_free',
    env: [{ key: 'PG_DATABASE_URL', value: 'postgres://preview' }],
    ...over,
  });
  const schedule = async (v: Record<string, unknown>) =>
    (await client.request<{ createGitHubPreviewApp: { githubPreviewAppJobID: string } }>(CREATE_PREVIEW, v)).createGitHubPreviewApp
      .githubPreviewAppJobID;
  const job = async (jobId: string) => (await client.request<JobAnswer>(JOB, { jobId })).jobs_by_pk;
  const finished = (jobId: string) =>
    vi.waitFor(
      async () => {
        const j = await job(jobId);
        if (j.status === 'running') throw new Error('still running');
        return j;
      },
      { timeout: 3000, interval: 10 },
    );

  it('schedules a job that runs, then succeeds with the new project id; a redeploy updates its env', async () => {
    // The job's clock is stopped (an hour), so that it is surely still running when asked, however
    // slow the machine; the test then finishes it as the clock would.
    const held = await startTestEmulator({ previewJobDelayMs: 3_600_000 });
    try {
      const heldClient = held.client();
      const heldId = (await heldClient.request<{ createGitHubPreviewApp: { githubPreviewAppJobID: string } }>(CREATE_PREVIEW, vars('pr-7')))
        .createGitHubPreviewApp.githubPreviewAppJobID;
      expect(heldId).toMatch(/^[0-9a-f-]{36}$/);
      expect((await heldClient.request<JobAnswer>(JOB, { jobId: heldId })).jobs_by_pk.status).toBe('running');
      expect(held.emulator.store.findProjectByName('pr-7')).toBeUndefined();
      held.emulator.store.finishPreviewJob(heldId);
      expect((await heldClient.request<JobAnswer>(JOB, { jobId: heldId })).jobs_by_pk.status).toBe('success');
    } finally {
      await held.close();
    }

    const jobId = await schedule(vars('pr-7'));
    const done = await finished(jobId);
    const project = t.emulator.store.findProjectByName('pr-7');
    expect(done.status).toBe('success');
    const success = done.tasks[0]?.task_events.find((e) => e.event_type === 'success');
    expect(success?.public_event_data).toEqual({ projectId: project?.projectId, githubDeploymentJobID: expect.any(String) });
    expect(project?.env.PG_DATABASE_URL).toBe('postgres://preview');

    const redeploy = await finished(await schedule(vars('pr-7', { env: [{ key: 'PG_DATABASE_URL', value: 'postgres://v2' }] })));
    expect(redeploy.status).toBe('success');
    expect(t.emulator.store.findProjectByName('pr-7')?.env.PG_DATABASE_URL).toBe('postgres://v2');
    expect(t.emulator.store.listProjects().filter((p) => p.name === 'pr-7')).toHaveLength(1);
  });

  it.each([
    ['an empty token', { githubPAT: '' }],
    ['an empty owner', { githubRepoOwner: '' }],
    ['an empty repo', { githubRepo: '' }],
    ['an empty branch', { githubBranch: '' }],
    ['an invalid name', { appName: 'PR_8' }],
    ['an unknown plan', { plan: 'cloud_enterprise' }],
    ['an unknown cloud', { cloud: 'gcp' }],
  ])('fails the job for %s, with an error event', async (_what, over) => {
    const done = await finished(await schedule(vars('pr-8', over)));
    expect(done.status).toBe('failed');
    expect(done.tasks[0]?.task_events.find((e) => e.event_type === 'failed')?.error).toEqual(expect.any(String));
    expect(t.emulator.store.findProjectByName('pr-8')).toBeUndefined();
  });

  it('answers null for an unknown job', async () => {
    expect(await job('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});

describe('the request log', () => {
  it('records one entry per HTTP request with the operation and its root fields', async () => {
    const from = t.emulator.requests.length;
    await client.request('query lookups { projects { id } a: tenant { id } }');
    await failure(client.request('mutation { deleteTenant(tenantId: "00000000-0000-4000-8000-000000000000") { status } }'));
    expect(t.emulator.requests.slice(from)).toEqual([
      { operationName: 'lookups', operationType: 'query', fields: ['projects', 'tenant'] },
      { operationName: null, operationType: 'mutation', fields: ['deleteTenant'], errorCode: 'not-exists' },
    ]);
  });
});

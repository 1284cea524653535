import { ClientError } from 'graphql-request';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_SECRET_KEY, parseQuirks, type Quirks } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let t: TestEmulator | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function emulatorWith(quirks: Quirks): Promise<TestEmulator> {
  t = await startTestEmulator({ quirks });
  return t;
}

/** The errors of a request that must fail the Hasura way: HTTP 200 and an `errors` array. */
async function errorsOf(request: Promise<unknown>): Promise<{ message: string; extensions: Record<string, unknown> }[]> {
  const err: unknown = await request.then(
    () => new Error('expected the request to fail'),
    (e: unknown) => e,
  );
  if (!(err instanceof ClientError)) throw err;
  expect(err.response.status).toBe(200);
  return err.response.errors as never;
}

const CREATE = `mutation createTenant($cloud: String!, $region: String!, $envs: [UpdateEnvsObject], $name: String, $plan: String) {
  createTenant(cloud: $cloud, region: $region, envs: $envs, name: $name, plan: $plan) { id name }
}`;
const STATUS = `query tenantStatus($ids: [uuid!]!) {
  tenant(where: { id: { _in: $ids } }) { id active health_status active_status_reason status { is_active has_inconsistent_metadata message updated_at } }
}`;
const PREVIEW = `mutation createGitHubPreviewApp($payload: CreateGithubPreviewAppInputPayload!) {
  createGitHubPreviewApp(payload: $payload) { githubPreviewAppJobID }
}`;

describe('create-envs-fail=PLAN', () => {
  it('fails createTenant with envs on that plan with a GenericServerError, creating nothing; without envs, or on another plan, it creates', async () => {
    const { client, emulator } = await emulatorWith({ createEnvsFail: ['cloud_free'] });
    const envs = [{ key: 'K', value: 'v' }];
    const [error] = await errorsOf(
      client().request(CREATE, { cloud: 'aws', region: 'us-east-2', name: 'with-env', plan: 'cloud_free', envs }),
    );
    expect(error).toEqual({
      message: 'there was an internal error while serving your request',
      extensions: { path: '$', code: 'GenericServerError', id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    // No plan means cloud_free, as for any createTenant.
    expect(await errorsOf(client().request(CREATE, { cloud: 'aws', region: 'us-east-2', name: 'with-env', envs }))).toHaveLength(1);
    expect(emulator.store.listProjects()).toEqual([]);

    await client().request(CREATE, { cloud: 'aws', region: 'us-east-2', name: 'without-env', plan: 'cloud_free', envs: [] });
    await client().request(CREATE, { cloud: 'aws', region: 'us-east-2', name: 'paid', plan: 'cloud_payg', envs });
    expect(emulator.store.listProjects().map((p) => [p.name, Object.keys(p.env).sort()])).toEqual([
      ['without-env', [ADMIN_SECRET_KEY]],
      ['paid', [ADMIN_SECRET_KEY, 'K']],
    ]);
  });
});

describe('create-renames', () => {
  it('gives a created project a random name, and can be turned off again', async () => {
    const { client, emulator } = await emulatorWith({ createRenames: true });
    const { createTenant } = await client().request<{ createTenant: { name: string } }>(CREATE, {
      cloud: 'aws',
      region: 'us-east-2',
      name: 'asked-for',
    });
    expect(createTenant.name).toMatch(/^project-[0-9a-f]{10}$/);
    emulator.setQuirks({ createRenames: false });
    const again = await client().request<{ createTenant: { name: string } }>(CREATE, {
      cloud: 'aws',
      region: 'us-east-2',
      name: 'asked-for',
    });
    expect(again.createTenant.name).toBe('asked-for');
  });
});

describe('status-fields', () => {
  it('without it, the undocumented fields are refused as unknown, the way Hasura refuses any field it lacks', async () => {
    const { client, seed } = await emulatorWith({});
    const { tenantId } = seed('plain');
    const errors = await errorsOf(client().request(STATUS, { ids: [tenantId] }));
    expect(errors[0]).toEqual({
      message: `field "health_status" not found in type: 'tenant'`,
      extensions: { path: '$.selectionSet.tenant.selectionSet.health_status', code: 'validation-failed' },
    });
    // `status` is a String in cloud-api.graphql: a selection on it is refused too.
    const onlyStatus = 'query ($id: uuid!) { tenant_by_pk(id: $id) { status { is_active } } }';
    expect((await errorsOf(client().request(onlyStatus, { id: tenantId })))[0]?.extensions.code).toBe('validation-failed');
    expect(await client().request('query ($id: uuid!) { tenant_by_pk(id: $id) { status } }', { id: tenantId })).toEqual({
      tenant_by_pk: { status: null },
    });
  });

  it('with it, answers them: consistent metadata, and inconsistent while a key the metadata refers to is missing', async () => {
    const { client, seed, emulator } = await emulatorWith({ statusFields: true });
    const fine = seed('fine');
    const broken = seed('broken', { PRESENT: 'x' }, { metadataEnv: ['PRESENT', 'REMOTE_URL', 'TOKEN'] });
    const { tenant } = await client().request<{ tenant: unknown[] }>(STATUS, { ids: [fine.tenantId, broken.tenantId] });
    expect(tenant).toEqual([
      {
        id: fine.tenantId,
        active: true,
        health_status: 'OK',
        active_status_reason: null,
        status: { is_active: true, has_inconsistent_metadata: false, message: null, updated_at: expect.any(String) },
      },
      {
        id: broken.tenantId,
        active: true,
        health_status: 'WARN: inconsistent objects in schema',
        active_status_reason: null,
        status: {
          is_active: true,
          has_inconsistent_metadata: true,
          message: 'Inconsistent object: Value for environment variables not found: REMOTE_URL, TOKEN',
          updated_at: expect.any(String),
        },
      },
    ]);

    const { hash } = emulator.store.getEnv(broken.tenantId);
    emulator.store.updateEnv(broken.tenantId, hash, { REMOTE_URL: 'https://r.example', TOKEN: 't' });
    const after = await client().request<{ tenant: { status: { has_inconsistent_metadata: boolean } }[] }>(STATUS, {
      ids: [broken.tenantId],
    });
    expect(after.tenant[0]?.status.has_inconsistent_metadata).toBe(false);
  });
});

describe('preview-drops-env', () => {
  it('builds the preview app without the env its job was given, leaving its metadata inconsistent', async () => {
    const { client, emulator } = await emulatorWith({ previewDropsEnv: true, statusFields: true });
    const payload = {
      githubPersonalAccessToken: 'ghp_x',
      githubRepoDetails: { owner: 'acme', repo: 'shop', branch: 'main', directory: 'hasura' },
      projectOptions: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_free', name: 'pr-1', envVars: [{ key: 'REMOTE_URL', value: 'u' }] },
    };
    await client().request(PREVIEW, { payload });
    const project = await vi.waitFor(() => emulator.store.findProjectByName('pr-1') ?? Promise.reject(new Error('not built yet')), {
      timeout: 2000,
      interval: 10,
    });
    expect(Object.keys(project.env)).toEqual([ADMIN_SECRET_KEY]);
    const { tenant } = await client().request<{ tenant: { status: { message: string } }[] }>(STATUS, { ids: [project.tenantId] });
    expect(tenant[0]?.status.message).toBe('Inconsistent object: Value for environment variables not found: REMOTE_URL');
  });
});

describe('parseQuirks()', () => {
  it('reads comma-separated and repeated items', () => {
    expect(
      parseQuirks(['create-envs-fail=cloud_free,preview-drops-env', 'status-fields,create-renames', 'create-envs-fail=cloud_payg']),
    ).toEqual({
      createEnvsFail: ['cloud_free', 'cloud_payg'],
      previewDropsEnv: true,
      statusFields: true,
      createRenames: true,
    });
    expect(parseQuirks([])).toEqual({});
  });

  it.each([
    ['no-such-quirk', /unknown quirk "no-such-quirk"; known: create-renames, create-envs-fail=PLAN, preview-drops-env, status-fields/],
    ['create-envs-fail', /create-envs-fail: name the plan, one of create-envs-fail=cloud_free, create-envs-fail=cloud_payg/],
    ['create-envs-fail=cloud_gold', /create-envs-fail=cloud_gold: name the plan/],
    ['status-fields=yes', /status-fields=yes: status-fields takes no value/],
  ])('refuses %j with an error naming it', (item, message) => {
    expect(() => parseQuirks([item])).toThrow(message);
  });
});

describe('hcr emulator --quirks', () => {
  it('lists every quirk in --help', async () => {
    const r = await runCli(['emulator', '--help']);
    expect(r.code).toBe(0);
    for (const word of ['create-renames', 'create-envs-fail=PLAN', 'preview-drops-env', 'status-fields', '--create-ignores-name']) {
      expect(r.stdout).toContain(word);
    }
  });

  it('refuses an unknown quirk before listening, exit 1', async () => {
    const r = await runCli(['emulator', '--port', '0', '--quirks', 'status-fields,shiny']);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toMatch(/--quirks: unknown quirk "shiny"/);
  });
});

import { readFileSync } from 'node:fs';
import { printType, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_SECRET_KEY } from '../../src/emulator/index.js';
import { emulatorSchema } from '../../src/emulator/schema.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/** The public reference's example ids and hash, replaced by real ones; nothing else changes. */
const EXAMPLE_ID = '7a79cf94-0e53-4520-a560-1b02bf522f08';
const EXAMPLE_HASH = '6902a395d70072fbf8d36288f0eacc36c9d82e68';

const reference = (name: string, substitute: { id?: string; hash?: string } = {}): string => {
  const text = readFileSync(new URL(`./fixtures/reference/${name}.graphql`, import.meta.url), 'utf8');
  return text.replaceAll(EXAMPLE_ID, substitute.id ?? EXAMPLE_ID).replaceAll(EXAMPLE_HASH, substitute.hash ?? EXAMPLE_HASH);
};

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.close());

describe("the public API reference's documents run unchanged", () => {
  it('walks a project through create, look-ups, env read and update, and delete', async () => {
    const client = t.client();
    const { createTenant } = await client.request<{ createTenant: { id: string; name: string } }>(reference('createProject'));
    expect(createTenant.name).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    const tenantId = createTenant.id;
    const projectId = t.emulator.store.getTenant(tenantId)?.projectId ?? '';
    expect(projectId).not.toBe(tenantId);

    expect(await client.request(reference('getProjectTenantId', { id: projectId }))).toEqual({
      projects_by_pk: { id: projectId, tenant: { id: tenantId } },
    });
    expect(await client.request(reference('getTenantDetails', { id: tenantId }))).toEqual({
      tenant_by_pk: {
        id: tenantId,
        slug: createTenant.name,
        project: { id: projectId, endpoint: `https://${createTenant.name}.hasura.app/v1/graphql` },
      },
    });

    const { getTenantEnv } = await client.request<{ getTenantEnv: { hash: string; envVars: { environment: Record<string, string> } } }>(
      reference('getTenantENV', { id: tenantId }),
    );
    expect(getTenantEnv.envVars.environment).toEqual({
      HASURA_GRAPHQL_CORS_DOMAIN: '*',
      MY_ENV_VAR_1: 'my value 1',
      [ADMIN_SECRET_KEY]: expect.any(String),
    });

    const { updateTenantEnv } = await client.request<{
      updateTenantEnv: { hash: string; envVars: { environment: Record<string, string> } };
    }>(reference('updateTenantEnv', { id: tenantId, hash: getTenantEnv.hash }));
    expect(updateTenantEnv.hash).not.toBe(getTenantEnv.hash);
    expect(updateTenantEnv.envVars.environment).toEqual({
      ...getTenantEnv.envVars.environment,
      HASURA_GRAPHQL_ENABLE_CONSOLE: 'true',
      ACTIONS_ENDPOINT: 'https://my-actions-endpoint.com/actions',
    });

    expect(await client.request(reference('deleteTenant', { id: tenantId }))).toEqual({ deleteTenant: { status: 'deleted' } });
    expect(t.emulator.store.getTenant(tenantId)).toBeUndefined();
  });

  it("schedules the reference's preview app, whose job then fails: its token is empty and its name has an underscore", async () => {
    const { createGitHubPreviewApp } = await t
      .client()
      .request<{ createGitHubPreviewApp: { githubPreviewAppJobID: string } }>(reference('createGitHubPreviewApp'));
    const jobId = createGitHubPreviewApp.githubPreviewAppJobID;
    const job = await vi.waitFor(
      () => {
        const j = t.emulator.store.getJob(jobId);
        if (j?.status !== 'failed') throw new Error(`job is ${j?.status}`);
        return j;
      },
      { timeout: 3000, interval: 10 },
    );
    expect(job.tasks[0]?.events.at(-1)).toMatchObject({ eventType: 'failed', error: expect.stringMatching(/githubPersonalAccessToken/) });
    expect(t.emulator.store.findProjectByName('my-app_name')).toBeUndefined();
  });
});

describe('the status-fields quirk', () => {
  it('keeps every type and field of schema.graphql but tenant.status, which is an object in the real query (#9731)', () => {
    const base = emulatorSchema();
    const quirky = emulatorSchema({ statusFields: true });
    const types = Object.values(base.getTypeMap()).filter((type) => !type.name.startsWith('__'));
    for (const type of types.filter((type) => type.name !== 'tenant')) {
      expect(printType(quirky.getType(type.name)!), type.name).toBe(printType(type));
    }
    const fields = (schema: typeof base) => {
      const tenant = schema.getType('tenant') as GraphQLObjectType;
      return Object.fromEntries(Object.values(tenant.getFields()).map((f) => [f.name, String(f.type)]));
    };
    expect(fields(quirky)).toEqual({
      ...fields(base),
      status: 'tenant_status',
      health_status: 'String',
      active_status_reason: 'String',
    });
    expect(fields(base).status).toBe('String');
  });
});

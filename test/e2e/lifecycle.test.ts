import { describe, expect, it } from 'vitest';
import { expectNoCanary, world } from './setup.js';

describe('projects from the desired state: create', () => {
  it('plans a missing project with a create block as a create with its env, and apply creates it with that env in one call', async () => {
    const { t, hcr, mutations } = await world();
    const plan = await hcr(['plan', '-f', 'create.yaml', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ shop-pr-42 will be created in aws us-east-2 (plan cloud_free)');
    expect(plan.stdout).toMatch(/\+ ACTIONS_ENDPOINT\s+"https:\/\/actions.example.com"/);
    expect(plan.stdout).toContain('Plan: 1 project to create, 2 to add, 0 to change, 0 to remove in 1 project.');

    const apply = await hcr(['apply', '-f', 'create.yaml', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('✓ shop-pr-42: created (2 set)');
    expect(mutations().map((m) => m.operationName)).toEqual(['createTenant']);
    const created = t.emulator.store.findProjectByName('shop-pr-42')!;
    expect(created).toMatchObject({ cloud: 'aws', region: 'us-east-2', plan: 'cloud_free' });
    expect(t.emulator.store.getEnv(created.tenantId).env).toMatchObject({ ACTIONS_ENDPOINT: 'https://actions.example.com', FEATURE_X: 'on' });
  });

  it('renames a project the service created under another name, and says so in the report', async () => {
    const { t, hcr, mutations } = await world({ createIgnoresName: true });
    const apply = await hcr(['apply', '-f', 'create.yaml', '--auto-approve']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/✓ shop-pr-42: created \(2 set\); Hasura Cloud named it project-[0-9a-f]{10}, so hcr renamed it to shop-pr-42/);
    expect(mutations().map((m) => m.operationName)).toEqual(['createTenant', 'updateTenantName']);
    expect(t.emulator.store.listProjects().map((p) => p.name)).toEqual(['shop-pr-42']);

    expect((await hcr(['plan', '-f', 'create.yaml', '--detailed-exitcode'])).code).toBe(0);
  });

  it('reports the service name of the renamed project in the JSON report', async () => {
    const { hcr } = await world({ createIgnoresName: true });
    const r = await hcr(['apply', '-f', 'create.yaml', '--auto-approve', '--format', 'json']);
    expect(r.code).toBe(0);
    const [project] = JSON.parse(r.stdout).projects;
    expect(project).toMatchObject({ name: 'shop-pr-42', outcome: 'created', createdAs: expect.stringMatching(/^project-/) });
    expectNoCanary(r.stdout, r.stderr);
  });
});

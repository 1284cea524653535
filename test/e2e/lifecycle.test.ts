import { describe, expect, it } from 'vitest';
import type { TestEmulator } from '../helpers/emulator.js';
import { CANARIES, expectNoCanary, world, yesAfterEdit } from './setup.js';
import { expectInOrder } from '../helpers/order.js';

describe('projects from the desired state: create', () => {
  it('plans a missing project with a create block as a create with its env, and apply creates it with that env, then removes its marker', async () => {
    const { t, hcr, mutations } = await world();
    const plan = await hcr(['plan', '-f', 'create.yaml', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ shop-pr-42 will be created in aws us-east-2 (plan cloud_free)');
    expect(plan.stdout).toMatch(/\+ ACTIONS_ENDPOINT\s+"https:\/\/actions.example.com"/);
    expect(plan.stdout).toContain('Plan: 1 project to create, 2 to add, 0 to change, 0 to remove in 1 project.');
    // JSON says where too, for a reviewer reading it rather than the text.
    const json = JSON.parse((await hcr(['plan', '-f', 'create.yaml', '--format', 'json'])).stdout);
    expect(json.projects).toEqual([
      expect.objectContaining({ name: 'shop-pr-42', action: 'create', create: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_free' } }),
    ]);

    const apply = await hcr(['apply', '-f', 'create.yaml', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('✓ shop-pr-42: created (2 set)');
    expect(mutations().map((m) => m.operationName)).toEqual(['createTenant', 'deleteTenantEnv']);
    const created = t.emulator.store.findProjectByName('shop-pr-42')!;
    expect(created).toMatchObject({ cloud: 'aws', region: 'us-east-2', plan: 'cloud_free' });
    expect(t.emulator.store.getEnv(created.tenantId).env).toMatchObject({
      ACTIONS_ENDPOINT: 'https://actions.example.com',
      FEATURE_X: 'on',
    });
    expect(t.emulator.store.getEnv(created.tenantId).env).not.toHaveProperty('HCR_CREATE_ID');
  });

  it('renames a project the service created under another name, and says so in the report', async () => {
    const { t, hcr, mutations } = await world({ quirks: { createRenames: true } });
    const apply = await hcr(['apply', '-f', 'create.yaml', '--auto-approve']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(
      /✓ shop-pr-42: created \(2 set\); Hasura Cloud named it project-[0-9a-f]{10}, so hcr renamed it to shop-pr-42/,
    );
    expect(mutations().map((m) => m.operationName)).toEqual(['createTenant', 'updateTenantName', 'deleteTenantEnv']);
    expect(t.emulator.store.listProjects().map((p) => p.name)).toEqual(['shop-pr-42']);

    expect((await hcr(['plan', '-f', 'create.yaml', '--detailed-exitcode'])).code).toBe(0);
  });

  it('reports the service name of the renamed project in the JSON report', async () => {
    const { hcr } = await world({ quirks: { createRenames: true } });
    const r = await hcr(['apply', '-f', 'create.yaml', '--auto-approve', '--format', 'json']);
    expect(r.code).toBe(0);
    const [project] = JSON.parse(r.stdout).projects;
    expect(project).toMatchObject({ name: 'shop-pr-42', outcome: 'created', createdAs: expect.stringMatching(/^project-/) });
    expectNoCanary(r.stdout, r.stderr);
  });
});

/** shop-old (to destroy) and shop-prod (to update) live, each holding the live admin canary; shop-pr-42 to create. */
function seedLifecycle(t: TestEmulator) {
  const old = t.seed('shop-old', { HASURA_GRAPHQL_ADMIN_SECRET: CANARIES.LIVE_ADMIN, LEGACY: 'x' });
  const prod = t.seed('shop-prod', { HASURA_GRAPHQL_ADMIN_SECRET: CANARIES.LIVE_ADMIN, ACTIONS_ENDPOINT: 'https://old.example.com' });
  return { old, prod };
}

const names = (t: TestEmulator) =>
  t.emulator.store
    .listProjects()
    .map((p) => p.name)
    .sort();

describe('projects from the desired state: destroy', () => {
  it('without --allow-destroy, plans the deletion as refused, says what to do, and plans the rest', async () => {
    const { t, hcr, mutations } = await world();
    const { old } = seedLifecycle(t);
    const r = await hcr(['plan', '-f', 'lifecycle.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hcr will change 2 projects; 1 deletion is refused:');
    expect(r.stdout).toContain(
      `! shop-old (${old.tenantId.slice(0, 8)}) deletion refused: needs --allow-destroy — plan and apply with --allow-destroy to destroy it`,
    );
    expect(r.stdout).toContain('+ shop-pr-42 will be created');
    expect(r.stdout).toContain('Plan: 1 project to create, 2 to add, 1 to change, 0 to remove in 2 projects. 1 project deletion refused.');
    // Creations and deletions come before key changes.
    expectInOrder(r.stdout, ['shop-old', 'shop-prod']);
    expect((await hcr(['plan', '-f', 'lifecycle.yaml', '--detailed-exitcode'])).code).toBe(2);
    expect(mutations()).toEqual([]);
    expectNoCanary(r.stdout, r.stderr);
  });

  it('with --allow-destroy, plans the deletion in every view, above the key changes, and counts it', async () => {
    const { t, hcr } = await world();
    const { old } = seedLifecycle(t);
    const text = await hcr(['plan', '-f', 'lifecycle.yaml', '--allow-destroy']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`- shop-old (${old.tenantId.slice(0, 8)}) will be destroyed`);
    expect(text.stdout).toContain('1 project will be destroyed: review it above.');
    expect(text.stdout).toContain('Plan: 1 project to create, 1 project to destroy, 2 to add, 1 to change, 0 to remove in 3 projects.');

    const json = JSON.parse((await hcr(['plan', '-f', 'lifecycle.yaml', '--allow-destroy', '--format', 'json'])).stdout);
    expect(json.projects.find((p: { name: string }) => p.name === 'shop-old')).toEqual({
      name: 'shop-old',
      tenantId: old.tenantId,
      hash: expect.stringMatching(/^[0-9a-f]{40}$/),
      action: 'delete',
      env: [],
      unmanaged: 0,
    });
    expect(json.summary).toEqual({ add: 2, change: 1, remove: 0, create_projects: 1, delete_projects: 1, refused_delete_projects: 0 });

    const md = await hcr(['plan', '-f', 'lifecycle.yaml', '--allow-destroy', '--format', 'markdown']);
    const warning = md.stdout.slice(md.stdout.indexOf('[!WARNING]'), md.stdout.indexOf('**Plan:'));
    expect(warning).toContain('1 project will be destroyed');
    expect(warning).toContain('`shop-old`: the whole project will be destroyed');
    expect(md.stdout).toMatch(/\| `shop-old` \| destroy \|/);
    expectInOrder(md.stdout, ['| `shop-old`', '| `shop-prod`']);
    expectNoCanary(text.stdout, JSON.stringify(json), md.stdout, text.stderr, md.stderr);
  });

  it('apply --allow-destroy deletes the tenant, creates and updates the rest, and a new plan shows no changes', async () => {
    const { t, hcr, mutations } = await world();
    seedLifecycle(t);
    const r = await hcr(['apply', '-f', 'lifecycle.yaml', '--allow-destroy', '--auto-approve']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ shop-old: deleted');
    expect(r.stdout).toContain('✓ shop-pr-42: created (2 set)');
    expect(r.stdout).toContain('✓ shop-prod: applied (1 set)');
    expect(
      mutations()
        .map((m) => m.operationName)
        .sort(),
    ).toEqual(['createTenant', 'deleteTenant', 'deleteTenantEnv', 'updateTenantEnv']);
    expect(names(t)).toEqual(['shop-pr-42', 'shop-prod']);
    expectNoCanary(r.stdout, r.stderr);

    const after = await hcr(['plan', '-f', 'lifecycle.yaml', '--detailed-exitcode']);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('No changes. Live state matches the desired state.');
    expect(after.stderr).toContain(
      'lifecycle.yaml:4:3: info: shop-old is marked destroy: true and does not exist: nothing to do; remove it from the file when you like\n',
    );
  });

  it('apply without --allow-destroy applies the rest, refuses the deletion prominently, and exits 0', async () => {
    const { t, hcr, mutations } = await world();
    seedLifecycle(t);
    const r = await hcr(['apply', '-f', 'lifecycle.yaml', '--auto-approve']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '! shop-old: refused — not destroyed (needs --allow-destroy); plan and apply with --allow-destroy to destroy it.',
    );
    expect(r.stdout).toContain('Apply complete: 1 applied, 1 created, 1 deletion refused.');
    expect(mutations().map((m) => m.operationName)).not.toContain('deleteTenant');
    expect(names(t)).toEqual(['shop-old', 'shop-pr-42', 'shop-prod']);
    const report = JSON.parse((await hcr(['apply', '-f', 'lifecycle.yaml', '--auto-approve', '--format', 'json'])).stdout);
    expect(report.projects.find((p: { name: string }) => p.name === 'shop-old')).toMatchObject({
      outcome: 'refused',
      refused: 'needs-allow-destroy',
    });
    // Still a difference from the desired state.
    expect((await hcr(['plan', '-f', 'lifecycle.yaml', '--detailed-exitcode'])).code).toBe(2);
  });

  it('protect: true (here from defaults) refuses the deletion even with --allow-destroy; protect: false allows it', async () => {
    const { t, hcr } = await world();
    const legacy = t.seed('shop-legacy');
    t.seed('shop-old');
    const plan = await hcr(['plan', '-f', 'protected.yaml', '--allow-destroy']);
    expect(plan.stdout).toContain(
      `! shop-legacy (${legacy.tenantId.slice(0, 8)}) deletion refused: protect: true — set protect: false on it to allow it`,
    );
    expect(plan.stdout).toContain('- shop-old');
    const apply = await hcr(['apply', '-f', 'protected.yaml', '--allow-destroy', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('! shop-legacy: refused — not destroyed (protect: true); set protect: false on it to allow it.');
    expect(apply.stdout).toContain('✓ shop-old: deleted');
    expect(names(t)).toEqual(['shop-legacy']);
    const after = await hcr(['plan', '-f', 'protected.yaml', '--allow-destroy', '--format', 'json', '--detailed-exitcode']);
    // The refused deletion is still a difference from the desired state.
    expect(after.code).toBe(2);
    const json = JSON.parse(after.stdout);
    expect(json.projects).toEqual([
      expect.objectContaining({ name: 'shop-legacy', action: 'delete', refused: 'protected' }),
      { name: 'shop-old', action: 'no-op', env: [], unmanaged: 0 },
    ]);
    expect(json.summary).toMatchObject({ delete_projects: 0, refused_delete_projects: 1 });
  });

  it('does not delete a project edited while the user read the plan, even with --refresh-on-conflict (exit 3)', async () => {
    const { t, hcr } = await world();
    const { old } = seedLifecycle(t);
    const input = yesAfterEdit(t, old.tenantId, { HOTFIX: '1' });
    const r = await hcr(['apply', '-f', 'lifecycle.yaml', '--allow-destroy', '--refresh-on-conflict'], {
      tty: true,
      input,
      env: { NO_COLOR: '1' },
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('✗ shop-old: conflict — its env changed since the plan read it; nothing written. Run hcr plan again.');
    expect(r.stderr).toContain(
      'shop-old changed since it was read: not destroyed, as a deletion is only made as reviewed. Plan again and review.',
    );
    expect(r.stdout).toContain('✓ shop-prod: applied');
    expect(names(t)).toContain('shop-old');
  });

  it('never deletes a live project the files leave out, even with --allow-destroy', async () => {
    const { t, hcr, mutations } = await world();
    seedLifecycle(t);
    const stranger = t.seed('shop-stranger', { HASURA_GRAPHQL_ADMIN_SECRET: CANARIES.LIVE_ADMIN, ANY: 'thing' });
    const r = await hcr(['apply', '-f', 'lifecycle.yaml', '--allow-destroy', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('shop-stranger');
    expect(mutations().map((m) => m.operationName)).toContain('deleteTenant');
    expect(names(t)).toEqual(['shop-pr-42', 'shop-prod', 'shop-stranger']);
    expect(t.emulator.store.getEnv(stranger.tenantId).env).toEqual({ HASURA_GRAPHQL_ADMIN_SECRET: CANARIES.LIVE_ADMIN, ANY: 'thing' });
    expect((await hcr(['drift', '-f', 'lifecycle.yaml'])).code).toBe(0);
  });

  it('counts a refused deletion that is the only difference: plan --detailed-exitcode and drift exit 2, apply 0', async () => {
    const { t, hcr, mutations } = await world();
    t.seed('shop-legacy');
    t.seed('shop-prod', { ACTIONS_ENDPOINT: 'https://actions.example.com' });
    for (const flags of [[], ['--allow-destroy']]) {
      const plan = await hcr(['plan', '-f', 'refused-only.yaml', '--detailed-exitcode', ...flags]);
      expect(plan.code, flags.join(' ')).toBe(2);
      expect(plan.stdout).toContain('Plan: no changes; 1 project deletion refused.');
    }
    const drift = await hcr(['drift', '-f', 'refused-only.yaml']);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toMatch(/! shop-legacy \(\w{8}\) exists live but should be destroyed \(deletion refused: protect: true\)/);
    const apply = await hcr(['apply', '-f', 'refused-only.yaml', '--allow-destroy', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout.trimEnd().split('\n').at(-1)).toBe('Apply complete: 1 unchanged, 1 deletion refused.');
    expect(mutations()).toEqual([]);
    expect(names(t)).toEqual(['shop-legacy', 'shop-prod']);
  });

  it('drift reports a project marked destroy that exists, protected or not, and exits 2', async () => {
    const { t, hcr } = await world();
    t.seed('shop-legacy', { HASURA_GRAPHQL_ADMIN_SECRET: CANARIES.LIVE_ADMIN });
    t.seed('shop-old');
    const r = await hcr(['drift', '-f', 'protected.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/! shop-legacy \(\w{8}\) exists live but should be destroyed \(deletion refused: protect: true\)/);
    expect(r.stdout).toMatch(/- shop-old \(\w{8}\) exists live but should be destroyed\n/);
    expect(r.stdout).toContain('Drift: 2 extra projects, 0 keys differ in 2 projects.');
    expectNoCanary(r.stdout, r.stderr);
  });

  it('reports a failed deleteTenant for that project alone, and exits 1', async () => {
    const { t, hcr } = await world();
    t.emulator.onRequest(({ operationName, nth }) => (operationName === 'deleteTenant' && nth === 1 ? 'server-error' : undefined));
    seedLifecycle(t);
    const r = await hcr(['apply', '-f', 'lifecycle.yaml', '--allow-destroy', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /✗ shop-old: failed — nothing written \(deleteTenant failed: .*internal error.*; the project is still there\)/,
    );
    expect(r.stdout).toContain('✓ shop-prod: applied');
    expect(names(t)).toEqual(['shop-old', 'shop-pr-42', 'shop-prod']);
  });

  it('counts a deletion whose answer was lost as done once the project is gone', async () => {
    const { t, hcr } = await world();
    t.emulator.onRequest(({ operationName, nth }) => (operationName === 'deleteTenant' && nth === 1 ? 'lost-answer' : undefined));
    seedLifecycle(t);
    const r = await hcr(['apply', '-f', 'lifecycle.yaml', '--allow-destroy', '--auto-approve']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ shop-old: deleted');
    expect(names(t)).toEqual(['shop-pr-42', 'shop-prod']);
  });
});

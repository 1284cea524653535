import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CANARIES } from '../e2e/setup.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { JWT_CANARY, expectNoSecret, expectNoSecretIn, savedWorld } from './setup.js';

/** shop-old (marked destroy in destroy.yaml) and shop-staging live; shop-old holds the live admin canary. */
function seed(t: TestEmulator) {
  const old = t.seed('shop-old', { HASURA_GRAPHQL_ADMIN_SECRET: CANARIES.LIVE_ADMIN });
  const staging = t.seed('shop-staging', { ACTIONS_ENDPOINT: 'https://actions.staging.example.com' });
  return { old, staging };
}

const names = (t: TestEmulator) =>
  t.emulator.store
    .listProjects()
    .map((p) => p.name)
    .sort();

describe('saved plans that delete projects', () => {
  it('record the deletion, and apply it only when apply also gets --allow-destroy', async () => {
    const { t, hcr, path, mutations } = await savedWorld();
    const { old } = seed(t);
    const planned = await hcr(['plan', '-f', 'destroy.yaml', '--allow-destroy', '--out', 'plan.hcr']);
    expect(planned.code).toBe(0);
    const doc = JSON.parse(await readFile(path('plan.hcr'), 'utf8'));
    expect(doc.projects[0]).toEqual({
      name: 'shop-old',
      tenantId: old.tenantId,
      hash: expect.any(String),
      action: 'delete',
      env: [],
      unmanaged: 0,
    });
    expect(doc.summary).toMatchObject({ delete_projects: 1, refused_delete_projects: 0 });
    await expectNoSecretIn(path('plan.hcr'));

    const show = await hcr(['show', 'plan.hcr']);
    expect(show.stdout).toContain(`- shop-old (${old.tenantId.slice(0, 8)}) will be destroyed`);

    const refused = await hcr(['apply', 'plan.hcr']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'plan.hcr destroys 1 project (shop-old), which needs --allow-destroy here too; nothing was written. Apply it with --allow-destroy, or make a new plan without them.',
    );
    expect(mutations()).toEqual([]);

    const applied = await hcr(['apply', 'plan.hcr', '--allow-destroy']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('✓ shop-old: deleted');
    expect(applied.stdout).toContain('✓ shop-staging: applied (1 set)');
    expect(names(t)).toEqual(['shop-staging']);
    expectNoSecret(planned.stdout, planned.stderr, show.stdout, refused.stderr, applied.stdout, applied.stderr);
  });

  it('keep a deletion refused when planned without --allow-destroy, even if apply gets it', async () => {
    const { t, hcr } = await savedWorld();
    seed(t);
    expect((await hcr(['plan', '-f', 'destroy.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    const r = await hcr(['apply', 'plan.hcr', '--allow-destroy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '! shop-old: refused — not destroyed (needs --allow-destroy); plan and apply with --allow-destroy to destroy it.',
    );
    expect(names(t)).toEqual(['shop-old', 'shop-staging']);
  });

  it.each([
    [
      'renamed',
      (t: TestEmulator, tenantId: string) => t.emulator.store.renameTenant(tenantId, 'shop-older'),
      'its tenant is project "shop-older" now: it was renamed since the plan',
    ],
    [
      'deleted and created again',
      (t: TestEmulator, tenantId: string) => {
        t.emulator.store.deleteTenant(tenantId);
        t.seed('shop-old');
      },
      'it was deleted and created again since the plan',
    ],
    [
      'edited',
      (t: TestEmulator, tenantId: string) => t.emulator.store.setEnv(tenantId, { HOTFIX: '1' }),
      'its env changed since the plan read it',
    ],
  ])('refuse (exit 3) to delete a project %s since the plan, and apply the others', async (_what, change, reason) => {
    const { t, hcr } = await savedWorld();
    const { old } = seed(t);
    expect((await hcr(['plan', '-f', 'destroy.yaml', '--allow-destroy', '--out', 'plan.hcr'])).code).toBe(0);
    change(t, old.tenantId);
    const before = names(t);
    const r = await hcr(['apply', 'plan.hcr', '--allow-destroy']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('✗ shop-old: conflict — ');
    expect(r.stdout).toContain(`${reason}; nothing written. Run hcr plan again.`);
    expect(r.stdout).toContain('✓ shop-staging: applied (1 set)');
    expect(r.stderr).toContain('plan.hcr is stale for shop-old');
    expect(t.emulator.requests.map((q) => q.operationName)).not.toContain('deleteTenant');
    expect(names(t)).toEqual(before);
  });
});

describe('a saved plan whose deletion is made already', () => {
  it('says it was already applied (exit 0) and sends no deletion', async () => {
    const { t, hcr } = await savedWorld();
    const { old } = seed(t);
    expect((await hcr(['plan', '-f', 'destroy.yaml', '--allow-destroy', '--out', 'plan.hcr'])).code).toBe(0);
    t.emulator.store.deleteTenant(old.tenantId);
    const r = await hcr(['apply', 'plan.hcr', '--allow-destroy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('plan.hcr was already applied to shop-old');
    expect(r.stdout).toContain('✓ shop-staging: applied (1 set)');
    expect(t.emulator.requests.map((q) => q.operationName)).not.toContain('deleteTenant');
  });
});

describe('a plan saved by an hcr before deletions (format 1)', () => {
  /** The projects format-1.json was planned against, as they were: same tenants, same hashes. */
  function seedFormat1(t: TestEmulator) {
    const seedAs = (name: string, tenantId: string, env: Record<string, string>) => {
      t.seed(name, {}, { tenantId });
      t.emulator.store.setEnv(tenantId, env);
    };
    seedAs('shop-prod', '7a79cf94-0e53-4520-a560-1b02bf522f08', { ACTIONS_ENDPOINT: 'https://old.example.com', STALE: 'x' });
    seedAs('shop-staging', '9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a', { ACTIONS_ENDPOINT: 'https://actions.staging.example.com' });
  }

  it('is still shown and applied', async () => {
    const { t, hcr, path } = await savedWorld();
    seedFormat1(t);
    const text = (await readFile(path('format-1.json'), 'utf8')).replace('http://127.0.0.1:4000/v1/graphql', t.emulator.url);
    await writeFile(path('old.hcr'), text);
    const show = await hcr(['show', 'old.hcr', '--format', 'json']);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout).summary).toEqual({ ...JSON.parse(text).summary, refused_delete_projects: 0 });
    // format-1.json was planned when this fixture's JWT secret was the bare canary.
    const r = await hcr(['apply', 'old.hcr'], { env: { SHOP_JWT_SECRET: JWT_CANARY } });
    expect(r.stderr).toContain('old.hcr: planned by hcr 0.1.0');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ shop-pr-42: created (2 set)');
    expect(r.stdout).toContain('✓ shop-prod: applied (4 set, 1 removed)');
    expectNoSecret(show.stdout, r.stdout, r.stderr);
  });

  it('is refused when it holds a deletion, which no hcr of that format wrote', async () => {
    const { hcr, path } = await savedWorld();
    const doc = JSON.parse(await readFile(path('format-1.json'), 'utf8'));
    Object.assign(doc.projects[1], { action: 'delete', env: [] });
    Object.assign(doc.summary, { add: 2, change: 0, remove: 0, delete_projects: 1 });
    await writeFile(path('old.hcr'), JSON.stringify(doc));
    const r = await hcr(['show', 'old.hcr']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('old.hcr is not a saved plan: projects[1].action: a format 1 plan deletes no project');
  });
});

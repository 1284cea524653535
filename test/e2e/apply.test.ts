import { describe, expect, it, vi } from 'vitest';
import type { EnvState } from '../../src/emulator/index.js';
import { normalize } from '../helpers/cli.js';
import { expectNoCanary, seedShop, world, yesAfterEdit } from './setup.js';

describe('hcr apply', () => {
  it('applies with --auto-approve, reports per project, and a new plan shows no changes', async () => {
    const { t, hcr } = await world();
    const { prod } = seedShop(t);
    const r = await hcr(['apply', '-f', 'shop.yaml', '--auto-approve']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expect(normalize(r.stdout)).toMatchFileSnapshot('__snapshots__/apply.txt');
    expect(r.stdout).toContain('✓ shop-prod: applied (4 set, 2 removed)');
    expect(t.emulator.store.getEnv(prod.tenantId).env).toEqual({
      ACTIONS_ENDPOINT: 'https://actions.example.com',
      FEATURE_X: 'on',
      HASURA_GRAPHQL_ADMIN_SECRET: 'admin-canary-9f3c2e71',
      HASURA_GRAPHQL_ENABLE_CONSOLE: 'false',
      PG_POOL: '10',
      WEBHOOK_SIGNING_SECRET: 'literal-canary-5b1e',
    });
    expectNoCanary(r.stdout, r.stderr);
    const again = await hcr(['plan', '-f', 'shop.yaml', '--detailed-exitcode']);
    expect(again.code).toBe(0);
  });

  it('sends the update with the hash it read, then the delete with the hash the update returned', async () => {
    const { t, hcr } = await world();
    const { prod } = seedShop(t);
    const read = t.emulator.store.getEnv(prod.tenantId).hash;
    const update = vi.spyOn(t.emulator.store, 'updateEnv');
    const remove = vi.spyOn(t.emulator.store, 'deleteEnv');
    t.emulator.requests.length = 0;
    expect((await hcr(['apply', '-f', 'shop.yaml', '--auto-approve', '--project', 'shop-prod'])).code).toBe(0);
    expect(t.emulator.requests.map((r) => r.operationName)).toEqual([
      'findProjectsByName',
      'getTenantEnv',
      'findProjects',
      'updateTenantEnv',
      'deleteTenantEnv',
    ]);
    expect(update.mock.calls.map(([tenantId, hash]) => [tenantId, hash])).toEqual([[prod.tenantId, read]]);
    const updated = update.mock.results[0]!;
    expect(updated.type).toBe('return');
    const afterUpdate = (updated.value as EnvState).hash;
    expect(afterUpdate).not.toBe(read);
    expect(remove.mock.calls.map(([tenantId, hash]) => [tenantId, hash])).toEqual([[prod.tenantId, afterUpdate]]);
    expect(remove.mock.results[0]!.type).toBe('return');
  });

  it('prints the report as one JSON document with --format json', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    const r = await hcr(['apply', '-f', 'shop.yaml', '--auto-approve', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.projects.map((p: { name: string; outcome: string }) => [p.name, p.outcome])).toEqual([
      ['shop-prod', 'applied'],
      ['shop-staging', 'applied'],
    ]);
    expect(report.summary).toMatchObject({ applied: 2, conflict: 0, failed: 0 });
  });

  it('without a terminal and without --auto-approve, exits 1 having sent nothing', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    t.emulator.requests.length = 0;
    const r = await hcr(['apply', '-f', 'shop.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apply needs --auto-approve when it is not run in a terminal');
    expect(t.emulator.requests).toEqual([]);
  });

  it('on a terminal, applies after "yes"', async () => {
    const { t, hcr, mutations } = await world();
    seedShop(t);
    const r = await hcr(['apply', '-f', 'shop.yaml'], { tty: true, input: 'yes\n', env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Only "yes" will be accepted.');
    expect(r.stdout).toContain('Apply complete');
    expect(mutations().length).toBeGreaterThan(0);
  });

  it('on a terminal, anything but "yes" cancels with exit 1 and writes nothing', async () => {
    const { t, hcr, mutations } = await world();
    seedShop(t);
    for (const input of ['no\n', 'y\n', '']) {
      const r = await hcr(['apply', '-f', 'shop.yaml'], { tty: true, input, env: { NO_COLOR: '1' } });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('Apply cancelled; nothing was written.');
    }
    expect(mutations()).toEqual([]);
  });

  it('refuses a project edited between plan and approval: exit 3, nothing written to it, the edit survives', async () => {
    const { t, hcr } = await world();
    const { prod, staging } = seedShop(t);
    const input = yesAfterEdit(t, prod.tenantId, { ACTIONS_ENDPOINT: 'https://hotfix.example.com' });
    const r = await hcr(['apply', '-f', 'shop.yaml'], { tty: true, input, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/✗ shop-prod: conflict/);
    expect(r.stdout).toContain('✓ shop-staging: applied');
    const live = t.emulator.store.getEnv(prod.tenantId).env;
    expect(live.ACTIONS_ENDPOINT).toBe('https://hotfix.example.com');
    expect(live.STALE_FLAG).toBe('stale');
    expect(t.emulator.store.getEnv(staging.tenantId).env.HASURA_GRAPHQL_ENABLE_CONSOLE).toBe('false');
  });

  it('--refresh-on-conflict applies the approved changes again when only other keys were edited', async () => {
    const { t, hcr } = await world();
    const { prod } = seedShop(t);
    const input = yesAfterEdit(t, prod.tenantId, { PG_POOL: '50' });
    const r = await hcr(['apply', '-f', 'shop.yaml', '--refresh-on-conflict'], { tty: true, input, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'shop-prod changed since it was read, but not in the keys this plan changes: applying the same changes again.',
    );
    expect(r.stdout).toContain('✓ shop-prod: applied');
    expect(t.emulator.store.getEnv(prod.tenantId).env).toMatchObject({ PG_POOL: '50', ACTIONS_ENDPOINT: 'https://actions.example.com' });
  });

  it('--refresh-on-conflict still refuses when an edit touched a key the plan changes', async () => {
    const { t, hcr } = await world();
    const { prod } = seedShop(t);
    const input = yesAfterEdit(t, prod.tenantId, { ACTIONS_ENDPOINT: 'https://hotfix.example.com' });
    const r = await hcr(['apply', '-f', 'shop.yaml', '--refresh-on-conflict'], { tty: true, input, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('shop-prod changed since it was read, and planning it again gives different changes: not applied.');
    expect(t.emulator.store.getEnv(prod.tenantId).env.ACTIONS_ENDPOINT).toBe('https://hotfix.example.com');
  });

  it('creates a project that has a create block, with its env', async () => {
    const { t, hcr } = await world();
    const r = await hcr(['apply', '-f', 'create.yaml', '--auto-approve']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ shop-pr-42: created (2 set)');
    const created = t.emulator.store.findProjectByName('shop-pr-42')!;
    expect(t.emulator.store.getEnv(created.tenantId).env).toMatchObject({
      ACTIONS_ENDPOINT: 'https://actions.example.com',
      FEATURE_X: 'on',
    });
    expect((await hcr(['plan', '-f', 'create.yaml', '--detailed-exitcode'])).code).toBe(0);
  });

  it('reports a project in maintenance mode as failed, applies the others, and exits 1', async () => {
    const { t, hcr } = await world();
    const { prod } = seedShop(t);
    t.emulator.store.setMaintenance(prod.tenantId, true);
    const r = await hcr(['apply', '-f', 'shop.yaml', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'shop.yaml:7:3: warning: shop-prod is in maintenance mode; Hasura Cloud refuses its env changes until maintenance ends\n',
    );
    expect(r.stdout).toMatch(/✗ shop-prod: failed.*maintenance mode/);
    expect(r.stdout).toContain('✓ shop-staging: applied');
  });
});

import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CANARIES, seedShop } from '../e2e/setup.js';
import { normalize } from '../helpers/cli.js';
import { JWT_SECRET, expectNoSecret, savedWorld, withoutDir } from './setup.js';

const PLANNED_PROD = {
  ACTIONS_ENDPOINT: 'https://actions.example.com',
  HASURA_GRAPHQL_ADMIN_SECRET: CANARIES.SHOP_PROD_ADMIN_SECRET,
  HASURA_GRAPHQL_ENABLE_CONSOLE: 'false',
  HASURA_GRAPHQL_JWT_SECRET: JWT_SECRET,
  HASURA_GRAPHQL_OLD_FLAG: 'yes',
  PG_POOL: '10',
  WEBHOOK_SIGNING_SECRET: CANARIES.LITERAL,
};

describe('hcr apply PLANFILE', () => {
  it('applies exactly the saved plan: no prompt, no YAML read, no env read before writing, one look-up of the tenants', async () => {
    const { t, hcr, path } = await savedWorld();
    const { prod, staging } = seedShop(t);
    const fresh = await hcr(['plan', '-f', 'shop.yaml']);
    const planned = await hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr']);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toBe(fresh.stdout);
    expect(planned.stderr).toBe('Saved the plan to plan.hcr. To apply exactly this plan: hcr apply plan.hcr\n');

    // After review, the YAML changes: other values, a key nobody reviewed, a project gone. And the
    // default input is broken: an apply that read any YAML would fail or write other values.
    await copyFile(path('shop-edited.yaml'), path('shop.yaml'));
    await writeFile(path('hasura-cloud.yaml'), 'version: [1\n');
    t.emulator.requests.length = 0;
    const r = await hcr(['apply', 'plan.hcr']);
    expect(r.code).toBe(0);
    expect(normalize(r.stdout)).toBe(
      '\n✓ shop-prod: applied (4 set, 1 removed)\n✓ shop-staging: applied (1 set)\n' + 'Apply complete: 2 applied.\n',
    );
    expect(r.stdout).not.toContain('Enter a value');
    expect(t.emulator.requests.map((q) => q.operationName).sort()).toEqual([
      'deleteTenantEnv',
      'findProjects',
      'updateTenantEnv',
      'updateTenantEnv',
    ]);
    expect(t.emulator.store.getEnv(prod.tenantId).env).toEqual(PLANNED_PROD);
    expect(t.emulator.store.getEnv(staging.tenantId).env).toMatchObject({ HASURA_GRAPHQL_JWT_SECRET: JWT_SECRET });
    expectNoSecret(planned.stdout, planned.stderr, r.stdout, r.stderr);
  });

  it('refuses the projects changed since the plan (exit 3), writes nothing to them, applies the others', async () => {
    const { t, hcr, dir } = await savedWorld();
    const { prod, staging } = seedShop(t);
    expect((await hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    const { hash } = t.emulator.store.getEnv(prod.tenantId);
    const edited = t.emulator.store.updateEnv(prod.tenantId, hash, { ACTIONS_ENDPOINT: 'https://hotfix.example.com' });

    const r = await hcr(['apply', 'plan.hcr']);
    expect(r.code).toBe(3);
    await expect(withoutDir(normalize(`${r.stdout}\n--- stderr ---\n${r.stderr}`), dir)).toMatchFileSnapshot('__snapshots__/stale.txt');
    expect(r.stdout).toMatch(/✗ shop-prod: conflict .*nothing written/);
    expect(r.stdout).toContain('✓ shop-staging: applied (1 set)');
    expect(r.stderr).toContain('plan.hcr is stale for shop-prod:');
    expect(r.stderr).toContain('Plan again');
    expect(t.emulator.store.getEnv(prod.tenantId)).toEqual(edited);
    expect(t.emulator.store.getEnv(staging.tenantId).env.HASURA_GRAPHQL_JWT_SECRET).toBe(JWT_SECRET);
    expectNoSecret(r.stdout, r.stderr);
  });

  it('applied again, says it was already applied (exit 0) and writes nothing', async () => {
    const { t, hcr } = await savedWorld();
    const { prod, staging } = seedShop(t);
    expect((await hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    expect((await hcr(['apply', 'plan.hcr'])).code).toBe(0);
    const after = [t.emulator.store.getEnv(prod.tenantId), t.emulator.store.getEnv(staging.tenantId)];

    const again = await hcr(['apply', 'plan.hcr']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Apply complete: 2 unchanged.');
    expect(again.stdout).toContain(
      'plan.hcr was already applied to shop-prod, shop-staging: they already have every change the plan makes there, so nothing was written to them.',
    );
    expect(again.stderr).not.toContain('stale');
    expect([t.emulator.store.getEnv(prod.tenantId), t.emulator.store.getEnv(staging.tenantId)]).toEqual(after);

    expect((await hcr(['plan', '-f', 'shop.yaml', '--out', 'nothing.hcr'])).code).toBe(0);
    const nothing = await hcr(['apply', 'nothing.hcr']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toBe('The saved plan has no changes; nothing was written.\n');
  });

  it('creates a planned project with its YAML gone; applying that plan again is already applied, not a second project', async () => {
    const { t, hcr, path } = await savedWorld();
    expect((await hcr(['plan', '-f', 'create.yaml', '--out', 'create.hcr'])).code).toBe(0);
    // The file keeps the words of the YAML and of the API: `plan` is the billing plan.
    const saved = JSON.parse(await readFile(path('create.hcr'), 'utf8'));
    expect(saved.projects[0].create).toEqual({ cloud: 'aws', region: 'us-east-2', plan: 'cloud_free' });
    await rm(path('create.yaml'));

    const r = await hcr(['apply', 'create.hcr']);
    expect(r.stderr).not.toContain('Error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ shop-pr-42: created (2 set)');
    const created = t.emulator.store.findProjectByName('shop-pr-42')!;
    expect(created).toMatchObject({ cloud: 'aws', region: 'us-east-2', plan: 'cloud_free' });
    expect(t.emulator.store.getEnv(created.tenantId).env).toMatchObject({
      ACTIONS_ENDPOINT: 'https://actions.example.com',
      HASURA_GRAPHQL_ADMIN_SECRET: CANARIES.SHOP_PROD_ADMIN_SECRET,
    });

    const again = await hcr(['apply', 'create.hcr']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('create.hcr was already applied to shop-pr-42');
    expect(again.stdout).not.toMatch(/uniqueness/i);
    expect(t.emulator.store.listProjects().filter((p) => p.name === 'shop-pr-42')).toHaveLength(1);
    expect(t.emulator.requests.filter((q) => q.operationName === 'createTenant')).toHaveLength(1);
    expectNoSecret(r.stdout, r.stderr, again.stdout, again.stderr);
  });

  it('refuses the whole apply when a secret differs from the reviewed one: exit 1, nothing written, no value shown', async () => {
    const { t, hcr, dir, mutations } = await savedWorld();
    seedShop(t);
    expect((await hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    t.emulator.requests.length = 0;
    const changed = 'changed-canary-4e1f9a';
    const r = await hcr(['apply', 'plan.hcr'], { env: { SHOP_PROD_ADMIN_SECRET: changed } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    await expect(withoutDir(normalize(r.stderr), dir)).toMatchFileSnapshot('__snapshots__/tampered-secret.txt');
    expect(r.stderr).toContain(
      'shop-prod HASURA_GRAPHQL_ADMIN_SECRET (from env SHOP_PROD_ADMIN_SECRET): the value is not the one this plan was made with',
    );
    expect(r.stderr).toContain('nothing was written');
    expect(t.emulator.requests).toEqual([]);
    expect(mutations()).toEqual([]);
    expectNoSecret(r.stdout, r.stderr);
    expect(r.stderr).not.toContain(changed);
  });

  it('refuses the whole apply when a variable is not set at apply time, naming every entry that needs it', async () => {
    const { t, hcr } = await savedWorld();
    seedShop(t);
    expect((await hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    t.emulator.requests.length = 0;
    const r = await hcr(['apply', 'plan.hcr'], { env: { SHOP_JWT_SECRET: undefined } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 sensitive values differ from the plan or cannot be read');
    for (const project of ['shop-prod', 'shop-staging']) {
      expect(r.stderr).toContain(
        `${project} HASURA_GRAPHQL_JWT_SECRET (from env SHOP_JWT_SECRET): cannot read a sensitive value again: the environment variable SHOP_JWT_SECRET (fromEnv) is not set`,
      );
    }
    expect(t.emulator.requests).toEqual([]);
    expectNoSecret(r.stdout, r.stderr);
  });

  it('reads a literal sensitive value again from its file, and refuses when it changed or the file is gone', async () => {
    const { t, hcr, path } = await savedWorld();
    seedShop(t);
    expect((await hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    t.emulator.requests.length = 0;
    const yaml = await readFile(path('shop.yaml'), 'utf8');
    await writeFile(path('shop.yaml'), yaml.replace(CANARIES.LITERAL, 'rotated-canary-8d2c'));
    const edited = await hcr(['apply', 'plan.hcr']);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain(
      'shop-prod WEBHOOK_SIGNING_SECRET (from shop.yaml, shop-prod.WEBHOOK_SIGNING_SECRET): the value is not the one this plan was made with',
    );

    await rm(path('shop.yaml'));
    const gone = await hcr(['apply', 'plan.hcr']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/shop-prod WEBHOOK_SIGNING_SECRET \(from shop\.yaml, shop-prod\.WEBHOOK_SIGNING_SECRET\): .*shop\.yaml/);
    expect(t.emulator.requests).toEqual([]);
    expectNoSecret(edited.stdout, edited.stderr, gone.stdout, gone.stderr);
    expect(edited.stderr).not.toContain('rotated-canary-8d2c');
  });

  it('refuses a plan made against another endpoint, either way round, before any request', async () => {
    const { t, hcr, path } = await savedWorld();
    seedShop(t);
    expect((await hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    t.emulator.requests.length = 0;

    const production = await hcr(['apply', 'plan.hcr'], { env: { HASURA_CLOUD_ENDPOINT: undefined } });
    expect(production.code).toBe(1);
    expect(production.stderr).toContain(
      `plan.hcr was planned against ${t.emulator.url}, but this apply would write to https://data.pro.hasura.io/v1/graphql; nothing was written.`,
    );
    const flag = await hcr(['apply', 'plan.hcr', '--endpoint', 'http://localhost:9/v1/graphql']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain('but this apply would write to http://localhost:9/v1/graphql');

    // The reverse: a plan made against production, applied with the emulator configured.
    const doc = JSON.parse(await readFile(path('plan.hcr'), 'utf8'));
    await writeFile(path('prod.hcr'), JSON.stringify({ ...doc, endpoint: 'https://data.pro.hasura.io/v1/graphql' }));
    const reverse = await hcr(['apply', 'prod.hcr']);
    expect(reverse.code).toBe(1);
    expect(reverse.stderr).toContain(
      `prod.hcr was planned against https://data.pro.hasura.io/v1/graphql, but this apply would write to ${t.emulator.url}`,
    );
    expect(t.emulator.requests).toEqual([]);
  });

  it('refuses -f, --project and --shard beside a saved plan: they were fixed when it was made', async () => {
    const { t, hcr } = await savedWorld();
    seedShop(t);
    expect((await hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    t.emulator.requests.length = 0;
    for (const [extra, named] of [
      [['-f', 'shop.yaml'], '-f'],
      [['--project', 'shop-prod'], '--project'],
      [['--shard', '1/2'], '--shard'],
      [['-f', 'hasura-cloud.yaml', '--project', 'shop-*'], '-f, --project'],
      [['--refresh-on-conflict'], '--refresh-on-conflict'],
    ] as const) {
      const r = await hcr(['apply', 'plan.hcr', ...extra]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Error: ${named} cannot be used with a saved plan`);
    }
    expect(t.emulator.requests).toEqual([]);
  });
});

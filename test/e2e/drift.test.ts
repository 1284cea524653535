import { describe, expect, it } from 'vitest';
import { normalize } from '../helpers/cli.js';
import { expectNoCanary, seedShop, world } from './setup.js';

describe('hcr drift', () => {
  it('exits 0 when live equals desired', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    expect((await hcr(['apply', '-f', 'shop.yaml', '--auto-approve'])).code).toBe(0);
    const r = await hcr(['drift', '-f', 'shop.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No drift. Live state matches the desired state.');
  });

  it('exits 2 naming project and key, hides sensitive values, in every view, and sends no mutation', async () => {
    const { t, hcr, mutations } = await world();
    const { prod } = seedShop(t);
    expect((await hcr(['apply', '-f', 'shop.yaml', '--auto-approve'])).code).toBe(0);
    const before = mutations().length;
    const { hash } = t.emulator.store.getEnv(prod.tenantId);
    t.emulator.store.updateEnv(prod.tenantId, hash, {
      ACTIONS_ENDPOINT: 'https://hotfix.example.com',
      HASURA_GRAPHQL_ADMIN_SECRET: 'rotated-canary-77',
    });

    const text = await hcr(['drift', '-f', 'shop.yaml']);
    expect(text.code).toBe(2);
    await expect(normalize(text.stdout)).toMatchFileSnapshot('__snapshots__/drift.txt');
    expect(text.stdout).toMatch(/shop-prod/);
    expect(text.stdout).toMatch(/~ ACTIONS_ENDPOINT\s+"https:\/\/hotfix.example.com" -> "https:\/\/actions.example.com"/);
    expect(text.stdout).toMatch(/~ HASURA_GRAPHQL_ADMIN_SECRET\s+\(sensitive value changed/);

    const json = await hcr(['drift', '-f', 'shop.yaml', '--format', 'json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).summary.change).toBe(2);
    const md = await hcr(['drift', '-f', 'shop.yaml', '--format', 'markdown']);
    expect(md.code).toBe(2);
    await expect(normalize(md.stdout)).toMatchFileSnapshot('__snapshots__/drift.md');

    for (const r of [text, json, md]) {
      expectNoCanary(r.stdout, r.stderr);
      expect(r.stdout).not.toContain('rotated-canary-77');
    }
    expect(mutations()).toHaveLength(before);
  });

  it('--project and --shard check only the projects they select, and exit on those alone', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    // staging brought in line; prod left drifted.
    expect((await hcr(['apply', '-f', 'shop.yaml', '--auto-approve', '--project', 'shop-staging'])).code).toBe(0);
    const reads = () => t.emulator.requests.filter((q) => q.operationName?.startsWith('getTenantEnv')).flatMap((q) => q.fields);

    t.emulator.requests.length = 0;
    const staging = await hcr(['drift', '-f', 'shop.yaml', '--project', '*-staging']);
    expect(staging.code).toBe(0);
    expect(staging.stdout).toContain('No drift.');
    expect(reads()).toHaveLength(1);
    const prod = await hcr(['drift', '-f', 'shop.yaml', '--project', 'shop-prod']);
    expect(prod.code).toBe(2);
    expect(prod.stdout).toContain('shop-prod');
    expect(prod.stdout).not.toContain('shop-staging');

    // Two shards: each project checked by exactly one; the one holding shop-prod exits 2.
    const shards = await Promise.all(['1/2', '2/2'].map((s) => hcr(['drift', '-f', 'shop.yaml', '--shard', s, '--format', 'json'])));
    const checked = shards.map((r) => (JSON.parse(r.stdout) as { projects: { name: string }[] }).projects.map((p) => p.name));
    expect(checked.flat().sort()).toEqual(['shop-prod', 'shop-staging']);
    expect(shards.map((r) => r.code)).toEqual(checked.map((names) => (names.includes('shop-prod') ? 2 : 0)));
  });

  it('exits 1 on an error', async () => {
    const { hcr } = await world();
    const r = await hcr(['drift', '-f', 'shop.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not exist in Hasura Cloud');
  });
});

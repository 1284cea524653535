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

  it('exits 1 on an error', async () => {
    const { hcr } = await world();
    const r = await hcr(['drift', '-f', 'shop.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not exist in Hasura Cloud');
  });
});

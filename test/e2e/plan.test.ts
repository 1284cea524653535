import { describe, expect, it } from 'vitest';
import { normalize } from '../helpers/cli.js';
import { expectInOrder } from '../helpers/order.js';
import { expectNoCanary, seedShop, world } from './setup.js';

describe('hcr plan', () => {
  it('shows every ownership rule in the text view, and exits 0', async () => {
    const { t, hcr, mutations } = await world();
    const { prod } = seedShop(t);
    // A HASURA_* key the file never names, on a project that prunes: Hasura Cloud's, left alone.
    const live = t.emulator.store.getEnv(prod.tenantId).env;
    t.emulator.store.setEnv(prod.tenantId, { ...live, HASURA_GRAPHQL_ENABLE_TELEMETRY: 'false' });
    const r = await hcr(['plan', '-f', 'shop.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const section = (name: string) => new RegExp(`^ {2}~ ${name} .*\n(?: {6}.*\n)*`, 'm').exec(r.stdout)?.[0] ?? '';
    const shopProd = section('shop-prod');
    // Declared keys are set; `remove` deletes even a HASURA_* key; prune deletes STALE_FLAG but
    // neither PG_* (ignored) nor an undeclared HASURA_* key: those two are counted as unmanaged.
    expect(shopProd).toMatch(/~ ACTIONS_ENDPOINT\s+"https:\/\/old.example.com" -> "https:\/\/actions.example.com"/);
    expect(shopProd).toMatch(/- HASURA_GRAPHQL_OLD_FLAG\s/);
    expect(shopProd).toMatch(/- STALE_FLAG\s/);
    expect(r.stdout).not.toContain('PG_POOL');
    expect(r.stdout).not.toContain('HASURA_GRAPHQL_ENABLE_TELEMETRY');
    expect(shopProd).toContain('(2 unmanaged keys left alone)');
    // Without prune, a live key the file does not name (Cloud's admin secret) is left alone too.
    expect(section('shop-staging')).toContain('(1 unmanaged key left alone)');
    expect(r.stdout).toContain('Plan: 3 to add, 2 to change, 2 to remove in 2 projects.');
    expect(mutations()).toEqual([]);
    expectNoCanary(r.stdout, r.stderr);
    await expect(normalize(r.stdout)).toMatchFileSnapshot('__snapshots__/plan.txt');
  });

  it('renders the same plan as JSON (one document, nothing else) and as Markdown', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    const json = await hcr(['plan', '-f', 'shop.yaml', '--format', 'json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.format_version).toBe(1);
    expect(doc.summary).toEqual({ add: 3, change: 2, remove: 2, create_projects: 0, delete_projects: 0, refused_delete_projects: 0 });
    expect(doc.projects.map((p: { name: string; action: string }) => [p.name, p.action])).toEqual([
      ['shop-prod', 'update'],
      ['shop-staging', 'update'],
    ]);
    const secret = doc.projects[0].env.find((e: { key: string }) => e.key === 'HASURA_GRAPHQL_ADMIN_SECRET');
    expect(secret).toEqual({ key: 'HASURA_GRAPHQL_ADMIN_SECRET', action: 'change', sensitive: true });
    await expect(normalize(json.stdout)).toMatchFileSnapshot('__snapshots__/plan.json');

    const md = await hcr(['plan', '-f', 'shop.yaml', '--format', 'markdown']);
    expect(md.code).toBe(0);
    expectInOrder(md.stdout, ['[!WARNING]', '| Project |']);
    expect(md.stdout).toContain('<details>');
    await expect(normalize(md.stdout)).toMatchFileSnapshot('__snapshots__/plan.md');
    expectNoCanary(json.stdout, md.stdout, json.stderr, md.stderr);
  });

  it('never shows a sensitive value, in any view, on either side, even with --verbose', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    for (const format of ['text', 'json', 'markdown']) {
      const r = await hcr(['plan', '-f', 'shop.yaml', '--format', format, '--verbose']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('HASURA_GRAPHQL_ADMIN_SECRET');
      expect(r.stdout).toContain('WEBHOOK_SIGNING_SECRET');
      expectNoCanary(r.stdout, r.stderr);
    }
  });

  it('--detailed-exitcode: 2 with changes, 0 without', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    expect((await hcr(['plan', '-f', 'shop.yaml', '--detailed-exitcode'])).code).toBe(2);
    expect((await hcr(['apply', '-f', 'shop.yaml', '--auto-approve'])).code).toBe(0);
    const after = await hcr(['plan', '-f', 'shop.yaml', '--detailed-exitcode']);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('No changes. Live state matches the desired state.');
  });

  it('resolves every project in one lookup and reads both envs in one request', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    t.emulator.requests.length = 0;
    expect((await hcr(['plan', '-f', 'shop.yaml'])).code).toBe(0);
    expect(t.emulator.requests.map((r) => [r.operationName, r.fields])).toEqual([
      ['findProjectsByName', ['projects']],
      ['getTenantEnvs', ['getTenantEnv', 'getTenantEnv']],
    ]);
  });

  it('--project limits the run to the matching projects', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    const r = await hcr(['plan', '-f', 'shop.yaml', '--project', '*-staging']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('shop-staging');
    expect(r.stdout).not.toContain('shop-prod');
    expect(t.emulator.requests.filter((q) => q.operationName === 'getTenantEnv')).toHaveLength(1);
  });

  it('names a project that does not exist and has no create block, and exits 1', async () => {
    const { t, hcr } = await world();
    t.seed('shop-prod');
    const r = await hcr(['plan', '-f', 'shop.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/shop\.yaml:\d+:\d+: project "shop-staging" does not exist in Hasura Cloud/);
    expect(r.stdout).toBe('');
  });

  it('fails clearly without a token, before any request', async () => {
    const { t, hcr } = await world();
    const r = await hcr(['plan', '-f', 'shop.yaml'], { env: { HASURA_CLOUD_ACCESS_TOKEN: undefined } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no Hasura Cloud access token');
    expect(t.emulator.requests).toEqual([]);
  });

  it('says a wrong token was refused, without printing it', async () => {
    const { hcr } = await world();
    const r = await hcr(['plan', '-f', 'shop.yaml'], { env: { HASURA_CLOUD_ACCESS_TOKEN: 'wrong-token-canary' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/token/i);
    expect(r.stderr).not.toContain('wrong-token-canary');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('makes no request when the input is invalid', async () => {
    const { t, hcr } = await world();
    const r = await hcr(['plan', '-f', '../bad/env-number.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/env-number\.yaml:\d+:\d+/);
    expect(t.emulator.requests).toEqual([]);
  });

  it('refuses a bad --concurrency', async () => {
    const { hcr } = await world();
    const r = await hcr(['plan', '-f', 'shop.yaml', '--concurrency', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--concurrency must be a whole number of 1 or more');
  });
});

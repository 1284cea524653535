import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError, formatDiagnostics } from '../../src/config/diagnostics.js';
import { loadDesired, sourceResolver, type LoadOptions } from '../../src/config/load.js';
import type { Desired, DesiredProject } from '../../src/config/types.js';
import { UserError } from '../../src/errors.js';

const GOOD = fileURLToPath(new URL('../fixtures/good/', import.meta.url));
const SECRETS = { SENTRY_DSN: 'https://key@sentry.example/1', SHOP_PROD_ADMIN_SECRET: 'admin-secret', BLOG_PUBLIC_TOKEN: 'public-token' };

const load = (paths: string[], options: Partial<LoadOptions> = {}) => loadDesired(paths, { cwd: GOOD, env: SECRETS, ...options });

async function problems(promise: Promise<Desired>): Promise<string[]> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return formatDiagnostics((err as ValidationError).diagnostics, { githubActions: false })
    .trimEnd()
    .split('\n');
}

function project(desired: Desired, name: string): DesiredProject {
  const found = desired.projects.find((p) => p.name === name);
  if (!found) throw new Error(`no project ${name}`);
  return found;
}

const tempDirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hcr-load-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadDesired', () => {
  it('collects the keys any file declares sensitive, from defaults and from projects that are not selected', async () => {
    const desired = await load(['sensitive-keys'], { projects: ['beta'] });
    expect(desired.projects.map((p) => p.name)).toEqual(['beta']);
    expect([...desired.sensitiveKeys].sort()).toEqual(['ALPHA_FLAG', 'SHARED_TOGGLE']);
  });

  it('reads every *.yaml and *.yml below a directory, sorted, skipping hidden directories and other files', async () => {
    const desired = await load(['split']);
    expect(desired.files).toEqual(['split/00-defaults.yml', 'split/blog/blog.yaml', 'split/shop.yaml']);
    expect(desired.projects.map((p) => p.name)).toEqual(['blog-prod', 'shop-dev', 'shop-prod']);
  });

  it('parses without reading process.env per YAML token, and leaves process.env as it was', async () => {
    const real = process.env;
    let reads = 0;
    const counting = new Proxy(real, {
      get: (target, key) => {
        if (key === 'LOG_TOKENS') reads += 1;
        return Reflect.get(target, key);
      },
    });
    process.env = counting;
    try {
      await load(['split']);
      expect(process.env).toBe(counting);
    } finally {
      process.env = real;
    }
    expect(reads).toBe(0);
  });

  it('reads the same file once when it is named twice', async () => {
    const desired = await load(['split/shop.yaml', 'split', 'split/shop.yaml']);
    expect(desired.files).toEqual(['split/00-defaults.yml', 'split/blog/blog.yaml', 'split/shop.yaml']);
  });

  it('merges defaults under each project: the project wins, and remove or ignore keeps a default out', async () => {
    const desired = await load(['split']);
    const values = (name: string) => Object.fromEntries(Object.entries(project(desired, name).env).map(([k, v]) => [k, v.value]));
    expect(values('shop-dev')).toEqual({
      HASURA_GRAPHQL_ENABLE_CONSOLE: 'true',
      LOG_LEVEL: 'info',
      ['__proto__']: 'kept as a key',
    });
    expect(values('shop-prod')).toEqual({
      FEATURE_X: 'on',
      HASURA_GRAPHQL_ADMIN_SECRET: 'admin-secret',
      HASURA_GRAPHQL_ENABLE_CONSOLE: 'false',
      SENTRY_DSN: SECRETS.SENTRY_DSN,
      STRIPE_KEY: 'sk_live_example',
    });
    expect(Object.keys(project(desired, 'shop-prod').env)).toEqual(Object.keys(values('shop-prod')).sort());
  });

  it('adds defaults.ignore to every project, and takes prune from defaults unless the project sets it', async () => {
    const desired = await load(['split']);
    expect(project(desired, 'shop-dev')).toMatchObject({ ignore: ['PG_*', 'SENTRY_*'], prune: false });
    expect(project(desired, 'shop-prod')).toMatchObject({ ignore: ['PG_*'], prune: true, remove: ['LOG_LEVEL'] });
    expect(project(desired, 'blog-prod')).toMatchObject({ ignore: ['PG_*'], prune: true, remove: [] });
  });

  it('keeps tenantId and create, and where each project is declared', async () => {
    const shop = project(await load(['split']), 'shop-prod');
    expect(shop.tenantId).toBe('7a79cf94-0e53-4520-a560-1b02bf522f08');
    expect(shop.create).toEqual({ cloud: 'aws', region: 'us-east-2', billingPlan: 'cloud_payg' });
    expect(shop.at).toEqual({ file: 'split/shop.yaml', line: 3, col: 3 });
    expect(project(await load(['split']), 'shop-dev')).not.toHaveProperty('tenantId');
  });

  it('keeps destroy and protect, protect coming from defaults unless the project sets it; defaults give a project to destroy no env', async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, 'hasura-cloud.yaml'),
      [
        'version: 1',
        'defaults:',
        '  protect: true',
        '  prune: true',
        '  env: { ADMIN: { fromEnv: UNSET_VARIABLE } }',
        'projects:',
        '  shop-old: { destroy: true, protect: false }',
        '  shop-legacy: { destroy: true, tenantId: 7a79cf94-0e53-4520-a560-1b02bf522f08 }',
        '  shop-prod: {}',
        '',
      ].join('\n'),
    );
    const desired = await loadDesired([], { cwd: dir, env: {}, projects: ['shop-old', 'shop-legacy'] });
    expect(desired.projects).toMatchObject([
      {
        name: 'shop-legacy',
        destroy: true,
        protect: true,
        tenantId: '7a79cf94-0e53-4520-a560-1b02bf522f08',
        env: {},
        prune: false,
        ignore: [],
      },
      { name: 'shop-old', destroy: true, protect: false, env: {}, prune: false },
    ]);
    expect(await problems(loadDesired([], { cwd: dir, env: {} }))).toEqual([
      'hasura-cloud.yaml:5:28: defaults.env.ADMIN: the environment variable UNSET_VARIABLE (fromEnv) is not set',
      '1 problem in 1 file',
    ]);
  });

  it('refuses a project to destroy that also sets what a kept project sets, naming every such field', async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, 'hasura-cloud.yaml'),
      'version: 1\nprojects:\n  shop-old:\n    remove: [A]\n    destroy: true\n    prune: true\n',
    );
    expect(await problems(loadDesired([], { cwd: dir, env: {} }))).toEqual([
      'hasura-cloud.yaml:4:5: projects.shop-old.remove: not allowed with destroy: true (line 5, col 5): a project to destroy sets nothing but tenantId and protect — drop remove, or drop destroy',
      'hasura-cloud.yaml:6:5: projects.shop-old.prune: not allowed with destroy: true (line 5, col 5): a project to destroy sets nothing but tenantId and protect — drop prune, or drop destroy',
      '2 problems in 1 file',
    ]);
  });

  it('marks fromEnv sensitive unless told otherwise, literals not unless told, and records each source and place', async () => {
    const desired = await load(['split']);
    const shop = project(desired, 'shop-prod').env;
    expect(shop.HASURA_GRAPHQL_ADMIN_SECRET).toEqual({
      value: 'admin-secret',
      sensitive: true,
      source: { fromEnv: 'SHOP_PROD_ADMIN_SECRET' },
      keyAt: { file: 'split/shop.yaml', line: 8, col: 7 },
    });
    expect(shop.FEATURE_X).toMatchObject({ sensitive: false, source: { file: 'split/shop.yaml', project: 'shop-prod', key: 'FEATURE_X' } });
    expect(shop.STRIPE_KEY).toMatchObject({ value: 'sk_live_example', sensitive: true });
    expect(shop.HASURA_GRAPHQL_ENABLE_CONSOLE).toEqual({
      value: 'false',
      sensitive: false,
      source: { file: 'split/00-defaults.yml', project: 'shop-prod', key: 'HASURA_GRAPHQL_ENABLE_CONSOLE' },
      keyAt: { file: 'split/00-defaults.yml', line: 6, col: 5 },
    });
    expect(project(desired, 'blog-prod').env.PUBLIC_TOKEN).toMatchObject({
      value: 'public-token',
      sensitive: false,
      source: { fromEnv: 'BLOG_PUBLIC_TOKEN' },
    });
  });

  it('expands YAML anchors and aliases', async () => {
    const desired = await load(['aliases.yaml']);
    expect(Object.keys(project(desired, 'shop-prod').env)).toEqual(['ACTIONS_BASE_URL', 'LOG_LEVEL']);
    expect(project(desired, 'shop-prod').env.LOG_LEVEL).toEqual({
      value: 'info',
      sensitive: false,
      source: { file: 'aliases.yaml', project: 'shop-prod', key: 'LOG_LEVEL' },
      keyAt: { file: 'aliases.yaml', line: 5, col: 7 },
    });
    expect(project(desired, 'shop-staging').ignore).toEqual(['PG_*']);
  });

  it('takes production and the levels of checks from defaults, the project winning rule by rule', async () => {
    const desired = await load(['checks']);
    expect(project(desired, 'shop-prod')).toMatchObject({
      production: true,
      checks: { 'hasura/allowlist': 'off', 'hasura/cors-wildcard': 'error', 'hasura/unknown-name': 'info' },
    });
    expect(project(desired, 'shop-dev')).toMatchObject({
      production: false,
      checks: { 'hasura/allowlist': 'off', 'hasura/cors-wildcard': 'warning' },
    });
    expect(project(await load(['split']), 'shop-prod')).toMatchObject({ production: false, checks: {} });
  });

  it('merges files named one by one like a directory', async () => {
    const one = await load(['split/shop.yaml', 'split/00-defaults.yml', 'split/blog/blog.yaml']);
    expect(one).toEqual(await load(['split']));
  });

  it('reads hasura-cloud.yaml in the working directory by default', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'hasura-cloud.yaml'), 'version: 1\nprojects:\n  shop-prod: {}\n');
    expect(await loadDesired([], { cwd: dir, env: {} })).toMatchObject({ files: ['hasura-cloud.yaml'], projects: [{ name: 'shop-prod' }] });
  });

  it('says how to name input when hasura-cloud.yaml is missing', async () => {
    const dir = scratch();
    expect(await problems(loadDesired([], { cwd: dir, env: {} }))).toEqual([
      `hasura-cloud.yaml: no such file or directory in ${dir}; create it, or name the desired-state files with -f PATH`,
      '1 problem',
    ]);
  });

  it('reports every problem of every file at once, sorted by place', async () => {
    expect(await problems(load(['two-broken']))).toEqual([
      'two-broken/a.yaml:5:13: projects.shop-prod.env.PORT: expected a string, got the number 8080 — quote it: "8080"',
      'two-broken/a.yaml:6:14: projects.shop-prod.env.DEBUG: expected a string, got the boolean true — quote it: "true"',
      'two-broken/a.yaml:7:5: projects.shop-prod.prun: unknown field — did you mean "prune"? (expected "tenantId", "create", "prune", "ignore", "remove", "env", "destroy", "protect", "production" or "checks")',
      'two-broken/b.yaml:1:10: version: expected 1, got the number 2 (the version of this file format; 1 is the only one)',
      'two-broken/b.yaml:3:3: projects.Blog: not a valid project name; expected a Hasura Cloud project name: 1 to 63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (it becomes <name>.hasura.app) — did you mean "blog"?',
      'two-broken/b.yaml:5:18: projects.Blog.env.LOG_LEVEL: expected a string or a map, got a list',
      '6 problems in 2 files',
    ]);
  });

  it('reports problems of valid files and broken ones together', async () => {
    const lines = await problems(load(['split', 'two-broken/a.yaml'], { env: {} }));
    expect(lines.filter((l) => l.includes('is not set'))).toHaveLength(3);
    // The broken file's projects are still held against the others: shop-prod is declared in both.
    expect(lines.filter((l) => l.startsWith('two-broken/a.yaml'))).toEqual([
      expect.stringContaining('projects.shop-prod: declared again; it is already declared at split/shop.yaml:3:3'),
      expect.stringContaining('projects.shop-prod.env.PORT: expected a string'),
      expect.stringContaining('projects.shop-prod.env.DEBUG: expected a string'),
      expect.stringContaining('projects.shop-prod.prun: unknown field'),
    ]);
    expect(lines.at(-1)).toBe('7 problems in 4 files');
  });

  it('reports a default fromEnv variable once, however many projects use it', async () => {
    const lines = await problems(load(['split'], { env: { SHOP_PROD_ADMIN_SECRET: 'x', BLOG_PUBLIC_TOKEN: 'y' } }));
    expect(lines).toEqual([
      'split/00-defaults.yml:8:28: defaults.env.SENTRY_DSN: the environment variable SENTRY_DSN (fromEnv) is not set',
      '1 problem in 1 file',
    ]);
  });

  it('needs fromEnv variables only for the selected projects', async () => {
    const env = { SENTRY_DSN: 'x' };
    expect((await load(['split'], { env, projects: ['shop-dev'] })).projects.map((p) => p.name)).toEqual(['shop-dev']);
    expect(await problems(load(['split'], { env, projects: ['shop-*'] }))).toEqual([
      'split/shop.yaml:8:47: projects.shop-prod.env.HASURA_GRAPHQL_ADMIN_SECRET: the environment variable SHOP_PROD_ADMIN_SECRET (fromEnv) is not set',
      '1 problem in 1 file',
    ]);
  });

  it('still checks every project when only some are selected', async () => {
    const lines = await problems(load(['split', 'two-broken/a.yaml'], { projects: ['blog-prod'] }));
    expect(lines.at(-1)).toBe('4 problems in 1 file');
  });

  it('refuses a --project glob that matches no project, suggesting the nearest name', async () => {
    expect(await problems(load(['split'], { projects: ['shop-prd', 'blog-*', 'www'] }))).toEqual([
      '--project "shop-prd" matches no declared project — did you mean "shop-prod"?',
      '--project "www" matches no declared project (declared: blog-prod, shop-dev, shop-prod)',
      '2 problems',
    ]);
  });

  it('returns only the projects of the shard', async () => {
    const shards = await Promise.all([1, 2, 3].map((index) => load(['split'], { shard: { index, count: 3 } })));
    const names = shards.flatMap((d) => d.projects.map((p) => p.name));
    expect(names.sort()).toEqual(['blog-prod', 'shop-dev', 'shop-prod']);
  });
});

describe('sourceResolver', () => {
  it('reads a fromEnv value from the environment, refusing a missing or empty one', async () => {
    const source = { fromEnv: 'SHOP_PROD_ADMIN_SECRET' };
    await expect(sourceResolver({ cwd: GOOD, env: { SHOP_PROD_ADMIN_SECRET: 's3cret' } })(source)).resolves.toBe('s3cret');
    await expect(sourceResolver({ cwd: GOOD, env: {} })(source)).rejects.toThrow(UserError);
    await expect(sourceResolver({ cwd: GOOD, env: { SHOP_PROD_ADMIN_SECRET: '' } })(source)).rejects.toThrow(/is empty/);
  });

  it('reads the value of every loaded value again from its file', async () => {
    const desired = await load(['split']);
    for (const p of desired.projects) {
      for (const value of Object.values(p.env)) {
        await expect(sourceResolver({ cwd: GOOD, env: SECRETS })(value.source)).resolves.toBe(value.value);
      }
    }
  });

  it('reads the file as it is now, and refuses when the key is gone or the file is broken', async () => {
    const dir = scratch();
    cpSync(join(GOOD, 'split'), dir, { recursive: true });
    const desired = await loadDesired(['.'], { cwd: dir, env: SECRETS });
    const stripe = project(desired, 'shop-prod').env.STRIPE_KEY!.source;
    expect(stripe).toEqual({ file: 'shop.yaml', project: 'shop-prod', key: 'STRIPE_KEY' });

    writeFileSync(
      join(dir, 'shop.yaml'),
      'version: 1\nprojects:\n  shop-prod:\n    env:\n      STRIPE_KEY: { value: sk_live_rotated, sensitive: true }\n',
    );
    await expect(sourceResolver({ cwd: dir, env: {} })(stripe)).resolves.toBe('sk_live_rotated');

    writeFileSync(join(dir, 'shop.yaml'), 'version: 1\nprojects:\n  shop-prod: {}\n');
    await expect(sourceResolver({ cwd: dir, env: {} })(stripe)).rejects.toThrow('shop.yaml no longer declares STRIPE_KEY for shop-prod');

    writeFileSync(join(dir, 'shop.yaml'), 'version: 1\nprojects:\n  shop-prod:\n    env:\n      STRIPE_KEY: 42\n');
    await expect(sourceResolver({ cwd: dir, env: {} })(stripe)).rejects.toThrow(ValidationError);
  });
});

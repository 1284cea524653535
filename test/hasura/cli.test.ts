import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { world, yesAfterEdit } from '../e2e/setup.js';

const DIR = fileURLToPath(new URL('../fixtures/hasura/cli/', import.meta.url));
const REFUSED = fileURLToPath(new URL('../fixtures/hasura/refused/', import.meta.url));
const ES256 = JSON.stringify({ type: 'ES256', key: readFileSync(new URL('../fixtures/hasura/keys/ec-p256.pem', import.meta.url), 'utf8') });
const JWK_URL = JSON.stringify({ jwk_url: 'https://example.auth0.com/.well-known/jwks.json' });

interface Refused {
  at: string;
  rule: string;
  says: string[];
  env?: Record<string, string>;
}
const refused = JSON.parse(readFileSync(join(REFUSED, 'expectations.json'), 'utf8')) as Record<string, Refused>;

const temp: string[] = [];
afterEach(async () => {
  await Promise.all(temp.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('hcr validate refuses a value or combination that stops the engine', () => {
  it('has a fixture for every expectation', () => {
    const files = readdirSync(REFUSED).filter((f) => f.endsWith('.yaml'));
    expect(Object.keys(refused).sort()).toEqual(files.sort());
  });

  it.each(Object.entries(refused))('%s: at its line, with its rule id, exit 1', async (file, expected) => {
    const r = await runCli(['validate', '-f', file], { cwd: REFUSED, env: expected.env ?? {} });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const line = r.stderr.split('\n').find((l) => l.startsWith(`${file}:${expected.at}: error[${expected.rule}]: shop-prod: `));
    expect(line, r.stderr).toBeDefined();
    for (const text of expected.says) expect(line).toContain(text);
    expect(r.stderr).toMatch(/^1 problem( and \d+ notes?)? in 1 file$/m);
  });
});

describe('hcr validate passes what the engine accepts', () => {
  it('any-case booleans, wildcard subdomains and custom schemes in CORS, jwk_url without type, an ES256 PEM, a 32-byte HS256 key of UTF-8, keys without HASURA_', async () => {
    const env = { SHOP_ADMIN_SECRET: 'admin-secret-0', SHOP_JWT_SECRET: ES256, SHOP_DATABASE_URL: 'postgres://db/shop' };
    const r = await runCli(['validate', '-f', 'accepted.yaml'], { cwd: DIR, env });
    expect(r.code).toBe(0);
    // Only a note: the production checklist asks for telemetry off, which Cloud's reference does not list.
    expect(r.stdout).toBe('Valid: 3 projects in 1 file (1 note: hcr validate --verbose lists it).\n');
    expect(r.stderr).toBe('');
    const verbose = await runCli(['validate', '-f', 'accepted.yaml', '--verbose'], { cwd: DIR, env });
    expect(verbose.stderr).toMatch(
      /^accepted\.yaml:9:5: info\[hasura\/cloud-unsupported\]: shop-api, shop-hmac, shop-prod: HASURA_GRAPHQL_ENABLE_TELEMETRY: /,
    );
  });

  it('prints warnings with their rule and place, and keeps exit 0', async () => {
    const r = await runCli(['validate', '-f', 'warnings.yaml'], { cwd: DIR, env: { SHOP_ADMIN_SECRET: 'admin-secret-0' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Valid: 1 project in 1 file.\n');
    expect(r.stderr.split('\n').map((l) => /^(\S+: \w+\[[\w/-]+\])/.exec(l)?.[1] ?? l)).toEqual([
      'warnings.yaml:8:7: warning[hasura/unknown-name]',
      'warnings.yaml:9:7: warning[hasura/cors-path]',
      'warnings.yaml:11:7: warning[hasura/allowlist]',
      'warnings.yaml:12:7: warning[hasura/jwt-audience]',
      '4 warnings in 1 file',
      '',
    ]);
  });

  it('under GitHub Actions, makes errors and warnings annotations on the file and line', async () => {
    const env = { SHOP_ADMIN_SECRET: 'admin-secret-0', GITHUB_ACTIONS: 'true' };
    const error = await runCli(['validate', '-f', 'bool.yaml'], { cwd: REFUSED, env });
    expect(error.code).toBe(1);
    expect(error.stderr.split('\n').filter((l) => l.startsWith('::'))).toEqual([
      '::error file=bool.yaml,line=5,col=7,title=hasura/bool::shop-prod: HASURA_GRAPHQL_DEV_MODE: "1" is not a boolean the engine reads (true, t, yes, y, false, f, no, n, in any case); it exits at startup on anything else — write "true"',
    ]);
    const warnings = await runCli(['validate', '-f', 'warnings.yaml'], { cwd: DIR, env });
    expect(warnings.code).toBe(0);
    const annotations = warnings.stderr.split('\n').filter((l) => l.startsWith('::'));
    expect(
      annotations.map((a) => /^::warning file=warnings\.yaml,line=(\d+),col=7,title=(hasura\/[\w-]+)::/.exec(a)?.slice(1).join(' ')),
    ).toEqual(['8 hasura/unknown-name', '9 hasura/cors-path', '11 hasura/allowlist', '12 hasura/jwt-audience']);
  });
});

/** A directory of its own, so that a saved plan or a job summary can be looked at. */
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hcr-checks-'));
  temp.push(dir);
  return dir;
}

describe('hcr plan and apply check the env each project will have after apply', () => {
  it('refuse to remove the admin secret of a project with a JWT secret: exit 1, no plan saved, nothing written', async () => {
    const { t, hcr, mutations } = await world();
    const prod = t.seed('shop-prod', { HASURA_GRAPHQL_JWT_SECRET: JWK_URL });
    const before = t.emulator.store.getEnv(prod.tenantId);
    const out = join(await tempDir(), 'plan.hcr');

    const plan = await hcr(['plan', '-f', 'remove-admin.yaml', '--out', out], { cwd: DIR });
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('- HASURA_GRAPHQL_ADMIN_SECRET  (sensitive value)');
    expect(plan.stdout).toMatch(
      /Hasura checks: 1 error:\n {2}shop-prod\n {4}✗ error {3}hasura\/auth-without-admin-secret {2}a JWT secret is set without an admin secret .* \(remove-admin\.yaml:3:3\)/,
    );
    expect(plan.stderr).toContain(`Error: 1 Hasura check failed in shop-prod; nothing was written; ${out} was not saved.`);
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);

    const apply = await hcr(['apply', '-f', 'remove-admin.yaml', '--auto-approve'], { cwd: DIR });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('1 Hasura check failed in shop-prod');
    expect(mutations()).toEqual([]);
    expect(t.emulator.store.getEnv(prod.tenantId)).toEqual(before);
  });

  it('refuse a change whose value would stop the engine, and write none of the others', async () => {
    const { t, hcr, mutations } = await world();
    const prod = t.seed('shop-prod');
    const before = t.emulator.store.getEnv(prod.tenantId);
    const apply = await hcr(['apply', '-f', 'bad-value.yaml', '--auto-approve'], { cwd: DIR });
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain('✗ error   hasura/bool  HASURA_GRAPHQL_DEV_MODE: "1" is not a boolean');
    expect(apply.stdout).toContain('(bad-value.yaml:6:7)');
    expect(mutations()).toEqual([]);
    expect(t.emulator.store.getEnv(prod.tenantId)).toEqual(before);

    const json = await hcr(['apply', '-f', 'bad-value.yaml', '--auto-approve', '--format', 'json'], { cwd: DIR });
    expect(json.code).toBe(1);
    // One document, of the error: the findings behind it at their place.
    const { error } = JSON.parse(json.stdout);
    expect(error).toMatchObject({
      kind: 'input',
      message: expect.stringMatching(/^1 Hasura check failed in shop-prod; nothing was written/),
    });
    expect(error.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', rule: 'hasura/bool', location: { file: 'bad-value.yaml', line: 6, col: 7 } }),
    ]);
    expect(json.stderr).toMatch(/^bad-value\.yaml:6:7: error\[hasura\/bool\]: shop-prod: HASURA_GRAPHQL_DEV_MODE: "1"/m);
    expect(mutations()).toEqual([]);
  });

  it('count a live value the plan leaves alone: the project would still not boot', async () => {
    const { t, hcr } = await world();
    t.seed('shop-prod', { HASURA_GRAPHQL_ENABLED_APIS: 'graphql,rest' });
    const r = await hcr(['plan', '-f', 'feature.yaml', '--format', 'json'], { cwd: DIR });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).checks).toEqual([
      {
        rule: 'hasura/list',
        level: 'error',
        project: 'shop-prod',
        key: 'HASURA_GRAPHQL_ENABLED_APIS',
        // A live value is unknown to the files: never quoted.
        message:
          'one of the items is not one of "metadata", "graphql", "pgdump", "developer", "config" or "metrics"; the engine refuses to start',
        location: { file: 'feature.yaml', line: 3, col: 3 },
      },
    ]);
    expect(r.stdout).not.toContain('rest');
  });

  it('apply what passes, warnings shown in the Markdown view and the job summary', async () => {
    const { t, hcr } = await world();
    const prod = t.seed('shop-prod');
    const dir = await tempDir();
    const summary = join(dir, 'summary.md');
    const env = { SHOP_ADMIN_SECRET: 'admin-secret-0', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    const md = await hcr(['plan', '-f', 'warnings.yaml', '--format', 'markdown'], { cwd: DIR, env });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('**Hasura checks: 4 warnings:**');
    expect(md.stdout).toContain(
      '- ⚠️ **warning** `hasura/unknown-name` in `shop-prod`: `HASURA_GRAPHQL_ENABLE_CONSOLLE`: is not a variable the engine reads, so it does nothing — did you mean HASURA\\_GRAPHQL\\_ENABLE\\_CONSOLE? (`warnings.yaml:8:7`)',
    );
    expect(await readFile(summary, 'utf8')).toContain('**Hasura checks: 4 warnings:**');
    expect(md.stderr.split('\n').filter((l) => l.startsWith('::warning '))).toHaveLength(4);

    const apply = await hcr(['apply', '-f', 'warnings.yaml', '--auto-approve'], { cwd: DIR, env });
    expect(apply.code).toBe(0);
    expect(t.emulator.store.getEnv(prod.tenantId).env.HASURA_GRAPHQL_ENABLE_CONSOLLE).toBe('false');
  });

  it('--refresh-on-conflict does not apply again when an edit made meanwhile leaves an env the engine refuses', async () => {
    const { t, hcr } = await world();
    const prod = t.seed('shop-prod');
    const input = yesAfterEdit(t, prod.tenantId, { HASURA_GRAPHQL_DEV_MODE: 'on' });
    const r = await hcr(['apply', '-f', 'feature.yaml', '--refresh-on-conflict'], { cwd: DIR, tty: true, input, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'shop-prod changed since it was read, and with these changes its env would now fail a Hasura check: not applied.',
    );
    expect(t.emulator.store.getEnv(prod.tenantId).env.FEATURE).toBeUndefined();
  });

  it('takes the admin secret Hasura Cloud generates for a project it creates', async () => {
    const { hcr } = await world();
    const cwd = await tempDir();
    await writeFile(
      join(cwd, 'create.yaml'),
      `version: 1\nprojects:\n  shop-new:\n    create: { cloud: aws, region: us-east-2 }\n    env:\n      HASURA_GRAPHQL_JWT_SECRET: '${JWK_URL}'\n`,
    );
    const r = await hcr(['apply', '-f', 'create.yaml', '--auto-approve'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('hcr drift reports live projects that would not boot, or break their production rules', () => {
  it('exits 2 for a live value the engine refuses, though the desired keys match', async () => {
    const { t, hcr } = await world();
    t.seed('shop-prod', { FEATURE: 'on', HASURA_GRAPHQL_DEV_MODE: 'on' });
    const r = await hcr(['drift', '-f', 'feature.yaml'], { cwd: DIR });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('No drift. Live state matches the desired state.');
    expect(r.stdout).toContain('✗ error   hasura/bool  HASURA_GRAPHQL_DEV_MODE: the value is not a boolean');
    expect(r.stdout).not.toMatch(/"on"/);
  });

  it('exits 2 for a production project that breaks a production rule live, 0 once it follows them', async () => {
    const { t, hcr } = await world();
    const prod = t.seed('shop-prod', { FEATURE: 'on', HASURA_GRAPHQL_CORS_DOMAIN: '*' });
    const r = await hcr(['drift', '-f', 'production.yaml', '--format', 'json'], { cwd: DIR });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).checks.map((c: { rule: string; level: string }) => `${c.level} ${c.rule}`)).toEqual([
      'error hasura/cors-wildcard',
    ]);

    t.emulator.store.setEnv(prod.tenantId, {
      ...t.emulator.store.getEnv(prod.tenantId).env,
      HASURA_GRAPHQL_CORS_DOMAIN: 'https://app.example.com',
    });
    const clean = await hcr(['drift', '-f', 'production.yaml'], { cwd: DIR });
    expect(clean.code).toBe(0);
    expect(clean.stdout).not.toContain('Hasura checks');
  });
});

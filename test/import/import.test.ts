import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { normalize, runCli, type CliOptions } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const LIVE = JSON.parse(await readFile(new URL('fixtures/live.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
const SCHEMA = fileURLToPath(new URL('../../schema/hcr.schema.json', import.meta.url));

/** Secrets seeded into shop-prod: none may appear in the imported file or in any output. */
const CANARY = {
  admin: 'admin-canary-3e9b71c2',
  jwtKey: 'jwt-canary-5a0c4d8e9f1b2a3c-6d7e8f90', // 32 bytes or more: an HS256 key the engine accepts
  pgPassword: 'pg-canary-7d1f',
  stripe: 'sk_live_canary51HxAbCdEfGh',
  session: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2Vzc2lvbi1jYW5hcnk',
};
/** Looks like nothing: a secret only to a user who says so with --sensitive-keys. */
const FLAGGED = 'flagged-canary-0b7e';
const SECRETS = {
  HASURA_GRAPHQL_ADMIN_SECRET: CANARY.admin,
  HASURA_GRAPHQL_JWT_SECRET: `{"type":"HS256","key":"${CANARY.jwtKey}"}`,
  PG_DATABASE_URL: `postgres://app:${CANARY.pgPassword}@db.example.com:5432/shop`,
  PAYMENTS: CANARY.stripe, // an innocent name: caught by the value's shape
  SESSION_SAMPLE: CANARY.session,
  CALLBACK: `https://hooks.example.com/in/${CANARY.admin}`, // holds another key's secret
  PUBLIC_LOOKING: FLAGGED,
};

function expectNoCanary(...texts: string[]): void {
  for (const text of texts) for (const canary of Object.values(CANARY)) expect(text).not.toContain(canary);
}

function expectNotFlagged(...texts: string[]): void {
  for (const text of texts) expect(text).not.toContain(FLAGGED);
}

let emulator: TestEmulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  emulator = dir = undefined;
});

/** An emulator with the fixture's projects (shop-prod also holding the secrets) and an empty working directory. */
async function setup() {
  const t = await startTestEmulator();
  emulator = t;
  dir = await mkdtemp(join(tmpdir(), 'hcr-import-'));
  for (const [name, env] of Object.entries(LIVE)) t.seed(name, env);
  const prod = t.emulator.store.findProjectByName('shop-prod')!;
  t.emulator.store.setEnv(prod.tenantId, { ...t.emulator.store.getEnv(prod.tenantId).env, ...SECRETS });
  const cwd = dir;
  const hcr = (args: string[], more: CliOptions = {}) => runCli(args, { cwd, ...more, env: { ...t.env, ...more.env } });
  return { t, cwd, hcr };
}

/** The variables an imported file reads, each set to the live value it stands for. */
function liveVariables(t: TestEmulator, yaml: string): Record<string, string> {
  const doc = parse(yaml) as { projects: Record<string, { env: Record<string, unknown> }> };
  const vars: Record<string, string> = {};
  for (const [name, project] of Object.entries(doc.projects)) {
    const live = t.emulator.store.findProjectByName(name)!.env;
    for (const [key, value] of Object.entries(project.env)) {
      if (typeof value === 'object' && value !== null && 'fromEnv' in value) vars[String(value.fromEnv)] = live[key]!;
    }
  }
  return vars;
}

describe('hcr import', () => {
  it('writes a file that validates and plans to no changes, with every secret as a fromEnv variable', async () => {
    const { t, cwd, hcr } = await setup();
    const r = await hcr(['import', '--project', 'shop-prod', '--project', 'shop-staging', '--out', 'hasura-cloud.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const yaml = await readFile(join(cwd, 'hasura-cloud.yaml'), 'utf8');
    // The $schema path depends on where the temporary directory is; another test checks where it points.
    await expect(normalize(yaml).replace(/\$schema=\S+/, '$schema=<path to schema/hcr.schema.json>')).toMatchFileSnapshot(
      '__snapshots__/imported.yaml',
    );
    await expect(normalize(r.stderr)).toMatchFileSnapshot('__snapshots__/import-stderr.txt');

    const doc = parse(yaml) as { version: number; projects: Record<string, Record<string, unknown>> };
    expect(doc.version).toBe(1);
    expect(Object.keys(doc.projects)).toEqual(['shop-prod', 'shop-staging']);
    expect(doc.projects['shop-prod']).not.toHaveProperty('prune');
    expect(doc.projects['shop-prod']!.tenantId).toBe(t.emulator.store.findProjectByName('shop-prod')!.tenantId);
    const variables = liveVariables(t, yaml);
    expect(Object.keys(variables).sort()).toEqual([
      'SHOP_PROD_CALLBACK',
      'SHOP_PROD_HASURA_GRAPHQL_ADMIN_SECRET',
      'SHOP_PROD_HASURA_GRAPHQL_JWT_SECRET',
      'SHOP_PROD_PAYMENTS',
      'SHOP_PROD_PG_DATABASE_URL',
      'SHOP_PROD_SESSION_SAMPLE',
      'SHOP_STAGING_HASURA_GRAPHQL_ADMIN_SECRET',
    ]);
    // stderr names the variables, never their values
    for (const name of Object.keys(variables)) expect(r.stderr).toContain(name);

    const validate = await hcr(['validate'], { env: variables });
    expect(validate.code).toBe(0);
    const plan = await hcr(['plan', '--detailed-exitcode'], { env: variables });
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
    expectNoCanary(yaml, r.stdout, r.stderr, validate.stdout, validate.stderr, plan.stdout, plan.stderr);
  });

  it('reads back every tricky value exactly: the plan would show a change for any that differed', async () => {
    const { t, cwd, hcr } = await setup();
    expect((await hcr(['import', '--project', 'shop-prod', '--out', 'a.yaml'])).code).toBe(0);
    const yaml = await readFile(join(cwd, 'a.yaml'), 'utf8');
    const env = (parse(yaml) as { projects: Record<string, { env: Record<string, unknown> }> }).projects['shop-prod']!.env;
    for (const [key, value] of Object.entries(LIVE['shop-prod']!)) expect(env[key], key).toBe(value);
    // and the quoting that keeps them strings is in the text itself
    expect(yaml).toContain('BOOL_TRUE: "true"');
    expect(yaml).toContain('OCTAL: "010"');
    expect(yaml).toContain('VERSION: "1.10"');
    expect(yaml).toContain('NULL_WORD: "null"');
    expect(yaml).toContain('EMPTY: ""');
    expect(yaml).toContain('BOOL_YES: "yes"');
    const plan = await hcr(['plan', '-f', 'a.yaml', '--detailed-exitcode', '--format', 'json'], { env: liveVariables(t, yaml) });
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).summary).toEqual({
      add: 0,
      change: 0,
      remove: 0,
      create_projects: 0,
      delete_projects: 0,
      refused_delete_projects: 0,
    });
  });

  it('prints only the YAML on stdout without --out, its $schema relative to the working directory', async () => {
    const { cwd, hcr } = await setup();
    const r = await hcr(['import', '--project', 'shop-staging']);
    expect(r.code).toBe(0);
    const first = r.stdout.split('\n')[0]!;
    expect(first).toMatch(/^# yaml-language-server: \$schema=\S+$/);
    expect(resolve(cwd, first.split('$schema=')[1]!)).toBe(SCHEMA);
    expect(parse(r.stdout)).toMatchObject({
      version: 1,
      projects: { 'shop-staging': { env: { ACTIONS_ENDPOINT: 'https://actions.staging.example.com' } } },
    });
    expect(r.stderr).toContain('`hcr plan -f FILE` (FILE: this output, saved) shows no changes.');
  });

  it("points $schema at hcr's schema from the output file's own directory", async () => {
    const { cwd, hcr } = await setup();
    const nested = join('infra', 'cloud.yaml');
    await mkdir(join(cwd, 'infra'));
    expect((await hcr(['import', '--project', 'analytics', '--out', nested])).code).toBe(0);
    const first = (await readFile(join(cwd, nested), 'utf8')).split('\n')[0]!;
    expect(resolve(dirname(join(cwd, nested)), first.split('$schema=')[1]!)).toBe(SCHEMA);
  });

  it('--sensitive-keys keeps more values out of the file, and warns about a glob that matched nothing', async () => {
    const { t, cwd, hcr } = await setup();
    const plain = await hcr(['import', '--project', 'shop-prod']);
    expect(plain.stdout).toContain(`PUBLIC_LOOKING: ${FLAGGED}`); // without the flag, nothing marks it

    const r = await hcr([
      'import',
      '--project',
      'shop-prod',
      '--sensitive-keys',
      'PUBLIC_*',
      '--sensitive-keys',
      'NO_SUCH_*',
      '--out',
      'f.yaml',
    ]);
    expect(r.code).toBe(0);
    const yaml = await readFile(join(cwd, 'f.yaml'), 'utf8');
    expect(yaml).toContain('PUBLIC_LOOKING: { fromEnv: SHOP_PROD_PUBLIC_LOOKING }');
    expect(r.stderr).toContain('warning: --sensitive-keys "NO_SUCH_*" matched no key');
    expectNoCanary(yaml, r.stdout, r.stderr);
    expectNotFlagged(yaml, r.stdout, r.stderr);
    const plan = await hcr(['plan', '-f', 'f.yaml', '--detailed-exitcode'], { env: liveVariables(t, yaml) });
    expect(plan.code).toBe(0);

    const bad = await hcr(['import', '--project', 'shop-prod', '--sensitive-keys', 'A[']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--sensitive-keys "A[" is not a valid glob');
  });

  it('selects projects by glob', async () => {
    const { hcr } = await setup();
    const r = await hcr(['import', '--project', 'shop-*']);
    expect(r.code).toBe(0);
    expect(Object.keys((parse(r.stdout) as { projects: object }).projects)).toEqual(['shop-prod', 'shop-staging']);
    expect(r.stderr).toContain('Imported 2 projects (shop-prod, shop-staging)');
  });

  it('fails naming a project or glob that matches nothing, and writes nothing', async () => {
    const { t, cwd, hcr } = await setup();
    t.emulator.requests.length = 0;
    const r = await hcr(['import', '--project', 'shop-prd', '--project', 'shop-prod', '--project', 'billing-*', '--out', 'x.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--project "shop-prd" matches no project in Hasura Cloud — did you mean "shop-prod"?');
    expect(r.stderr).toContain('--project "billing-*" matches no project in Hasura Cloud');
    expect(existsSync(join(cwd, 'x.yaml'))).toBe(false);
    expect(t.emulator.requests.map((q) => q.operationName)).toEqual(['listProjects']);
  });

  it('refuses to overwrite --out unless --force, and leaves no temporary file behind', async () => {
    const { cwd, hcr } = await setup();
    await writeFile(join(cwd, 'hasura-cloud.yaml'), 'mine\n');
    const refused = await hcr(['import', '--project', 'analytics', '--out', 'hasura-cloud.yaml']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('hasura-cloud.yaml already exists; nothing was written (pass --force to replace it)');
    expect(await readFile(join(cwd, 'hasura-cloud.yaml'), 'utf8')).toBe('mine\n');

    const forced = await hcr(['import', '--project', 'analytics', '--out', 'hasura-cloud.yaml', '--force']);
    expect(forced.code).toBe(0);
    expect(await readFile(join(cwd, 'hasura-cloud.yaml'), 'utf8')).toContain('REPORT_DAY: monday');
    expect(await readdir(cwd)).toEqual(['hasura-cloud.yaml']);
  });

  it('refuses two --out files', async () => {
    const { cwd, hcr } = await setup();
    const r = await hcr(['import', '--project', 'analytics', '--out', 'a.yaml', '--out', 'b.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--out is given more than once; give it once');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('fails clearly when the output directory does not exist', async () => {
    const { hcr } = await setup();
    const r = await hcr(['import', '--project', 'analytics', '--out', 'missing/dir/x.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: cannot write missing\/dir\/x\.yaml: ENOENT/);
  });

  it('gives every variable a unique name, even where project and key names collide', async () => {
    const { t, hcr } = await setup();
    t.seed('a-b', { C_SECRET: 'one-secret-value', db_password: 'lower-case-pw', DB_PASSWORD: 'upper-case-pw' });
    t.seed('a', { B_C_SECRET: 'two-secret-value' });
    const r = await hcr(['import', '--project', 'a', '--project', 'a-b']);
    expect(r.code).toBe(0);
    const doc = parse(r.stdout) as { projects: Record<string, { env: Record<string, { fromEnv?: string }> }> };
    const names = Object.values(doc.projects).flatMap((p) => Object.values(p.env).flatMap((v) => (v.fromEnv ? [v.fromEnv] : [])));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['A_B_C_SECRET', 'A_B_C_SECRET_2', 'A_B_DB_PASSWORD', 'A_B_DB_PASSWORD_2']));
    for (const name of names) expect(name).toMatch(/^[A-Z_][A-Z0-9_]*$/);
  });

  it('leaves out, and lists, keys a desired-state file cannot hold; the plan still shows no changes', async () => {
    const { t, cwd, hcr } = await setup();
    t.seed('odd', { 'feature.flag': 'on', CONTROL: 'bell\u007f', GOOD: 'x' });
    const r = await hcr(['import', '--project', 'odd', '--out', 'odd.yaml']);
    expect(r.code).toBe(0);
    const yaml = await readFile(join(cwd, 'odd.yaml'), 'utf8');
    expect(yaml).toContain('# Not imported (left alone): "CONTROL", "feature.flag"');
    expect(r.stderr).toContain('odd feature.flag: "feature.flag" is not a valid key name');
    expect(r.stderr).toContain('odd CONTROL: the value holds the control character U+007F');
    const plan = await hcr(['plan', '-f', 'odd.yaml', '--detailed-exitcode'], { env: liveVariables(t, yaml) });
    expect(plan.code).toBe(0);
  });

  it('never writes with a read-only client, and needs the token like every command', async () => {
    const { t, hcr } = await setup();
    expect((await hcr(['import', '--project', 'shop-prod'])).code).toBe(0);
    expect(t.emulator.requests.filter((q) => q.operationType === 'mutation')).toEqual([]);
    const r = await hcr(['import', '--project', 'shop-prod'], { env: { HASURA_CLOUD_ACCESS_TOKEN: undefined } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no Hasura Cloud access token');
  });
});

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { EXAMPLE_ENV, EXAMPLES, ROOT } from '../helpers/examples.js';

const GOOD = fileURLToPath(new URL('../fixtures/good/', import.meta.url));
const SECRETS = { SENTRY_DSN: 'https://key@sentry.example/1', SHOP_PROD_ADMIN_SECRET: 'admin-secret', BLOG_PUBLIC_TOKEN: 'public-token' };

describe('hcr validate', () => {
  const examples = EXAMPLES;

  it('finds the five examples of examples/', () => {
    expect(examples.sort()).toEqual([
      'multi-environment.yaml',
      'project-lifecycle.yaml',
      'prune-and-ignore.yaml',
      'secrets-from-env.yaml',
      'single-project.yaml',
    ]);
  });

  it.each(examples)('accepts examples/%s', async (example) => {
    const r = await runCli(['validate', '-f', `examples/${example}`], { cwd: ROOT, env: EXAMPLE_ENV });
    expect(r.stderr).toBe('');
    // Notes of the Hasura checks (e.g. a variable Hasura Cloud does not list) are counted, not printed.
    expect(r.stdout).toMatch(/^Valid: \d+ projects? in 1 file( \(\d+ notes?: hcr validate --verbose lists (it|them)\))?\.\n$/);
    expect(r.code).toBe(0);
  });

  it('confirms what it read', async () => {
    const r = await runCli(['validate', '-f', 'split'], { cwd: GOOD, env: SECRETS });
    expect(r).toEqual({ code: 0, stdout: 'Valid: 3 projects in 3 files (1 note: hcr validate --verbose lists it).\n', stderr: '' });
  });

  it('takes -f more than once, and --project and --shard', async () => {
    const files = ['-f', 'split/shop.yaml', '-f', 'split/00-defaults.yml'];
    expect((await runCli(['validate', ...files], { cwd: GOOD, env: SECRETS })).stdout).toBe(
      'Valid: 2 projects in 2 files (1 note: hcr validate --verbose lists it).\n',
    );
    expect((await runCli(['validate', ...files, '--project', 'shop-dev'], { cwd: GOOD, env: { SENTRY_DSN: 'x' } })).stdout).toBe(
      'Valid: 1 project in 2 files (1 note: hcr validate --verbose lists it).\n',
    );
    const shards = await Promise.all(
      ['1/2', '2/2'].map((s) => runCli(['validate', '-f', 'split', '--shard', s], { cwd: GOOD, env: SECRETS })),
    );
    expect(shards.map((r) => Number(/Valid: (\d+)/.exec(r.stdout)?.[1])).reduce((a, b) => a + b)).toBe(3);
  });

  it('refuses a malformed --shard as a usage error', async () => {
    const r = await runCli(['validate', '-f', 'split', '--shard', '3/2'], { cwd: GOOD, env: SECRETS });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--shard 3/2: the shard K must be between 1 and 2');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['', 'it is empty'],
    ['shop-[', 'a "[" that is never closed with "]" (at character 6)'],
  ])('refuses the --project pattern %j as the command line is read, before reading a file', async (pattern, problem) => {
    const r = await runCli(['validate', '-f', 'no-such-file.yaml', '--project', pattern], { cwd: GOOD });
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error: --project ${JSON.stringify(pattern)} is not a valid name or glob: ${problem}\nRun \`hcr validate --help\` for usage.\n`,
    });
  });

  it('annotates each problem for GitHub Actions when run there', async () => {
    const r = await runCli(['validate', '-f', 'two-broken/a.yaml'], { cwd: GOOD, env: { GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('::error '))).toEqual([
      '::error file=two-broken/a.yaml,line=5,col=13::projects.shop-prod.env.PORT: expected a string, got the number 8080 — quote it: "8080"',
      '::error file=two-broken/a.yaml,line=6,col=14::projects.shop-prod.env.DEBUG: expected a string, got the boolean true — quote it: "true"',
      '::error file=two-broken/a.yaml,line=7,col=5::projects.shop-prod.prun: unknown field — did you mean "prune"? (expected "tenantId", "create", "prune", "ignore", "remove", "env", "destroy", "protect", "production" or "checks")',
    ]);
    expect((await runCli(['validate', '-f', 'two-broken/a.yaml'], { cwd: GOOD })).stderr).not.toContain('::error');
  });

  it('never shows a sensitive value in a problem', async () => {
    const r = await runCli(['validate', '-f', 'sensitive-number-value.yaml'], {
      cwd: fileURLToPath(new URL('../fixtures/bad/', import.meta.url)),
    });
    expect(r.code).toBe(1);
    // The problem is reported, at its place and naming its key, without the value.
    expect(r.stderr).toContain(
      'sensitive-number-value.yaml:5:26: projects.shop-prod.env.PIN_CODE.value: expected a string, got a number (not shown: sensitive)',
    );
    expect(r.stdout + r.stderr).not.toContain('918273');
  });
});

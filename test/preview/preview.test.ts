import { afterEach, describe, expect, it, vi } from 'vitest';
import { normalize, runCli, type CliOptions } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator, type TestEmulatorOptions } from '../helpers/emulator.js';

const GITHUB_TOKEN = 'ghp_canaryGithubToken0123456789';
const ENV_SECRET = 'env-value-canary-41c7';

let emulator: TestEmulator | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await emulator?.close();
  emulator = undefined;
});

async function setup(options: TestEmulatorOptions = {}) {
  const t = await startTestEmulator(options);
  emulator = t;
  const hcr = (args: string[], more: CliOptions = {}) => runCli(args, { ...more, env: { ...t.env, GITHUB_TOKEN, ...more.env } });
  const operations = () => t.emulator.requests.map((r) => r.operationName);
  return { t, hcr, operations };
}

const FLAGS = { '--name': 'pr-42', '--repo': 'acme/shop', '--branch': 'feature/checkout', '--directory': 'hasura' };
const CREATE = ['preview', 'create', ...Object.entries(FLAGS).flat()];

/** `preview create` with some of the usual flags replaced. */
function createWith(changes: Record<string, string>, ...more: string[]): string[] {
  return ['preview', 'create', ...Object.entries({ ...FLAGS, ...changes }).flat(), ...more];
}

function expectNoSecret(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(GITHUB_TOKEN);
    expect(text).not.toContain(ENV_SECRET);
  }
}

describe('hcr preview create', () => {
  it('creates the project with its env, waits for the job, and prints where it is', async () => {
    const { t, hcr, operations } = await setup();
    const r = await hcr([...CREATE, '--env', 'FEATURE_X=on', '--env', `HASURA_GRAPHQL_ADMIN_SECRET=${ENV_SECRET}`, '--verbose']);
    expect(r.code).toBe(0);
    await expect(normalize(r.stdout)).toMatchFileSnapshot('__snapshots__/create.txt');
    expect(r.stdout).toContain('endpoint: https://pr-42.hasura.app/v1/graphql');
    expect(r.stderr).toMatch(/Scheduled preview app pr-42 \(job [0-9a-f-]{36}\); waiting up to 600 s for it\./);
    expectNoSecret(r.stdout, r.stderr);

    const project = t.emulator.store.findProjectByName('pr-42')!;
    expect(project).toMatchObject({ cloud: 'aws', region: 'us-east-2', plan: 'cloud_free' });
    expect(project.env).toMatchObject({ FEATURE_X: 'on', HASURA_GRAPHQL_ADMIN_SECRET: ENV_SECRET });
    expect(r.stdout).toContain(`project:  ${project.projectId}`);
    expect(r.stdout).toContain(`tenant:   ${project.tenantId}`);
    expect(operations()[0]).toBe('createGitHubPreviewApp');
    expect(operations().slice(1, -1).every((o) => o === 'getJob')).toBe(true);
    expect(operations().at(-1)).toBe('getProject');
  });

  it('sends the repository, branch, directory and project options as given', async () => {
    const { t, hcr } = await setup();
    const bodies: string[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      bodies.push(String(init?.body));
      return realFetch(input, init);
    });
    const r = await hcr([...CREATE, '--region', 'eu-central-1', '--plan', 'cloud_payg']);
    expect(r.code).toBe(0);
    const sent = bodies.map((b) => JSON.parse(b) as { operationName: string; variables: unknown }).find((b) => b.operationName === 'createGitHubPreviewApp')!;
    expect(sent.variables).toEqual({
      payload: {
        githubPersonalAccessToken: GITHUB_TOKEN,
        githubRepoDetails: { owner: 'acme', repo: 'shop', branch: 'feature/checkout', directory: 'hasura' },
        projectOptions: { cloud: 'aws', region: 'eu-central-1', plan: 'cloud_payg', name: 'pr-42', envVars: [] },
      },
    });
    expect(t.emulator.store.findProjectByName('pr-42')).toMatchObject({ region: 'eu-central-1', plan: 'cloud_payg' });
  });

  it('--format json prints one document and nothing else on stdout', async () => {
    const { t, hcr } = await setup();
    const r = await hcr([...CREATE, '--format', 'json', '--env', `SECRET=${ENV_SECRET}`]);
    expect(r.code).toBe(0);
    const project = t.emulator.store.findProjectByName('pr-42')!;
    expect(JSON.parse(r.stdout)).toEqual({
      name: 'pr-42',
      projectId: project.projectId,
      tenantId: project.tenantId,
      endpoint: 'https://pr-42.hasura.app/v1/graphql',
      jobId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      env: ['SECRET'],
    });
    expectNoSecret(r.stdout, r.stderr);
  });

  it('redeploys an existing preview app of that name with the new env', async () => {
    const { t, hcr } = await setup();
    expect((await hcr([...CREATE, '--env', 'BUILD=1'])).code).toBe(0);
    expect((await hcr([...CREATE, '--env', 'BUILD=2'])).code).toBe(0);
    expect(t.emulator.store.listProjects().filter((p) => p.name === 'pr-42')).toHaveLength(1);
    expect(t.emulator.store.findProjectByName('pr-42')!.env.BUILD).toBe('2');
  });

  it('exits 1 with the job\'s own error when the job fails', async () => {
    const { t, hcr } = await setup();
    const r = await hcr([...CREATE, '--cloud', 'gcp']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: preview job [0-9a-f-]{36} failed: invalid cloud: "gcp" \(supported: aws\)$/m);
    expect(t.emulator.store.findProjectByName('pr-42')).toBeUndefined();
    expectNoSecret(r.stderr);
  });

  it('gives up after --timeout, saying the job keeps running', async () => {
    const { hcr } = await setup({ previewJobDelayMs: 30_000 });
    const started = performance.now();
    const r = await hcr([...CREATE, '--timeout', '0.6']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/preview job [0-9a-f-]{36} had not finished after 0\.6 s; it keeps running in Hasura Cloud/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('needs GITHUB_TOKEN, and asks for it before any request', async () => {
    const { hcr, operations } = await setup();
    for (const token of [undefined, '', '  ']) {
      const r = await hcr(CREATE, { env: { GITHUB_TOKEN: token } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('no GitHub token: set GITHUB_TOKEN to a token that can read acme/shop');
    }
    expect(operations()).toEqual([]);
  });

  it.each([
    [{ '--name': 'Shop_Prod' }, '--name "Shop_Prod" is not a valid project name; expected a Hasura Cloud project name: 1 to 63 lowercase letters'],
    [{ '--name': 'pr-' }, '--name "pr-" is not a valid project name'],
    [{ '--repo': 'https://github.com/acme/shop' }, '--repo "https://github.com/acme/shop": expected OWNER/REPO'],
    [{ '--repo': 'shop' }, '--repo "shop": expected OWNER/REPO'],
    [{ '--repo': 'acme/..' }, '--repo "acme/..": expected OWNER/REPO'],
    [{ '--branch': '' }, '--branch must not be empty'],
    [{ '--env': '1BAD=x' }, '--env entry 1: "1BAD" is not a valid key name'],
    [{ '--timeout': '0' }, '--timeout must be a number of seconds above 0, not 0'],
  ])('refuses %j before any request', async (changes, message) => {
    const { hcr, operations } = await setup();
    const r = await hcr(createWith(changes));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(operations()).toEqual([]);
  });

  it.each([
    [['--env', 'A=1', '--env', 'A=2'], '--env sets A twice; give each key once'],
    [['--name', 'pr-43'], '--name is given more than once; give it once'],
    [['--timeout', '5', '--timeout', '6'], '--timeout is given more than once; give it once'],
  ])('refuses the repeated flags %j', async (flags, message) => {
    const { hcr, operations } = await setup();
    const r = await hcr([...CREATE, ...flags]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(operations()).toEqual([]);
  });

  it('never repeats an --env entry that lacks its "=" (it may be a value)', async () => {
    const { hcr } = await setup();
    const r = await hcr([...CREATE, '--env', 'A=1', '--env', ENV_SECRET]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--env entry 2 has no "=": expected KEY=VALUE');
    expectNoSecret(r.stderr);
  });
});

describe('hcr preview delete', () => {
  it('deletes the project of that name and says so', async () => {
    const { t, hcr } = await setup();
    const created = t.seed('pr-7');
    const r = await hcr(['preview', 'delete', '--name', 'pr-7']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Deleted project pr-7 (project ${created.projectId}, tenant ${created.tenantId}): deleted\n`);
    expect(t.emulator.store.findProjectByName('pr-7')).toBeUndefined();
  });

  it('exits 1 for a missing project, or 0 with --if-exists', async () => {
    const { hcr, operations } = await setup();
    const missing = await hcr(['preview', 'delete', '--name', 'pr-404']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error: no project is named pr-404; nothing was deleted');
    const quiet = await hcr(['preview', 'delete', '--name', 'pr-404', '--if-exists']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('No project is named pr-404; nothing to delete.\n');
    expect(operations()).not.toContain('deleteTenant');
  });

  it('checks the name before any request', async () => {
    const { hcr, operations } = await setup();
    const r = await hcr(['preview', 'delete', '--name', 'PR 7']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--name "PR 7" is not a valid project name');
    expect(operations()).toEqual([]);
  });
});

describe('hcr preview', () => {
  it('needs a subcommand', async () => {
    const { hcr } = await setup();
    const r = await hcr(['preview']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('choose a subcommand of preview');
  });
});

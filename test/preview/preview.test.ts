import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { normalize, runCli, type CliOptions } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator, type TestEmulatorOptions } from '../helpers/emulator.js';

const GITHUB_TOKEN = 'ghp_canaryGithubToken0123456789';
const ENV_SECRET = 'env-value-canary-41c7';
const FILE_SECRET = 'file-value-canary-93d0';

let emulator: TestEmulator | undefined;
let scratch: string | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await emulator?.close();
  emulator = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** A fresh directory holding these files; the CLI runs in it. */
function directoryWith(files: Record<string, string>): string {
  scratch = mkdtempSync(join(tmpdir(), 'hcr-preview-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(scratch, name), text);
  return scratch;
}

/** The outputs in a $GITHUB_OUTPUT file, read the way GitHub reads `name<<DELIMITER` blocks. */
function gitHubOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const block = /^([\w-]+)<<(\S+)$/.exec(lines[i]!);
    if (!block) continue;
    const end = lines.indexOf(block[2]!, i + 1);
    expect(end, `${block[1]} is closed by its delimiter`).toBeGreaterThan(i);
    outputs[block[1]!] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

async function setup(options: TestEmulatorOptions = {}) {
  const t = await startTestEmulator(options);
  emulator = t;
  const hcr = (args: string[], more: CliOptions = {}) => runCli(args, { ...more, env: { ...t.env, GITHUB_TOKEN, ...more.env } });
  const operations = () => t.emulator.requests.map((r) => r.operationName);
  return { t, hcr, operations };
}

// Polling at the default pace (2 s) would make each test wait seconds for a job the emulator ends in 20 ms.
const FLAGS = {
  '--name': 'pr-42',
  '--repo': 'acme/shop',
  '--branch': 'feature/checkout',
  '--directory': 'hasura',
  '--poll-interval': '0.02',
};
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
    expect(r.stdout).toContain(`console:  https://cloud.hasura.io/project/${project.projectId}/console`);
    expect(r.stdout).toContain(`tenant:   ${project.tenantId}`);
    expect(operations()[0]).toBe('createGitHubPreviewApp');
    expect(
      operations()
        .slice(1, -2)
        .every((o) => o === 'getJob'),
    ).toBe(true);
    // The job applied the env: reading it back is all there is to do.
    expect(operations().slice(-2)).toEqual(['getProject', 'getTenantEnv']);
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
    const sent = bodies
      .map((b) => JSON.parse(b) as { operationName: string; variables: unknown })
      .find((b) => b.operationName === 'createGitHubPreviewApp')!;
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
      format_version: 1,
      name: 'pr-42',
      projectId: project.projectId,
      tenantId: project.tenantId,
      endpoint: 'https://pr-42.hasura.app/v1/graphql',
      consoleUrl: `https://cloud.hasura.io/project/${project.projectId}/console`,
      jobId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      env: ['SECRET'],
      diagnostics: [],
    });
    expectNoSecret(r.stdout, r.stderr);
  });

  it('--format markdown writes the app for a pull-request comment, env keys named, values never', async () => {
    const { t, hcr } = await setup();
    const r = await hcr([...CREATE, '--format', 'markdown', '--env', `SECRET=${ENV_SECRET}`]);
    expect(r.code).toBe(0);
    const project = t.emulator.store.findProjectByName('pr-42')!;
    expect(normalize(r.stdout)).toBe(
      [
        '## Preview app `pr-42`',
        '',
        '- endpoint: `https://pr-42.hasura.app/v1/graphql`',
        '- console: `https://cloud.hasura.io/project/<uuid>/console`',
        '- project: `<uuid>`',
        '- tenant: `<uuid>`',
        '- job: `<uuid>`',
        '- env: SECRET (values not shown)',
        '',
      ].join('\n'),
    );
    expect(r.stdout).toContain(project.projectId);
    expectNoSecret(r.stdout, r.stderr);
  });

  it('redeploys an existing preview app of that name with the new env', async () => {
    const { t, hcr } = await setup();
    expect((await hcr([...CREATE, '--env', 'BUILD=1'])).code).toBe(0);
    expect((await hcr([...CREATE, '--env', 'BUILD=2'])).code).toBe(0);
    expect(t.emulator.store.listProjects().filter((p) => p.name === 'pr-42')).toHaveLength(1);
    expect(t.emulator.store.findProjectByName('pr-42')!.env.BUILD).toBe('2');
  });

  it('under GitHub Actions, also sets the step outputs name, project_id, endpoint and console_url', async () => {
    const { t, hcr } = await setup();
    const dir = directoryWith({ 'github-output': 'earlier=kept\n' });
    const outputFile = join(dir, 'github-output');
    const r = await hcr([...CREATE, '--env', `SECRET=${ENV_SECRET}`], { env: { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: outputFile } });
    expect(r.code).toBe(0);
    const written = readFileSync(outputFile, 'utf8');
    const { projectId } = t.emulator.store.findProjectByName('pr-42')!;
    expect(written.startsWith('earlier=kept\n')).toBe(true);
    expect(gitHubOutputs(written)).toEqual({
      name: 'pr-42',
      project_id: projectId,
      endpoint: 'https://pr-42.hasura.app/v1/graphql',
      console_url: `https://cloud.hasura.io/project/${projectId}/console`,
    });
    expectNoSecret(written);
  });

  it('leaves GITHUB_OUTPUT alone outside GitHub Actions', async () => {
    const { hcr } = await setup();
    const dir = directoryWith({ 'github-output': '' });
    expect((await hcr(CREATE, { env: { GITHUB_OUTPUT: join(dir, 'github-output') } })).code).toBe(0);
    expect(readFileSync(join(dir, 'github-output'), 'utf8')).toBe('');
  });

  it.each([
    [{ '--cloud': 'gcp' }, 'invalid cloud: "gcp" (supported: aws)'],
    [{ '--branch': 'missing-feature' }, 'branch "missing-feature" not found in GitHub repository acme/shop'],
    [{ '--directory': 'missing' }, 'directory "missing" not found in GitHub repository acme/shop on branch "feature/checkout"'],
  ])("exits 1 with the job's own error when the job fails: %j", async (changes, reason) => {
    const { t, hcr } = await setup();
    const dir = directoryWith({ 'github-output': '' });
    const r = await hcr(createWith(changes), { env: { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: join(dir, 'github-output') } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const line = new RegExp(`^Error: preview app pr-42 failed \\(job [0-9a-f-]{36}\\): ${reason.replace(/[()".]/g, '\\$&')}$`, 'm');
    expect(r.stderr).toMatch(line);
    expect(t.emulator.store.findProjectByName('pr-42')).toBeUndefined();
    expect(readFileSync(join(dir, 'github-output'), 'utf8')).toBe('');
    expectNoSecret(r.stderr);
  });

  it('fails, touching nothing, when the name belongs to a project that is not a preview app', async () => {
    const { t, hcr } = await setup();
    const prod = t.seed('shop-prod', { PG_DATABASE_URL: 'postgres://prod' });
    const before = t.emulator.store.getEnv(prod.tenantId);
    const r = await hcr(createWith({ '--name': 'shop-prod' }, '--env', 'PG_DATABASE_URL=postgres://preview'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: preview app shop-prod failed \(job [0-9a-f-]{36}\): a project named "shop-prod" already exists and is not a preview app$/m,
    );
    expect(t.emulator.store.getEnv(prod.tenantId)).toEqual(before);
  });

  it('exits 1 saying why when a newer job for the same app skips this one', async () => {
    const { t, hcr } = await setup({ previewJobDelayMs: 60_000 });
    const waiting = hcr(CREATE);
    await vi.waitFor(() => expect(t.emulator.store.runningJobIds()).toHaveLength(1));
    // Another run, say for the next push to the pull request.
    const newer = t.emulator.store.createPreviewJob({
      githubPersonalAccessToken: 'ghp_other',
      githubRepoDetails: { owner: 'acme', repo: 'shop', branch: 'feature/checkout', directory: 'hasura' },
      projectOptions: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_free', name: 'pr-42' },
    });
    const r = await waiting;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^Error: preview app pr-42 was skipped \\(job [0-9a-f-]{36}\\): a newer preview app creation for "pr-42" was scheduled \\(job ${newer}\\)\\. ` +
          'The newer job builds the app; this one made nothing\\.$',
        'm',
      ),
    );
  });

  it('gives up after --timeout, saying the job may still finish and where to look', async () => {
    const { hcr } = await setup({ previewJobDelayMs: 60_000 });
    const r = await hcr(createWith({ '--timeout': '0.3', '--poll-interval': '0.05' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^Error: preview app pr-42 is not ready after 0\.3 s \(job [0-9a-f-]{36}\)\. The job keeps running in Hasura Cloud and may still finish: the project appears at https:\/\/cloud\.hasura\.io\/projects once it is ready\. To wait longer, run this again with a longer --timeout/m,
    );
  });

  it('looks at the job once per --poll-interval', async () => {
    const { hcr, operations } = await setup({ previewJobDelayMs: 60_000 });
    const r = await hcr(createWith({ '--timeout': '0.5', '--poll-interval': '30' }));
    expect(r.code).toBe(1);
    // The wait is cut short by the timeout, after which it looks once more, and stops.
    expect(operations().filter((o) => o === 'getJob')).toHaveLength(1);
  });

  it("on a terminal, shows the job's latest step and the time waited on stderr, then clears the line", async () => {
    const { hcr } = await setup({ previewJobDelayMs: 200 });
    const r = await hcr(CREATE, { tty: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\r\u001b\[2KPreview app pr-42: create-preview-app: scheduled, \d+ s/);
    expect(r.stderr.endsWith('\r\u001b[2K')).toBe(true);
    expect(r.stdout).not.toContain('\r');

    const quiet = await hcr(CREATE);
    expect(quiet.stderr).not.toContain('\r');
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
    [
      { '--name': 'Shop_Prod' },
      '--name "Shop_Prod" is not a valid project name; expected a Hasura Cloud project name: 1 to 63 lowercase letters',
    ],
    [{ '--name': 'pr-' }, '--name "pr-" is not a valid project name'],
    [{ '--repo': 'https://github.com/acme/shop' }, '--repo "https://github.com/acme/shop": expected OWNER/REPO'],
    [{ '--repo': 'shop' }, '--repo "shop": expected OWNER/REPO'],
    [{ '--repo': 'acme/..' }, '--repo "acme/..": expected OWNER/REPO'],
    [{ '--branch': '' }, '--branch must not be empty'],
    [{ '--env': '1BAD=x' }, '--env entry 1: the key is not a valid key name (not shown: it may be a value)'],
    [{ '--timeout': '0' }, '--timeout must be a number of seconds above 0 and at most 2147483, not 0'],
    [{ '--poll-interval': '-1' }, '--poll-interval must be a number of seconds above 0 and at most 2147483, not -1'],
    [{ '--env-file': 'nowhere.env' }, '--env-file nowhere.env: no such file'],
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

  it('never repeats an --env entry that lacks its "=", or the key of one (either may be a value)', async () => {
    const { hcr } = await setup();
    const r = await hcr([...CREATE, '--env', 'A=1', '--env', ENV_SECRET]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--env entry 2 has no "=": expected KEY=VALUE');
    expectNoSecret(r.stderr);
    const url = await hcr([...CREATE, '--env', `postgres://app:${ENV_SECRET}@db/app?ssl=on`]);
    expect(url.stderr).toContain('--env entry 1: the key is not a valid key name');
    expectNoSecret(url.stderr);
  });
});

describe('hcr preview create --env-file', () => {
  const ENV_FILE = [
    '# settings of every preview app',
    'export FEATURE_X=on',
    `PG_DATABASE_URL="postgres://app:${FILE_SECRET}@db/app" # from the vault`,
    'LOG_LEVEL=debug',
    '',
  ].join('\n');

  it("sets the file's keys, with --env winning over the file, and prints no value", async () => {
    const { t, hcr } = await setup();
    const cwd = directoryWith({ 'preview.env': ENV_FILE });
    const r = await hcr([...CREATE, '--env-file', 'preview.env', '--env', `LOG_LEVEL=${ENV_SECRET}`], { cwd });
    expect(r.code).toBe(0);
    expect(t.emulator.store.findProjectByName('pr-42')!.env).toMatchObject({
      FEATURE_X: 'on',
      PG_DATABASE_URL: `postgres://app:${FILE_SECRET}@db/app`,
      LOG_LEVEL: ENV_SECRET,
    });
    expect(r.stdout).toContain('env:      FEATURE_X, PG_DATABASE_URL, LOG_LEVEL (values not shown)');
    expectNoSecret(r.stdout, r.stderr);
    expect(r.stdout + r.stderr).not.toContain(FILE_SECRET);
  });

  it('reports every malformed line at file:line:col, as annotations under GitHub Actions, before any request', async () => {
    const { hcr, operations } = await setup();
    const cwd = directoryWith({ 'preview.env': ['A=1', FILE_SECRET, '9LIVES=x', `B="${FILE_SECRET}`, 'A=2'].join('\n') });
    const r = await hcr([...CREATE, '--env-file', 'preview.env'], { cwd, env: { GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(1);
    await expect(r.stderr).toMatchFileSnapshot('__snapshots__/env-file-errors.txt');
    expect(r.stderr).not.toContain(FILE_SECRET);
    expect(operations()).toEqual([]);
  });

  it('hides every --env and --env-file value even where the service repeats it', async () => {
    const { hcr } = await setup();
    const cwd = directoryWith({ 'preview.env': ENV_FILE });
    // A real job's error can quote the env it was given, e.g. a database URL it could not reach.
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await realFetch(input, init);
      const text = await response.text();
      const echoed = text.replace(
        /"error":"(?:[^"\\]|\\.)*"/g,
        `"error":"cannot reach postgres://app:${FILE_SECRET}@db/app, LOG_LEVEL=${ENV_SECRET}"`,
      );
      return new Response(echoed, { status: response.status, headers: response.headers });
    });
    const r = await hcr(createWith({ '--branch': 'missing' }, '--env-file', 'preview.env', '--env', `LOG_LEVEL=${ENV_SECRET}`), { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed (job');
    expect(r.stderr).toContain('cannot reach (sensitive), LOG_LEVEL=(sensitive)');
    expectNoSecret(r.stderr);
    expect(r.stderr).not.toContain(FILE_SECRET);
  });
});

describe('hcr preview delete', () => {
  it('deletes the project of that name and says so', async () => {
    const { t, hcr } = await setup();
    const created = t.seed('pr-7');
    const r = await hcr(['preview', 'delete', '--name', 'pr-7', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Deleted project pr-7 (project ${created.projectId}, tenant ${created.tenantId}): deleted\n`);
    expect(t.emulator.store.findProjectByName('pr-7')).toBeUndefined();
  });

  it('exits 1 for a missing project, or 0 with --if-exists', async () => {
    const { hcr, operations } = await setup();
    const missing = await hcr(['preview', 'delete', '--name', 'pr-404', '--yes']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error: no project is named pr-404; nothing was deleted');
    const quiet = await hcr(['preview', 'delete', '--name', 'pr-404', '--if-exists', '--yes']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('No project is named pr-404; nothing to delete.\n');
    expect(operations()).not.toContain('deleteTenant');
  });

  it('checks the name before any request', async () => {
    const { hcr, operations } = await setup();
    const r = await hcr(['preview', 'delete', '--name', 'PR 7', '--yes']);
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

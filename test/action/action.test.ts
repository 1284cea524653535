import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionRunner, readAction, type ActionResult } from '../helpers/action.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { GitHubStandIn } from '../helpers/github-standin.js';

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/ci/${name}`, import.meta.url));
const TOKEN = 'ghs_actionTokenCanary6b0e';
const ADMIN_SECRET = 'action-admin-canary-2f7a';

describe('action.yml, as a file', () => {
  const action = readAction();

  it('is a composite action with the inputs and outputs the README names, its version this release', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual([
      'command',
      'config',
      'shard',
      'args',
      'version',
      'comment',
      'comment-id',
      'plan-file',
      'github-token',
      'node-version',
    ]);
    expect(action.inputs.command.required).toBe(true);
    expect(action.inputs.version.default).toBe(PACKAGE.version);
    expect(action.inputs['node-version'].default).toBe('24');
    expect(Object.fromEntries(Object.entries<any>(action.outputs).map(([name, o]) => [name, o.value]))).toEqual({
      exitcode: '${{ steps.hcr.outputs.exitcode }}',
      'has-changes': '${{ steps.hcr.outputs.has-changes }}',
      'plan-file': '${{ steps.hcr.outputs.plan-file }}',
    });
  });

  it('pins what it uses, and passes every input through env, never pasted into the script', () => {
    const [setup, step] = action.runs.steps;
    expect(setup).toEqual({ uses: 'actions/setup-node@v4', with: { 'node-version': '${{ inputs.node-version }}' } });
    expect(step.id).toBe('hcr');
    expect(step.run).not.toContain('${{');
    const read = Object.values<string>(step.env).map((v) => /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(v)?.[1]);
    expect(read.sort()).toEqual(
      Object.keys(action.inputs)
        .filter((i) => i !== 'node-version')
        .sort(),
    );
  });
});

/** Each run starts hcr as processes of its own, through tsx. */
describe('action.yml, run', { timeout: 60_000 }, () => {
  let gh: GitHubStandIn;
  let cloud: TestEmulator;
  let runner: ActionRunner;
  let job: string;
  const results: ActionResult[] = [];

  beforeAll(async () => {
    gh = await GitHubStandIn.start({ token: TOKEN });
    cloud = await startTestEmulator();
    cloud.seed('shop-prod', { ACTIONS_ENDPOINT: 'https://old.example.com', HASURA_GRAPHQL_ADMIN_SECRET: ADMIN_SECRET });
    runner = new ActionRunner(
      {
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_RUN_ID: '9001',
        GITHUB_API_URL: gh.url,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: fixture('pull-request.event.json'),
      },
      TOKEN,
    );
    job = mkdtempSync(join(tmpdir(), 'hcr-action-job-'));
    copyFileSync(fixture('shop.yaml'), join(job, 'hasura-cloud.yaml'));
  });
  afterAll(async () => {
    await gh.close();
    await cloud.close();
    runner.close();
    rmSync(job, { recursive: true, force: true });
    for (const r of results)
      for (const text of [r.stdout, r.stderr, r.summary, ...Object.values(r.outputs)]) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(ADMIN_SECRET);
      }
  });

  const secrets = () => ({ ...cloud.env, SHOP_PROD_ADMIN_SECRET: ADMIN_SECRET });
  async function action(inputs: Record<string, string>, env = secrets()): Promise<ActionResult> {
    const result = await runner.run(inputs, env, job);
    results.push(result);
    return result;
  }

  it('plan: installs the pinned release without install scripts, saves the plan, comments it, and sets the outputs', async () => {
    const result = await action({ command: 'plan' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.outputs).toEqual({ exitcode: '2', 'has-changes': 'true', 'plan-file': 'hcr.plan' });
    expect(existsSync(join(job, 'hcr.plan'))).toBe(true);
    expect(result.npm).toEqual([
      expect.stringMatching(
        /^npm install --prefix \S+\/hasura-cloud-reconciler-0\.1\.0 --ignore-scripts --no-audit --no-fund --loglevel=error hasura-cloud-reconciler@0\.1\.0$/,
      ),
    ]);
    expect(result.hcr.map((c) => c.replace(/\S+\/hcr-plan\.md/, 'PLAN.md'))).toEqual([
      'hcr plan -f hasura-cloud.yaml --out hcr.plan --format markdown --detailed-exitcode',
      'hcr github comment -f hasura-cloud.yaml --body-file PLAN.md',
    ]);
    expect(result.summary).toContain('## hcr plan');
    const [comment] = gh.comments.get(42)!;
    expect(comment!.body).toMatch(/^<!-- hcr-comment: hasura-cloud.yaml -->\n## hcr plan\n[^]*ACTIONS_ENDPOINT/);
  });

  it('plan that fails: the comment says so instead of showing the last plan, and the step fails', async () => {
    const result = await action({ command: 'plan', config: 'missing.yaml', 'comment-id': 'missing' });
    expect(result.code).toBe(1);
    expect(result.outputs).toEqual({ exitcode: '1', 'has-changes': 'false', 'plan-file': '' });
    const failed = gh.comments.get(42)!.find((c) => c.body.startsWith('<!-- hcr-comment: missing -->'));
    expect(failed!.body).toContain(':x: **hcr plan failed**: see the [job log](https://github.com/acme/shop/actions/runs/9001).');
  });

  it('drift with an args input and a shard: its own issue, and drift (2) fails the step', async () => {
    const result = await action({ command: 'drift', shard: '1/1', args: '--format markdown' });
    expect(result.code).toBe(2);
    expect(result.outputs).toMatchObject({ exitcode: '2', 'has-changes': 'true' });
    expect(result.hcr).toEqual(['hcr drift -f hasura-cloud.yaml --shard 1/1 --github-issue --format markdown']);
    expect(gh.issues.map((i) => i.title)).toEqual(['Hasura Cloud has drifted from hasura-cloud.yaml (shard 1/1)']);
  });

  it('apply: the saved plan when there is one', async () => {
    const result = await action({ command: 'apply' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.hcr).toEqual(['hcr show hcr.plan', 'hcr apply hcr.plan']);
    expect(result.outputs).toEqual({ exitcode: '0', 'has-changes': 'false', 'plan-file': '' });
  });

  it.each([
    [{ command: 'destroy' }, "command must be plan, apply or drift, not 'destroy'"],
    [{ command: 'plan', version: 'latest' }, "version must be an exact release such as 0.1.0, not 'latest'"],
    [{ command: 'plan', comment: 'yes' }, "comment must be true or false, not 'yes'"],
    [{ command: 'plan', config: ' ' }, 'config is empty'],
  ])('refuses %j before running hcr', async (inputs, message) => {
    const result = await action(inputs);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`::error title=hcr::${message}`);
    expect(result.hcr).toEqual([]);
  });
});

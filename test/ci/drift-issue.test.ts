import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { GitLabStandIn } from '../helpers/gitlab-standin.js';

const TOKEN = 'ghs_driftTokenCanary41c7';
/** The fixture's one fromEnv secret: it must reach neither the issue nor any output. */
const ADMIN_SECRET = 'drift-admin-canary-8d21';
const MARK = '<!-- hcr-drift: shop.yaml -->';

let gh: GitHubStandIn;
let cloud: TestEmulator;
let dir: string;
let tenantId: string;
const outputs: string[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hcr-drift-issue-'));
  copyFileSync(fileURLToPath(new URL('../fixtures/ci/shop.yaml', import.meta.url)), join(dir, 'shop.yaml'));
  gh = await GitHubStandIn.start({ token: TOKEN });
  cloud = await startTestEmulator();
  tenantId = cloud.seed('shop-prod', {
    ACTIONS_ENDPOINT: 'https://actions.example.com',
    HASURA_GRAPHQL_ADMIN_SECRET: ADMIN_SECRET,
  }).tenantId;
});
afterEach(async () => {
  await gh.close();
  await cloud.close();
  rmSync(dir, { recursive: true, force: true });
  for (const output of [...outputs.splice(0), ...gh.issues.map((i) => i.body), ...[...gh.comments.values()].flat().map((c) => c.body)]) {
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(ADMIN_SECRET);
  }
});

const setLive = (value: string) => {
  const { hash, env } = cloud.emulator.store.getEnv(tenantId);
  cloud.emulator.store.updateEnv(tenantId, hash, { ...env, ACTIONS_ENDPOINT: value });
};

async function drift(args: string[] = [], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const result = await runCli(['drift', '-f', 'shop.yaml', '--github-issue', ...args], {
    cwd: dir,
    env: {
      ...cloud.env,
      SHOP_PROD_ADMIN_SECRET: ADMIN_SECRET,
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: gh.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '9001',
      GITHUB_TOKEN: TOKEN,
      ...env,
    },
  });
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** The calls of one run, then forgotten. */
function callsOfRun(): string[] {
  const lines = gh.server.lines();
  gh.server.calls.length = 0;
  return lines;
}

const LIST = 'GET /repos/acme/shop/issues?labels=hcr-drift&state=open&sort=created&direction=asc&per_page=100 → 200';

describe('hcr drift --github-issue', () => {
  it('opens one issue while drift lasts, updates it with each new report, and closes it once drift clears', async () => {
    // No drift, no issue: nothing but a look.
    expect(await drift()).toMatchObject({ code: 0, stderr: 'No drift, and no drift issue open.\n' });
    expect(callsOfRun()).toEqual(['GET /user → 403', LIST]);

    setLive('https://hotfix.example.com');
    const opened = await drift();
    expect(opened.code).toBe(2);
    expect(opened.stderr).toBe('Opened drift issue #100: https://github.com/acme/shop/issues/100\n');
    expect(callsOfRun()).toEqual([
      'GET /user → 403',
      LIST,
      'GET /repos/acme/shop/labels/hcr-drift → 404',
      'POST /repos/acme/shop/labels → 201',
      'POST /repos/acme/shop/issues → 201',
    ]);
    expect(gh.labels.get('hcr-drift')).toEqual({
      name: 'hcr-drift',
      color: 'D93F0B',
      description: 'Hasura Cloud differs from git (hcr drift)',
    });
    const [issue] = gh.issues;
    expect(issue).toMatchObject({ title: 'Hasura Cloud has drifted from shop.yaml', state: 'open', labels: ['hcr-drift'] });
    expect(issue!.body).toMatch(new RegExp(`^${MARK}\\n## hcr drift\\n[^]*hotfix\\.example\\.com`));

    // The same drift: the issue already says so.
    expect((await drift()).stderr).toBe('Drift issue #100 already holds this report: https://github.com/acme/shop/issues/100\n');
    expect(callsOfRun()).toEqual(['GET /user → 403', LIST]);

    // Other drift: the same issue, its body replaced.
    setLive('https://hotfix-2.example.com');
    const updated = await drift();
    expect(updated).toMatchObject({
      code: 2,
      stderr: 'Updated drift issue #100 with this report: https://github.com/acme/shop/issues/100\n',
    });
    expect(callsOfRun()).toEqual(['GET /user → 403', LIST, 'PATCH /repos/acme/shop/issues/100 → 200']);
    expect(gh.issues).toHaveLength(1);
    expect(issue!.body).toContain('hotfix-2.example.com');

    // Live matches again: a comment that says so, then closed.
    setLive('https://actions.example.com');
    const closed = await drift();
    expect(closed).toMatchObject({
      code: 0,
      stderr: 'Closed drift issue #100, as there is no drift any more: https://github.com/acme/shop/issues/100\n',
    });
    expect(callsOfRun()).toEqual([
      'GET /user → 403',
      LIST,
      'POST /repos/acme/shop/issues/100/comments → 201',
      'PATCH /repos/acme/shop/issues/100 → 200',
    ]);
    expect(gh.comments.get(100)!.map((c) => c.body)).toEqual(['No drift any more, as of https://github.com/acme/shop/actions/runs/9001.']);
    expect(issue).toMatchObject({ state: 'closed', state_reason: 'completed' });

    // Drift again later: a new issue, since the old one is closed.
    setLive('https://hotfix-3.example.com');
    expect((await drift()).stderr).toBe('Opened drift issue #101: https://github.com/acme/shop/issues/101\n');
    expect(callsOfRun().slice(2)).toEqual(['GET /repos/acme/shop/labels/hcr-drift → 200', 'POST /repos/acme/shop/issues → 201']);
  });

  it('keeps one issue per config and shard, leaves issues it did not open alone, and keeps --format json clean', async () => {
    setLive('https://hotfix.example.com');
    gh.seedIssue({
      title: 'Someone else',
      body: `${MARK}\nnot hcr's`,
      state: 'open',
      labels: ['hcr-drift'],
      user: { login: 'mallory', type: 'User' },
    });
    gh.seedIssue({
      title: 'A pull request',
      body: MARK,
      state: 'open',
      labels: ['hcr-drift'],
      user: { login: 'github-actions[bot]', type: 'Bot' },
      pull_request: true,
    });
    const json = await drift(['--format', 'json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).summary.change).toBe(1);
    expect((await drift(['--shard', '1/1'])).code).toBe(2);
    expect(gh.issues.map((i) => [i.title, i.body.split('\n')[0]])).toEqual([
      ['Someone else', MARK],
      ['A pull request', MARK],
      ['Hasura Cloud has drifted from shop.yaml', MARK],
      ['Hasura Cloud has drifted from shop.yaml (shard 1/1)', '<!-- hcr-drift: shop.yaml shard=1/1 -->'],
    ]);
  });

  it('a GitHub failure does not hide drift (exit 2 stands); with no drift, failing to close the issue is an error (1)', async () => {
    setLive('https://hotfix.example.com');
    gh.server.fail({ method: 'POST', path: /\/issues$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    const hidden = await drift();
    expect(hidden.code).toBe(2);
    expect(hidden.stdout).toContain('hotfix.example.com');
    expect(hidden.stderr).toContain(
      'GitHub refused to open an issue (403: Resource not accessible by integration): the token lacks the permission `issues: write`',
    );
    expect(hidden.stderr).toContain(
      "error: the drift issue could not be written; drift's exit code (2) stands: GitHub refused to open an issue",
    );

    expect((await drift()).code).toBe(2);
    setLive('https://actions.example.com');
    gh.server.fail({ method: 'PATCH', path: /\/issues\/\d+$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    const notClosed = await drift();
    expect(notClosed.code).toBe(1);
    expect(notClosed.stderr).toContain('GitHub refused to close issue #100 (403: Resource not accessible by integration)');
  });

  it('reads nothing when GitHub is not set up, and touches no issue when drift cannot be read', async () => {
    const noToken = await drift([], { GITHUB_TOKEN: undefined });
    expect(noToken).toMatchObject({ code: 1, stderr: expect.stringContaining('no GitHub token') });
    expect(cloud.emulator.requests).toEqual([]);
    expect(gh.server.calls).toEqual([]);

    const unreadable = await drift([], { HASURA_CLOUD_ACCESS_TOKEN: 'wrong-token' });
    expect(unreadable.code).toBe(1);
    expect(gh.server.calls).toEqual([]);
  });
});

describe('hcr drift --gitlab-issue', () => {
  it('opens, updates and closes one GitLab issue, as on GitHub', async () => {
    const gl = await GitLabStandIn.start({ token: 'glpat-driftCanary55e0' });
    const run = async () => {
      const result = await runCli(['drift', '-f', 'shop.yaml', '--gitlab-issue'], {
        cwd: dir,
        env: {
          ...cloud.env,
          SHOP_PROD_ADMIN_SECRET: ADMIN_SECRET,
          CI_API_V4_URL: gl.url,
          CI_PROJECT_ID: '12',
          CI_JOB_URL: 'https://gitlab.example.com/acme/shop/-/jobs/3301',
          GITLAB_TOKEN: 'glpat-driftCanary55e0',
        },
      });
      outputs.push(result.stdout, result.stderr);
      const calls = gl.server.lines();
      gl.server.calls.length = 0;
      return { ...result, calls };
    };
    const list = 'GET /projects/12/issues?labels=hcr-drift&state=opened&sort=asc&order_by=created_at&per_page=100 → 200';
    try {
      setLive('https://hotfix.example.com');
      const opened = await run();
      expect(opened).toMatchObject({ code: 2, stderr: 'Opened drift issue #1: https://gitlab.example.com/acme/shop/-/issues/1\n' });
      expect(opened.calls).toEqual([
        'GET /user → 200',
        list,
        'GET /projects/12/labels/hcr-drift → 404',
        'POST /projects/12/labels → 201',
        'POST /projects/12/issues → 201',
      ]);
      expect(gl.labels.get('hcr-drift')).toMatchObject({ color: '#D93F0B' });
      expect(gl.issues[0]!.description).toMatch(new RegExp(`^${MARK}\\n## hcr drift\\n`));

      setLive('https://hotfix-2.example.com');
      expect((await run()).calls).toEqual(['GET /user → 200', list, 'PUT /projects/12/issues/1 → 200']);
      expect(gl.issues[0]!.description).toContain('hotfix-2.example.com');

      setLive('https://actions.example.com');
      const closed = await run();
      expect(closed.code).toBe(0);
      expect(closed.calls).toEqual(['GET /user → 200', list, 'POST /projects/12/issues/1/notes → 201', 'PUT /projects/12/issues/1 → 200']);
      expect(gl.issues[0]).toMatchObject({
        state: 'closed',
        notes: ['No drift any more, as of https://gitlab.example.com/acme/shop/-/jobs/3301.'],
      });
    } finally {
      await gl.close();
    }
  });

  it('refuses --github-issue with --gitlab-issue', async () => {
    const result = await drift(['--gitlab-issue']);
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Arguments github-issue and gitlab-issue are mutually exclusive'),
    });
    expect(gh.server.calls).toEqual([]);
  });
});

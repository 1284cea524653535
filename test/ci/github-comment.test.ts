import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { GitHubStandIn, type GitHubStandInOptions } from '../helpers/github-standin.js';

const FIXTURES = new URL('../fixtures/ci/', import.meta.url);
const fixture = (name: string) => fileURLToPath(new URL(name, FIXTURES));
/** The GitHub token, a canary: it must appear in no output. */
const TOKEN = 'ghs_standInTokenCanary9f3b2e';
const MARK = '<!-- hcr-comment: hasura-cloud.yaml -->';

let gh: GitHubStandIn;
let dir: string;
const outputs: string[] = [];

async function startGitHub(options: Partial<GitHubStandInOptions> = {}): Promise<void> {
  await gh?.close();
  gh = await GitHubStandIn.start({ token: TOKEN, ...options });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hcr-gh-comment-'));
  await startGitHub();
});
afterEach(async () => {
  await gh.close();
  rmSync(dir, { recursive: true, force: true });
  for (const output of outputs.splice(0)) expect(output).not.toContain(TOKEN);
});

/** What GitHub Actions sets for a run of a pull_request workflow (with GITHUB_TOKEN passed to the step). */
function actionsEnv(more: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: gh.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '9001',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: fixture('pull-request.event.json'),
    GITHUB_TOKEN: TOKEN,
    ...more,
  };
}

async function comment(args: string[], env = actionsEnv(), input?: string): Promise<CliResult> {
  const result = await runCli(['github', 'comment', ...args], { env, cwd: dir, input });
  outputs.push(result.stdout, result.stderr);
  return result;
}

const ours = (pr = 42) => gh.comments.get(pr)!.filter((c) => c.body.startsWith('<!-- hcr-'));

describe('hcr github comment', () => {
  it('creates the comment, then edits that same one in place, found past the first pages of 250 other comments', async () => {
    gh.seedComments(42, 250);

    const first = await comment(['--body-file', fixture('plan.md')]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const [posted] = ours();
    expect(posted!.body).toBe(`${MARK}\n${readFileSync(fixture('plan.md'), 'utf8').trimEnd()}`);
    expect(first.stdout).toBe(`Posted the comment on pull request #42: https://github.com/acme/shop/pull/42#issuecomment-${posted!.id}\n`);
    const created = gh.server.lines();
    expect(created).toEqual([
      'GET /user → 403',
      'GET /repos/acme/shop/issues/42/comments?per_page=100 → 200',
      'GET /repos/acme/shop/issues/42/comments?per_page=100&page=2 → 200',
      'GET /repos/acme/shop/issues/42/comments?per_page=100&page=3 → 200',
      'POST /repos/acme/shop/issues/42/comments → 201',
    ]);

    // More discussion after it: hcr's comment is now on the third page of 100.
    gh.seedComments(42, 20);
    gh.server.calls.length = 0;
    const second = await comment(['--body-file', fixture('plan-2.md')]);
    expect(second).toMatchObject({
      code: 0,
      stdout: `Updated the comment on pull request #42: ${posted!.id && `https://github.com/acme/shop/pull/42#issuecomment-${posted!.id}`}\n`,
    });
    expect(ours()).toEqual([{ ...posted, body: `${MARK}\n${readFileSync(fixture('plan-2.md'), 'utf8').trimEnd()}` }]);
    expect(gh.server.lines()).toEqual([
      'GET /user → 403',
      'GET /repos/acme/shop/issues/42/comments?per_page=100 → 200',
      'GET /repos/acme/shop/issues/42/comments?per_page=100&page=2 → 200',
      'GET /repos/acme/shop/issues/42/comments?per_page=100&page=3 → 200',
      `PATCH /repos/acme/shop/issues/comments/${posted!.id} → 200`,
    ]);
    expect(gh.server.calls.at(-1)!.body).toEqual({ body: ours()[0]!.body });

    // The same plan again: nothing to write.
    gh.server.calls.length = 0;
    const third = await comment(['--body-file', fixture('plan-2.md')]);
    expect(third.stdout).toMatch(/^Left unchanged the comment on pull request #42/);
    expect(gh.server.calls.filter((c) => c.method !== 'GET')).toEqual([]);
    expect(gh.comments.get(42)).toHaveLength(271);
  });

  it('gives each config and shard its own comment, named by -f, --project and --shard however they are spelled', async () => {
    await comment(['--body-file', fixture('plan.md'), '-f', 'envs/prod.yaml', '--shard', '1/2']);
    await comment(['--body-file', fixture('plan.md'), '-f', 'envs/prod.yaml', '--shard', '2/2']);
    await comment(['--body-file', fixture('plan.md'), '-f', 'envs/staging.yaml', '-f', './envs/prod.yaml']);
    await comment(['--body-file', fixture('plan.md'), '--marker-id', 'preview']);
    expect(ours().map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- hcr-comment: envs/prod.yaml shard=1/2 -->',
      '<!-- hcr-comment: envs/prod.yaml shard=2/2 -->',
      '<!-- hcr-comment: envs/prod.yaml,envs/staging.yaml -->',
      '<!-- hcr-comment: preview -->',
    ]);

    const before = ours().map((c) => c.id);
    await comment(['--body-file', fixture('plan-2.md'), '-f', 'envs/prod.yaml', '--shard', '2/2']);
    await comment(['--body-file', fixture('plan-2.md'), '-f', 'envs/prod.yaml', '-f', 'envs/staging.yaml']);
    expect(ours().map((c) => c.id)).toEqual(before);
    expect(ours().map((c) => c.body.includes('FEATURE_SEARCH'))).toEqual([false, true, true, false]);
  });

  it('--behavior recreate deletes the comment and posts it anew at the bottom; new always posts another', async () => {
    await comment(['--body-file', fixture('plan.md')]);
    const [old] = ours();
    gh.seedComments(42, 2);
    gh.server.calls.length = 0;

    const recreated = await comment(['--body-file', fixture('plan-2.md'), '--behavior', 'recreate']);
    expect(recreated.stdout).toMatch(/^Posted anew the comment on pull request #42: .*\(deleted the earlier one\)\n$/);
    expect(gh.server.lines()).toEqual([
      'GET /user → 403',
      'GET /repos/acme/shop/issues/42/comments?per_page=100 → 200',
      `DELETE /repos/acme/shop/issues/comments/${old!.id} → 204`,
      'POST /repos/acme/shop/issues/42/comments → 201',
    ]);
    expect(gh.comments.get(42)!.at(-1)!.body).toContain('FEATURE_SEARCH');
    expect(ours()).toHaveLength(1);

    gh.server.calls.length = 0;
    await comment(['--body-file', fixture('plan.md'), '--behavior', 'new']);
    expect(gh.server.lines()).toEqual(['POST /repos/acme/shop/issues/42/comments → 201']);
    expect(ours()).toHaveLength(2);

    // update then edits the newest of the two, and says the other is left alone.
    const updated = await comment(['--body-file', fixture('plan-2.md')]);
    expect(updated.stdout).toMatch(/\(1 older with the same marker left alone\)\n$/);
    expect(ours().map((c) => c.body.includes('FEATURE_SEARCH'))).toEqual([true, true]);
  });

  it('cuts a body over 65,536 characters at a line, closes its code block, and links the job summary', async () => {
    const lines = [
      '## hcr plan',
      '',
      '```diff',
      ...Array.from({ length: 1500 }, (_, i) => `+ KEY_${String(i).padStart(4, '0')}  "${'v'.repeat(20)}"`),
    ];
    let body = lines.join('\n');
    body += `\n${'x'.repeat(65_537 - body.length - 1)}`;
    expect(body).toHaveLength(65_537);
    writeFileSync(join(dir, 'long.md'), body);

    const result = await comment(['--body-file', 'long.md']);
    expect(result.stdout).toMatch(/\(cut to fit, the whole text is in the job summary\)\n$/);
    const [posted] = ours();
    expect(posted!.body.length).toBeLessThanOrEqual(65_536);
    const [kept, note] = posted!.body.split('\n```\n\n---\n');
    expect(`${body}\n`.startsWith(`${kept!.slice(MARK.length + 1)}\n`)).toBe(true);
    expect(kept!.split('\n').at(-1)).toMatch(/^\+ KEY_\d{4} {2}"v{20}"$/);
    expect(note).toBe(
      ':scissors: Cut here: the text is 65,537 characters, more than a comment may hold; read all of it in the [job summary](https://github.com/acme/shop/actions/runs/9001).',
    );
  });

  it('finds the pull request in an issue_comment event, takes --pr over the event, and reads the body from stdin', async () => {
    expect(
      (
        await comment(
          ['--body-file', fixture('plan.md')],
          actionsEnv({ GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: fixture('issue-comment.event.json') }),
        )
      ).code,
    ).toBe(0);
    await startGitHub({ pullRequests: [42, 43] });
    const env = actionsEnv({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: fixture('push.event.json') });
    expect((await comment(['--body-file', '-', '--pr', '43'], env, '## from stdin\n')).code).toBe(0);
    expect(ours(43).map((c) => c.body)).toEqual([`${MARK}\n## from stdin`]);
  });

  it('works against GitHub Enterprise Server (GITHUB_API_URL with /api/v3) and with a personal token, whose account it asks', async () => {
    await startGitHub({ prefix: '/api/v3', account: { login: 'octocat', type: 'User' } });
    // A bot's comment with the marker is not octocat's: left alone.
    gh.seedComments(42, 1, { login: 'other-app[bot]', type: 'Bot' }, () => `${MARK}\nold`);
    expect((await comment(['--body-file', fixture('plan.md')])).code).toBe(0);
    expect((await comment(['--body-file', fixture('plan-2.md')])).code).toBe(0);
    expect(gh.server.calls.every((c) => !c.path.startsWith('/api/v3'))).toBe(true);
    expect(gh.server.lines().filter((l) => !l.startsWith('GET'))).toEqual([
      'POST /repos/acme/shop/issues/42/comments → 201',
      expect.stringMatching(/^PATCH \/repos\/acme\/shop\/issues\/comments\/\d+ → 200$/),
    ]);
    expect(gh.comments.get(42)!.map((c) => c.user.login)).toEqual(['other-app[bot]', 'octocat']);
  });

  it("never edits a person's comment that starts with the marker", async () => {
    gh.seedComments(42, 1, { login: 'mallory', type: 'User' }, () => `${MARK}\nLooks fine, merge it.`);
    expect((await comment(['--body-file', fixture('plan.md')])).code).toBe(0);
    expect(gh.comments.get(42)!.map((c) => c.user.login)).toEqual(['mallory', 'github-actions[bot]']);
    expect(gh.comments.get(42)![0]!.body).toContain('merge it');
  });
});

describe('hcr github comment when GitHub says no', () => {
  it('401: the token is wrong, and the message never holds it', async () => {
    const result = await comment(['--body-file', fixture('plan.md')], actionsEnv({ GITHUB_TOKEN: 'ghs_wrongTokenCanary0000' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'GitHub refused the token (401: Bad credentials) when asked to read which account the token is: it is wrong',
    );
    expect(result.stderr).not.toContain('ghs_wrongTokenCanary0000');
  });

  it('403: names the permission the workflow must grant, pull-requests: write', async () => {
    gh.server.fail({ method: 'POST', path: /\/comments$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    const result = await comment(['--body-file', fixture('plan.md')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Error: GitHub refused to comment on pull request #42 (403: Resource not accessible by integration): the token lacks the permission ' +
        "`pull-requests: write`. In GitHub Actions add `pull-requests: write` under the workflow's or job's `permissions:`; " +
        'a pull request from a fork gets a read-only token whatever they say.\n',
    );
  });

  it('404: a pull request that does not exist, or a repository the token cannot see', async () => {
    const result = await comment(['--body-file', fixture('plan.md'), '--pr', '404']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'GitHub found nothing to list the comments of pull request #404 (404: Not Found): check GITHUB_REPOSITORY',
    );
    expect(result.stderr).toContain('`pull-requests: read`');
  });

  it('429 (secondary rate limit): waits what retry-after says, then posts', async () => {
    gh.server.fail({
      method: 'POST',
      path: /\/comments$/,
      status: 429,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit.' },
    });
    const result = await comment(['--body-file', fixture('plan.md')]);
    expect(result).toMatchObject({ code: 0, stderr: "GitHub's secondary rate limit: waiting 1 s as GitHub asks, then retrying.\n" });
    expect(gh.server.lines().slice(-2)).toEqual([
      'POST /repos/acme/shop/issues/42/comments → 429',
      'POST /repos/acme/shop/issues/42/comments → 201',
    ]);
    expect(ours()).toHaveLength(1);
  });

  it('403 with the rate limit used up until far off: fails at once, saying when it resets', async () => {
    // The wall clock, fixed, so that the wait GitHub asks for is exact.
    const now = Date.parse('2026-03-01T12:00:00Z');
    vi.useFakeTimers({ toFake: ['Date'], now });
    onTestFinished(() => void vi.useRealTimers());
    const reset = now / 1000 + 3600;
    gh.server.fail({
      path: /\/comments$/,
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for installation ID 1.' },
    });
    const result = await comment(['--body-file', fixture('plan.md')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('it resets at 2026-03-01T13:00:00.000Z');
    // A second past the reset, as GitHub's documentation says.
    expect(result.stderr).toContain('GitHub asked for a wait of 3601 s, hcr waits at most 300 s in all');
    expect(gh.server.calls.filter((c) => c.path.endsWith('/comments'))).toHaveLength(1);
  });

  it('502: retried, then posted', async () => {
    gh.server.fail({ method: 'POST', path: /\/comments$/, status: 502, body: { message: 'Server Error' } });
    const result = await comment(['--body-file', fixture('plan.md')]);
    expect(result.code).toBe(0);
    expect(gh.server.lines().slice(-2)).toEqual([
      'POST /repos/acme/shop/issues/42/comments → 502',
      'POST /repos/acme/shop/issues/42/comments → 201',
    ]);
  });
});

describe('hcr github comment refuses bad input before any request', () => {
  it.each([
    ['no GITHUB_REPOSITORY', [], { GITHUB_REPOSITORY: undefined }, 'GITHUB_REPOSITORY is not set'],
    ['a GITHUB_REPOSITORY that is no OWNER/REPO', [], { GITHUB_REPOSITORY: 'shop' }, 'GITHUB_REPOSITORY "shop": expected OWNER/REPO'],
    ['no token', [], { GITHUB_TOKEN: undefined }, 'no GitHub token: set GITHUB_TOKEN'],
    ['a token with a line break', [], { GITHUB_TOKEN: 'ghs_a\nb' }, 'GITHUB_TOKEN: the token contains spaces, line breaks'],
    [
      'plain http to another machine',
      [],
      { GITHUB_API_URL: 'http://github.example.com/api/v3' },
      'GITHUB_API_URL: refusing http://github.example.com/api/v3',
    ],
    [
      'a push event',
      [],
      { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: fixture('push.event.json') },
      'a push event names no pull request: pass --pr N',
    ],
    [
      'a comment on an issue',
      [],
      { GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: fixture('issue-comment-on-issue.event.json') },
      'this issue_comment is on an issue, not a pull request',
    ],
    ['no event and no --pr', [], { GITHUB_EVENT_PATH: undefined }, 'no pull request: pass --pr N'],
    ['an event file that is not JSON', [], { GITHUB_EVENT_PATH: fixture('plan.md') }, 'cannot read the event payload GITHUB_EVENT_PATH='],
    ['--pr 0', ['--pr', '0'], {}, '--pr must be a pull request number (1 or more), not 0'],
    ['a --marker-id that could end the HTML comment', ['--marker-id', 'a-->b'], {}, '--marker-id "a-->b": expected'],
    ['a body file that is missing', ['--body-file', 'missing.md'], {}, 'cannot read --body-file missing.md: ENOENT'],
    ['an empty body', ['--body-file', '-'], {}, '--body-file - is empty: nothing to post'],
    ['an unknown --behavior', ['--behavior', 'sticky'], {}, 'Invalid values:'],
  ] as [string, string[], Record<string, string | undefined>, string][])('%s', async (_, args, env, message) => {
    const body = args.includes('--body-file') ? [] : ['--body-file', fixture('plan.md')];
    const result = await comment([...body, ...args], actionsEnv(env));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(gh.server.calls).toEqual([]);
  });

  it('a --token-file readable by others', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, TOKEN);
    chmodSync(file, 0o644);
    const result = await comment(['--body-file', fixture('plan.md'), '--token-file', file], actionsEnv({ GITHUB_TOKEN: undefined }));
    expect(result.stderr).toContain('has mode 0644: it is readable by group or others');
    chmodSync(file, 0o600);
    expect((await comment(['--body-file', fixture('plan.md'), '--token-file', file], actionsEnv({ GITHUB_TOKEN: undefined }))).code).toBe(
      0,
    );
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { GitLabApi } from '../../src/ci/gitlab/client.js';
import { UserError } from '../../src/errors.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { GitLabStandIn } from '../helpers/gitlab-standin.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/ci/${name}`, import.meta.url));
const TOKEN = 'glpat-standInCanary3e9d1a';
const MARK = '<!-- hcr-comment: hasura-cloud.yaml -->';

let gl: GitLabStandIn;
let dir: string;
const outputs: string[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hcr-gl-comment-'));
  gl = await GitLabStandIn.start({ token: TOKEN });
});
afterEach(async () => {
  await gl.close();
  rmSync(dir, { recursive: true, force: true });
  for (const output of outputs.splice(0)) expect(output).not.toContain(TOKEN);
});

/** What GitLab CI sets in a merge request pipeline, with GITLAB_TOKEN a masked CI/CD variable. */
function pipelineEnv(more: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    GITLAB_CI: 'true',
    CI_API_V4_URL: gl.url,
    CI_PROJECT_ID: '12',
    CI_PROJECT_URL: 'https://gitlab.example.com/acme/shop',
    CI_MERGE_REQUEST_IID: '7',
    CI_JOB_URL: 'https://gitlab.example.com/acme/shop/-/jobs/3301',
    GITLAB_TOKEN: TOKEN,
    ...more,
  };
}

async function comment(args: string[], env = pipelineEnv()): Promise<CliResult> {
  const result = await runCli(['gitlab', 'comment', ...args], { env, cwd: dir });
  outputs.push(result.stdout, result.stderr);
  return result;
}

const ours = () => gl.notes.get(7)!.filter((n) => !n.system && n.body.startsWith('<!-- hcr-'));

describe('hcr gitlab comment', () => {
  it('creates the note, then edits that same one, found past the first page among system notes and others', async () => {
    gl.seedNotes(7, 130);
    gl.seedNotes(7, 5, { id: 1, username: 'gitlab' }, () => `${MARK}\nadded 1 commit`, true);
    const first = await comment(['--body-file', fixture('plan.md')]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const [posted] = ours();
    expect(first.stdout).toBe(
      `Posted the note on merge request !7: https://gitlab.example.com/acme/shop/-/merge_requests/7#note_${posted!.id}\n`,
    );
    expect(gl.server.lines()).toEqual([
      'GET /user → 200',
      'GET /projects/12/merge_requests/7/notes?sort=asc&order_by=created_at&per_page=100 → 200',
      'GET /projects/12/merge_requests/7/notes?sort=asc&order_by=created_at&per_page=100&page=2 → 200',
      'POST /projects/12/merge_requests/7/notes → 201',
    ]);

    gl.seedNotes(7, 80);
    gl.server.calls.length = 0;
    const second = await comment(['--body-file', fixture('plan-2.md')]);
    expect(second.stdout).toMatch(/^Updated the note on merge request !7/);
    expect(gl.server.lines()).toEqual([
      'GET /user → 200',
      'GET /projects/12/merge_requests/7/notes?sort=asc&order_by=created_at&per_page=100 → 200',
      'GET /projects/12/merge_requests/7/notes?sort=asc&order_by=created_at&per_page=100&page=2 → 200',
      'GET /projects/12/merge_requests/7/notes?sort=asc&order_by=created_at&per_page=100&page=3 → 200',
      `PUT /projects/12/merge_requests/7/notes/${posted!.id} → 200`,
    ]);
    expect(ours()).toEqual([{ ...posted, body: `${MARK}\n${readFileSync(fixture('plan-2.md'), 'utf8').trimEnd()}` }]);

    gl.server.calls.length = 0;
    await comment(['--body-file', fixture('plan.md'), '--behavior', 'recreate']);
    expect(gl.server.lines().slice(-2)).toEqual([
      `DELETE /projects/12/merge_requests/7/notes/${posted!.id} → 204`,
      'POST /projects/12/merge_requests/7/notes → 201',
    ]);
    expect(ours()).toHaveLength(1);
  });

  it('gives each shard its own note, and takes --mr', async () => {
    await comment(['--body-file', fixture('plan.md'), '--shard', '1/2']);
    await comment(['--body-file', fixture('plan.md'), '--shard', '2/2']);
    await comment(['--body-file', fixture('plan-2.md'), '--shard', '1/2', '--mr', '7'], pipelineEnv({ CI_MERGE_REQUEST_IID: undefined }));
    expect(ours().map((n) => [n.body.split('\n')[0], n.body.includes('FEATURE_SEARCH')])).toEqual([
      ['<!-- hcr-comment: hasura-cloud.yaml shard=1/2 -->', true],
      ['<!-- hcr-comment: hasura-cloud.yaml shard=2/2 -->', false],
    ]);
  });

  it.each([
    ['no CI_API_V4_URL', { CI_API_V4_URL: undefined }, 'CI_API_V4_URL is not set'],
    ['no CI_PROJECT_ID', { CI_PROJECT_ID: undefined }, 'CI_PROJECT_ID is not set'],
    ['no merge request', { CI_MERGE_REQUEST_IID: undefined }, 'no merge request: pass --mr N'],
    ['no token', { GITLAB_TOKEN: undefined }, 'no GitLab token: set GITLAB_TOKEN'],
    ['plain http to another machine', { CI_API_V4_URL: 'http://gitlab.example.com/api/v4' }, 'CI_API_V4_URL: refusing'],
  ])('refuses %s before any request', async (_, env, message) => {
    const result = await comment(['--body-file', fixture('plan.md')], pipelineEnv(env));
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining(message) });
    expect(gl.server.calls).toEqual([]);
  });

  it.each([
    [401, 'GitLab refused the token (401: Bad credentials) when asked to read which account the token is: it is wrong, expired or revoked'],
    [
      403,
      'GitLab refused to add a note to merge request !7 (403: 403 Forbidden): the token may not. hcr needs a project access token (role Reporter or above, scope api)',
    ],
    [404, 'GitLab found nothing to add a note to merge request !7 (404: 404 Not found): check CI_PROJECT_ID'],
  ])('%i says what to fix, and never the token', async (status, message) => {
    if (status === 401) gl.server.fail({ path: /^\/user$/, status, body: { message: 'Bad credentials' } });
    else gl.server.fail({ method: 'POST', path: /notes$/, status, body: { message: status === 403 ? '403 Forbidden' : '404 Not found' } });
    const result = await comment(['--body-file', fixture('plan.md')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });
});

describe('GitLabApi: retries within a bounded wait', () => {
  const logged: string[] = [];
  const api = (maxWaitSeconds?: number) =>
    new GitLabApi({
      baseUrl: gl.url,
      token: TOKEN,
      userAgent: 'hcr/test',
      secondMs: 1,
      maxWaitSeconds,
      log: (m) => logged.push(m),
      debug: () => {},
    });
  const post = (client: GitLabApi) =>
    client.request('add a note to merge request !7', 'POST', '/projects/12/merge_requests/7/notes', { body: 'x' });

  it('429 waits what Retry-After (or RateLimit-Reset) says; 5xx after 1, 4 and 9 s; then gives up', async () => {
    // The wall clock, fixed, so that the wait RateLimit-Reset asks for is exact.
    const now = Date.parse('2026-03-01T12:00:00Z');
    vi.useFakeTimers({ toFake: ['Date'], now });
    onTestFinished(() => void vi.useRealTimers());
    logged.length = 0;
    gl.server.fail({ method: 'POST', path: /notes$/, status: 429, headers: { 'retry-after': '7' } });
    gl.server.fail({
      method: 'POST',
      path: /notes$/,
      status: 429,
      headers: { 'ratelimit-reset': String(now / 1000 + 30) },
    });
    gl.server.fail({ method: 'POST', path: /notes$/, status: 502 });
    await post(api());
    expect(logged).toEqual([
      "GitLab's rate limit: waiting 7 s as GitLab asks, then retrying.",
      "GitLab's rate limit: waiting 30 s as GitLab asks, then retrying.",
    ]);
    expect(gl.server.lines().filter((l) => l.startsWith('POST'))).toEqual([
      'POST /projects/12/merge_requests/7/notes → 429',
      'POST /projects/12/merge_requests/7/notes → 429',
      'POST /projects/12/merge_requests/7/notes → 502',
      'POST /projects/12/merge_requests/7/notes → 201',
    ]);

    gl.server.fail({ method: 'POST', path: /notes$/, status: 503, times: 10 });
    const err = await post(api()).catch((e: unknown) => e);
    expect(err).toEqual(
      new UserError('GitLab answered 503 when asked to add a note to merge request !7 (after 4 attempts): stand-in fault 503', 'network'),
    );
  });

  it('past the bounded wait, fails at once', async () => {
    gl.server.fail({ method: 'POST', path: /notes$/, status: 429, headers: { 'retry-after': '600' } });
    const err = await post(api(300)).catch((e: unknown) => e);
    expect((err as Error).message).toContain(
      "GitLab's rate limit stopped hcr from being able to add a note to merge request !7 (429: stand-in fault 429); hcr waits at most 300 s",
    );
    expect(gl.server.calls).toHaveLength(1);
  });
});

import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { ClientOptions } from '../../src/ci/client-options.js';
import { GitHubApi } from '../../src/ci/github/client.js';
import { UserError } from '../../src/errors.js';
import { GitHubStandIn } from '../helpers/github-standin.js';

const TOKEN = 'ghs_clientTokenCanary77aa';
const POST = { what: 'comment on pull request #42', permission: 'pull-requests: write' };
const ROUTE = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
const PARAMS = { owner: 'acme', repo: 'shop', issue_number: 42, body: 'hello' };
/** A fixed wall clock, on a whole second, for the tests of x-ratelimit-reset. */
const NOW = Date.parse('2026-03-01T12:00:00Z');
const SECONDARY = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' };

let gh: GitHubStandIn;
let logged: string[];

beforeEach(async () => {
  gh = await GitHubStandIn.start({ token: TOKEN });
  logged = [];
});
afterEach(() => gh.close());

/** A client whose waits last a millisecond per second GitHub asks for, logging what it says. */
function client(options: Partial<ClientOptions> = {}): GitHubApi {
  return new GitHubApi({
    baseUrl: gh.url,
    token: TOKEN,
    userAgent: 'hcr/test',
    secondMs: 1,
    log: (message) => logged.push(message),
    debug: () => {},
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  expect((err as Error).message).not.toContain(TOKEN);
  return err as UserError;
}

const attempts = () => gh.server.calls.filter((c) => c.method === 'POST').length;

describe('GitHubApi: retries as GitHub documents, within a bounded wait', () => {
  it('retries a 5xx after 1, 4 and 9 s, then gives up naming the status', async () => {
    gh.server.fail({ method: 'POST', path: /comments$/, status: 502, times: 10 });
    const err = await failure(client().request(POST, ROUTE, PARAMS));
    expect(err.message).toBe('GitHub answered 502 when asked to comment on pull request #42 (after retrying 3 times): stand-in fault 502');
    expect(attempts()).toBe(4);
  });

  it('a 5xx that clears is retried into a success', async () => {
    gh.server.fail({ method: 'POST', path: /comments$/, status: 503, times: 2 });
    await client().request(POST, ROUTE, PARAMS);
    expect(attempts()).toBe(3);
    expect(gh.comments.get(42)).toHaveLength(1);
  });

  it('a secondary rate limit waits what retry-after says, or a minute without it, and stops after 3 retries', async () => {
    gh.server.fail({ method: 'POST', path: /comments$/, status: 403, headers: { 'retry-after': '2' }, body: SECONDARY });
    gh.server.fail({ method: 'POST', path: /comments$/, status: 429, body: SECONDARY });
    await client().request(POST, ROUTE, PARAMS);
    expect(logged).toEqual([
      "GitHub's secondary rate limit: waiting 2 s as GitHub asks, then retrying.",
      "GitHub's secondary rate limit: waiting 60 s as GitHub asks, then retrying.",
    ]);
    expect(attempts()).toBe(3);

    gh.server.fail({ method: 'POST', path: /comments$/, status: 403, headers: { 'retry-after': '1' }, body: SECONDARY, times: 10 });
    const err = await failure(client().request(POST, ROUTE, PARAMS));
    expect(err.message).toMatch(
      /^GitHub's rate limit stopped hcr from being able to comment on pull request #42 \(403: You have exceeded a secondary rate limit/,
    );
    expect(err.message).toContain('tries a request at most 4 times');
    expect(attempts()).toBe(3 + 4);
  });

  it('the primary rate limit waits until x-ratelimit-reset', async () => {
    // The wall clock, fixed: the wait GitHub asks for is then exact.
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    onTestFinished(() => void vi.useRealTimers());
    const reset = NOW / 1000 + 5;
    gh.server.fail({
      method: 'POST',
      path: /comments$/,
      status: 429,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded' },
    });
    await client().request(POST, ROUTE, PARAMS);
    // Until a second past the reset, as GitHub's documentation says (the throttling plugin adds it).
    expect(logged).toEqual(["GitHub's primary rate limit: waiting 6 s as GitHub asks, then retrying."]);
  });

  it('all waits of a run add up to at most maxWaitSeconds: past it, it fails at once and says what GitHub asked', async () => {
    gh.server.fail({ method: 'POST', path: /comments$/, status: 403, headers: { 'retry-after': '40' }, body: SECONDARY, times: 2 });
    const api = client({ maxWaitSeconds: 60 });
    const err = await failure(api.request(POST, ROUTE, PARAMS));
    expect(err.message).toContain('GitHub asked for a wait of 40 s, hcr waits at most 60 s in all (40 s so far)');
    expect(attempts()).toBe(2);
  });

  it('no answer at all: retried, then "cannot reach GitHub"', async () => {
    const url = gh.url;
    await gh.close();
    const err = await failure(client({ baseUrl: url }).request(POST, ROUTE, PARAMS));
    expect(err.message).toMatch(new RegExp(`^cannot reach GitHub at ${url} to comment on pull request #42, after retrying 3 times: `));
    gh = await GitHubStandIn.start({ token: TOKEN });
  });
});

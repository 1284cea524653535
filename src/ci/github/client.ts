import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { RequestError } from '@octokit/request-error';
import Bottleneck from 'bottleneck/light.js';
import { UserError } from '../../errors.js';
import { DEFAULT_MAX_WAIT_SECONDS, DEFAULT_TIMEOUT_MS, type ClientOptions } from '../client-options.js';

/**
 * GitHub's own client with its retry and throttling plugins, as GitHub documents them: writes
 * spaced (a second apart, three for those that notify), a rate-limited request retried after
 * `retry-after` or `x-ratelimit-reset`, a 5xx or a dropped connection retried after 1, 4 and 9 s.
 */
const HcrOctokit = Octokit.plugin(paginateRest, retry, throttling);

/** What a call does, for messages, and the permission the token needs for it. */
export interface Call {
  what: string;
  permission: string;
}

/** Past this many rate-limit retries of one request, GitHub is saying no for longer than a CI job should wait. */
const RATE_LIMIT_RETRIES = 3;

export type Params = Record<string, unknown>;

/** The author of a comment or issue. */
export interface Account {
  login: string;
  type: string;
}

/** A GitHub REST API client whose every failure is a UserError that says what to do, never the token. */
export class GitHubApi {
  readonly #octokit: InstanceType<typeof HcrOctokit>;
  readonly #options: ClientOptions;
  #waitedSeconds = 0;
  /** The wait GitHub last asked for that hcr declined, for the message. */
  #declined: number | undefined;

  constructor(options: ClientOptions) {
    this.#options = options;
    const secondMs = options.secondMs ?? 1000;
    const maxWait = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
    const onLimit = (kind: string) => (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
      if (retryCount >= RATE_LIMIT_RETRIES || this.#waitedSeconds + retryAfter > maxWait) {
        this.#declined = retryAfter;
        return false;
      }
      this.#waitedSeconds += retryAfter;
      options.log(`GitHub's ${kind} rate limit: waiting ${retryAfter} s as GitHub asks, then retrying.`);
      return true;
    };
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#octokit = new HcrOctokit({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      auth: options.token,
      userAgent: options.userAgent,
      // Octokit logs to the console by default, around hcr's redactor.
      log: { debug: () => {}, info: () => {}, warn: options.log, error: options.log },
      request: { fetch: timedFetch(timeoutMs, options.debug) },
      // 429 is the throttling plugin's to retry (after the wait GitHub names), not this plugin's fixed backoff.
      retry: { retryAfterBaseValue: secondMs, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
      throttle: {
        // GitHub's spacing of writes, in this client's seconds (the plugin's own groups are fixed at real ones).
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: secondMs }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3 * secondMs }),
        retryAfterBaseValue: secondMs,
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
      },
    });
  }

  async request<T>(call: Call, route: string, params: Params = {}): Promise<T> {
    try {
      return (await this.#octokit.request(route, params)).data as T;
    } catch (err) {
      throw this.#explain(err, call);
    }
  }

  /** The same call, for something that may not exist: undefined when GitHub answers 404. */
  async find<T>(call: Call, route: string, params: Params = {}): Promise<T | undefined> {
    try {
      return (await this.#octokit.request(route, params)).data as T;
    } catch (err) {
      if (err instanceof RequestError && err.status === 404) return undefined;
      throw this.#explain(err, call);
    }
  }

  /**
   * Whether an account is the token's own: the one `GET /user` names. An app's installation token
   * (GITHUB_TOKEN is one) may not read /user (403) and writes as a bot account, so then any bot is;
   * no person can post as a bot, which is what matters: a comment a person could edit is never taken for hcr's.
   */
  async ownAccount(): Promise<(user: Account | null | undefined) => boolean> {
    try {
      const { data } = await this.#octokit.request('GET /user');
      return (user) => user?.login === data.login;
    } catch (err) {
      if (err instanceof RequestError && err.status === 403 && !/rate limit/i.test(githubMessage(err))) {
        return (user) => user?.type === 'Bot';
      }
      throw this.#explain(err, { what: 'read which account the token is', permission: 'none: any token may' });
    }
  }

  /** The items of every page of a list, 100 a page, following GitHub's Link headers. */
  async *list<T>(call: Call, route: string, params: Params = {}): AsyncIterable<T> {
    try {
      for await (const page of this.#octokit.paginate.iterator(route, { ...params, per_page: 100 })) {
        yield* page.data as T[];
      }
    } catch (err) {
      throw this.#explain(err, call);
    }
  }

  #explain(err: unknown, call: Call): unknown {
    const api = this.#options.baseUrl;
    if (err instanceof UserError) return err;
    if (!(err instanceof RequestError)) return err;
    const said = githubMessage(err);
    const headers = err.response?.headers ?? {};
    if ((err.status === 403 || err.status === 429) && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(said))) {
      const reset = Number(headers['x-ratelimit-reset']);
      const when = headers['x-ratelimit-remaining'] === '0' && reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString()}` : '';
      const asked = this.#declined === undefined ? '' : ` GitHub asked for a wait of ${this.#declined} s,`;
      return new UserError(
        `GitHub's rate limit stopped hcr from being able to ${call.what} (${err.status}: ${said})${when}.${asked} ` +
          `hcr waits at most ${this.#options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS} s in all (${this.#waitedSeconds} s so far) and tries a request at most ${RATE_LIMIT_RETRIES + 1} times; run the job again later.`,
        'network',
      );
    }
    switch (err.status) {
      case 401:
        return new UserError(
          `GitHub refused the token (401: ${said}) when asked to ${call.what}: it is wrong, expired or revoked. ` +
            'In GitHub Actions, give the step GITHUB_TOKEN: ${{ github.token }}.',
          'auth',
        );
      case 403:
        return new UserError(
          `GitHub refused to ${call.what} (403: ${said}): the token lacks the permission \`${call.permission}\`. ` +
            `In GitHub Actions add \`${call.permission}\` under the workflow's or job's \`permissions:\`; ` +
            'a pull request from a fork gets a read-only token whatever they say.',
          'auth',
        );
      case 404:
        return new UserError(
          `GitHub found nothing to ${call.what} (404: ${said}): check GITHUB_REPOSITORY and the number; ` +
            `GitHub also answers 404 to a token that may not see the repository, or lacks \`${call.permission}\`.`,
          'service',
        );
      case 500:
        // No answer at all (connection refused, reset, timed out), after the same retries as a 5xx.
        if (!err.response) {
          return new UserError(`cannot reach GitHub at ${api} to ${call.what}, after retrying 3 times: ${err.message}`, 'network');
        }
    }
    const retried = err.status >= 500 ? ' (after retrying 3 times)' : '';
    return new UserError(
      `GitHub answered ${err.status} when asked to ${call.what}${retried}: ${said}`,
      err.status >= 500 ? 'network' : 'service',
    );
  }
}

/** GitHub's `message`, without the documentation link octokit appends. */
function githubMessage(err: RequestError): string {
  const data = err.response?.data as { message?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? data.message : err.message;
  return message.replace(/ - https:\/\/docs\.github\.com\S*$/, '').slice(0, 300);
}

/** fetch, with a time limit on each attempt and a line per attempt for --verbose. */
function timedFetch(timeoutMs: number, debug: (message: string) => void): typeof fetch {
  return async (input, init) => {
    const started = Date.now();
    const method = init?.method ?? 'GET';
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    try {
      const response = await fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      debug(`${method} ${path} ${response.status} ${Date.now() - started}ms`);
      return response;
    } catch (err) {
      debug(`${method} ${path} failed after ${Date.now() - started}ms`);
      throw err;
    }
  };
}

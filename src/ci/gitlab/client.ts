import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../errors.js';
import { DEFAULT_MAX_WAIT_SECONDS, DEFAULT_TIMEOUT_MS, type ClientOptions } from '../client-options.js';

/** What a call does, for messages. */
export type What = string;

/** GitLab's 404: a UserError, which `find` expects. */
class NotFound extends UserError {}

/** Attempts of one request: the first, then retries after 1, 4 and 9 s (a 5xx, no answer) or what GitLab asks (429). */
const ATTEMPTS = 4;
const TOKEN_HELP = 'a project access token (role Reporter or above, scope api) in GITLAB_TOKEN; CI_JOB_TOKEN may not write notes or issues';

/** A GitLab REST API (v4) client whose every failure is a UserError that says what to do, never the token. */
export class GitLabApi {
  readonly #options: ClientOptions;
  readonly #base: string;
  #waitedSeconds = 0;

  constructor(options: ClientOptions) {
    this.#options = options;
    this.#base = options.baseUrl.replace(/\/+$/, '');
  }

  async request<T>(what: What, method: string, path: string, body?: Record<string, unknown>): Promise<T> {
    const response = await this.#send(what, method, `${this.#base}${path}`, body);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  /** The id of the account the token is: what hcr's own notes and issues are told apart by. */
  async ownId(): Promise<number> {
    return (await this.request<{ id: number }>('read which account the token is', 'GET', '/user')).id;
  }

  /** The same request, for something that may not exist: undefined when GitLab answers 404. */
  async find<T>(what: What, path: string): Promise<T | undefined> {
    try {
      return await this.request<T>(what, 'GET', path);
    } catch (err) {
      if (err instanceof NotFound) return undefined;
      throw err;
    }
  }

  /** Every item of a list, 100 a page, following GitLab's x-next-page (or its Link header). */
  async *list<T>(what: What, path: string, query: Record<string, string>): AsyncIterable<T> {
    let url: string | undefined = `${this.#base}${path}?${new URLSearchParams({ ...query, per_page: '100' })}`;
    while (url) {
      const response = await this.#send(what, 'GET', url);
      yield* (await response.json()) as T[];
      url = nextPage(response, url);
    }
  }

  async #send(what: What, method: string, url: string, body?: Record<string, unknown>): Promise<Response> {
    const secondMs = this.#options.secondMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const path = new URL(url).pathname;
      let response: Response | undefined;
      let failure: string | undefined;
      try {
        response = await fetch(url, {
          method,
          headers: {
            'private-token': this.#options.token,
            'user-agent': this.#options.userAgent,
            accept: 'application/json',
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        });
        this.#options.debug(`${method} ${path} ${response.status} ${Date.now() - started}ms`);
        if (response.ok) return response;
      } catch (err) {
        failure = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        this.#options.debug(`${method} ${path} failed after ${Date.now() - started}ms: ${failure}`);
      }
      const transient = response === undefined || response.status === 429 || response.status >= 500;
      const wait = transient && attempt < ATTEMPTS ? retryAfter(response, attempt) : undefined;
      if (wait === undefined || this.#waitedSeconds + wait > (this.#options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS)) {
        throw response
          ? await this.#explain(response, what, attempt)
          : new UserError(`cannot reach GitLab at ${this.#base} to ${what}, after ${attempt} attempts: ${failure}`, 'network');
      }
      await response?.arrayBuffer().catch(() => undefined);
      this.#waitedSeconds += wait;
      if (response?.status === 429) this.#options.log(`GitLab's rate limit: waiting ${wait} s as GitLab asks, then retrying.`);
      await sleep(wait * secondMs);
    }
  }

  async #explain(response: Response, what: What, attempts: number): Promise<UserError> {
    const said = gitlabMessage(await response.text().catch(() => ''));
    const status = `${response.status}${said ? `: ${said}` : ''}`;
    switch (response.status) {
      case 401:
        return new UserError(
          `GitLab refused the token (${status}) when asked to ${what}: it is wrong, expired or revoked. hcr needs ${TOKEN_HELP}.`,
          'auth',
        );
      case 403:
        return new UserError(`GitLab refused to ${what} (${status}): the token may not. hcr needs ${TOKEN_HELP}.`, 'auth');
      case 404:
        return new NotFound(
          `GitLab found nothing to ${what} (${status}): check CI_PROJECT_ID and the merge request; GitLab also answers 404 to a token that may not see the project.`,
        );
      case 429:
        return new UserError(
          `GitLab's rate limit stopped hcr from being able to ${what} (${status}); hcr waits at most ${this.#options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS} s in all. Run the job again later.`,
          'network',
        );
    }
    const retried = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    return new UserError(
      `GitLab answered ${response.status} when asked to ${what}${retried}${said ? `: ${said}` : ''}`,
      response.status >= 500 ? 'network' : 'service',
    );
  }
}

/** Seconds to wait before the next attempt: what a 429 asks (Retry-After, else RateLimit-Reset), else 1, 4, 9 s. */
function retryAfter(response: Response | undefined, attempt: number): number {
  if (response?.status === 429) {
    const after = Number(response.headers.get('retry-after'));
    if (Number.isFinite(after) && after > 0) return Math.ceil(after);
    const reset = Number(response.headers.get('ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(1, Math.ceil(reset - Date.now() / 1000));
    return 60;
  }
  return attempt ** 2;
}

function nextPage(response: Response, url: string): string | undefined {
  const next = response.headers.get('x-next-page');
  if (next) {
    const following = new URL(url);
    following.searchParams.set('page', next);
    return following.href;
  }
  // Keyset pagination, and lists past 10,000 items, drop x-next-page and keep only the Link header.
  return /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
}

/** GitLab's `message` (a string, or field errors) or `error`, short. */
function gitlabMessage(text: string): string {
  try {
    const data = JSON.parse(text) as { message?: unknown; error?: unknown };
    const message = data.message ?? data.error;
    if (message === undefined) return text.slice(0, 300);
    return (typeof message === 'string' ? message : JSON.stringify(message)).slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}

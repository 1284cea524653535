/** What the GitHub and GitLab clients are made with. */
export interface ClientOptions {
  /** The API's base URL: GITHUB_API_URL (…/api/v3 on GitHub Enterprise Server), CI_API_V4_URL. */
  baseUrl: string;
  token: string;
  userAgent: string;
  /** What all waits (rate limits, retries) may add up to in one run; a longer wait fails at once, saying when to retry. */
  maxWaitSeconds?: number;
  /** How long one of the API's seconds lasts here: tests make it a millisecond. */
  secondMs?: number;
  /** How long one attempt may take. */
  timeoutMs?: number;
  /** Waits worth telling the user about (stderr). */
  log(message: string): void;
  /** Each attempt, under --verbose. */
  debug(message: string): void;
}

/** Five minutes: a rate limit that lasts longer is cheaper to wait out by running the job again later. */
export const DEFAULT_MAX_WAIT_SECONDS = 300;
export const DEFAULT_TIMEOUT_MS = 30_000;

import { readFileSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { readToken } from '../../util/token-file.js';
import { tokenSafeUrl } from '../../util/url.js';
import type { FullText } from '../body.js';

type Env = Record<string, string | undefined>;

/** The repository a GitHub Actions run is for, read from the variables GitHub sets. */
export interface GitHubRepo {
  apiUrl: string;
  owner: string;
  repo: string;
  /** The run's page, whose summary holds what a comment had to cut; undefined outside GitHub Actions. */
  summary: FullText | undefined;
}

const DEFAULT_API_URL = 'https://api.github.com';
const REPOSITORY = /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9._-]+)$/;

export function gitHubRepo(env: Env): GitHubRepo {
  const apiUrl = tokenSafeUrl('GITHUB_API_URL', env.GITHUB_API_URL || DEFAULT_API_URL, DEFAULT_API_URL).href;
  const repository = env.GITHUB_REPOSITORY;
  if (!repository) {
    throw new UserError('GITHUB_REPOSITORY is not set: GitHub Actions sets it; elsewhere set it to OWNER/REPO');
  }
  const match = REPOSITORY.exec(repository);
  if (!match) throw new UserError(`GITHUB_REPOSITORY ${JSON.stringify(repository)}: expected OWNER/REPO`);
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const summary = env.GITHUB_RUN_ID
    ? { url: `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}`, label: 'job summary' }
    : undefined;
  return { apiUrl, owner: match[1]!, repo: match[2]!, summary };
}

/** The token: `--token-file` (mode 600) or GITHUB_TOKEN. */
export function gitHubToken(env: Env, tokenFile: string | undefined, cwd: string): string {
  return readToken({
    tokenFile,
    cwd,
    env,
    variable: 'GITHUB_TOKEN',
    what: 'GitHub token',
    missing:
      'no GitHub token: set GITHUB_TOKEN (in GitHub Actions: env: GITHUB_TOKEN: ${{ github.token }}), or pass --token-file FILE (mode 600)',
  });
}

/** Events whose payload names a pull request. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']);

/** The pull request of the event that started the run (GITHUB_EVENT_PATH), for a comment without `--pr`. */
export function pullRequestNumber(env: Env): number {
  const path = env.GITHUB_EVENT_PATH;
  const event = env.GITHUB_EVENT_NAME;
  if (!path) throw new UserError('no pull request: pass --pr N, or run in a workflow of a pull_request event (GITHUB_EVENT_PATH)');
  let payload: any;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? 'it is not JSON' : ((err as NodeJS.ErrnoException).code ?? String(err));
    throw new UserError(`cannot read the event payload GITHUB_EVENT_PATH=${path}: ${why}`);
  }
  const number =
    event === 'issue_comment' || (event === undefined && payload?.issue)
      ? payload?.issue?.pull_request
        ? payload.issue.number
        : fail(`this ${event ?? 'event'} is on an issue, not a pull request: pass --pr N`)
      : event === undefined || PULL_REQUEST_EVENTS.has(event)
        ? payload?.pull_request?.number
        : fail(`a ${event} event names no pull request: pass --pr N`);
  if (!Number.isInteger(number) || number < 1) {
    throw new UserError(`the event payload (GITHUB_EVENT_PATH=${path}) names no pull request number: pass --pr N`);
  }
  return number;
}

function fail(message: string): never {
  throw new UserError(message);
}

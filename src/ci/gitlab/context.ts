import { UserError } from '../../errors.js';
import { readToken } from '../../util/token-file.js';
import { tokenSafeUrl } from '../../util/url.js';
import type { FullText } from '../body.js';

type Env = Record<string, string | undefined>;

/** The project a GitLab CI job runs for, read from the variables GitLab sets. */
export interface GitLabProject {
  apiUrl: string;
  /** CI_PROJECT_ID: a number, or a URL-encoded path. */
  id: string;
  /** CI_PROJECT_URL, for links to notes. */
  webUrl: string | undefined;
  /** The job's log, where what a note had to cut can be read; undefined outside GitLab CI. */
  job: FullText | undefined;
}

export function gitLabProject(env: Env): GitLabProject {
  const example = 'https://gitlab.com/api/v4';
  if (!env.CI_API_V4_URL) throw new UserError(`CI_API_V4_URL is not set: GitLab CI sets it; elsewhere set it to e.g. ${example}`);
  const apiUrl = tokenSafeUrl('CI_API_V4_URL', env.CI_API_V4_URL, example).href;
  const id = env.CI_PROJECT_ID?.trim();
  if (!id) throw new UserError('CI_PROJECT_ID is not set: GitLab CI sets it; elsewhere set it to the project id or its path');
  const job = env.CI_JOB_URL ? { url: env.CI_JOB_URL, label: 'job log' } : undefined;
  return { apiUrl, id: /^\d+$/.test(id) ? id : encodeURIComponent(id), webUrl: env.CI_PROJECT_URL || undefined, job };
}

/** The token: `--token-file` (mode 600) or GITLAB_TOKEN. */
export function gitLabToken(env: Env, tokenFile: string | undefined, cwd: string): string {
  return readToken({
    tokenFile,
    cwd,
    env,
    variable: 'GITLAB_TOKEN',
    what: 'GitLab token',
    missing:
      'no GitLab token: set GITLAB_TOKEN (a masked CI/CD variable holding a project access token, role Reporter, scope api), or pass --token-file FILE (mode 600)',
  });
}

/** The merge request of the merge request pipeline (CI_MERGE_REQUEST_IID), for a note without `--mr`. */
export function mergeRequestIid(env: Env): number {
  const iid = env.CI_MERGE_REQUEST_IID;
  if (!iid) throw new UserError('no merge request: pass --mr N, or run in a merge request pipeline (CI_MERGE_REQUEST_IID)');
  if (!/^[1-9]\d*$/.test(iid)) throw new UserError(`CI_MERGE_REQUEST_IID ${JSON.stringify(iid)} is not a merge request number`);
  return Number(iid);
}

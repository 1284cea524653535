import { marker, markedBody, subjectId } from '../ci/body.js';
import { DRIFT_LABEL, syncDriftIssue, type DriftIssueOutcome } from '../ci/drift-issue.js';
import type { GitHubApi } from '../ci/github/client.js';
import { gitHubRepo, gitHubToken, type GitHubRepo } from '../ci/github/context.js';
import { gitHubIssues } from '../ci/github/threads.js';
import { GitLabApi } from '../ci/gitlab/client.js';
import { gitLabProject, gitLabToken, type GitLabProject } from '../ci/gitlab/context.js';
import { gitLabIssues } from '../ci/gitlab/threads.js';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { GITHUB_COMMENT_LIMIT, renderPlanMarkdown } from '../render/index.js';
import { HCR_VERSION } from '../version.js';
import type { Context } from './context.js';
import type { DesiredArgs } from './options.js';

/**
 * A GitHub client for the repository of the run, its token checked and registered with the
 * redactor before any request. Octokit is imported here, so only the commands that talk to
 * GitHub load it.
 */
export async function gitHubClient(ctx: Context, tokenFile: string | undefined): Promise<{ api: GitHubApi; repo: GitHubRepo }> {
  const repo = gitHubRepo(ctx.env);
  const token = gitHubToken(ctx.env, tokenFile, ctx.cwd);
  ctx.redactor.add(token);
  const { GitHubApi } = await import('../ci/github/client.js');
  const api = new GitHubApi({ baseUrl: repo.apiUrl, token, userAgent: `hcr/${HCR_VERSION}`, log: ctx.log, debug: ctx.debug });
  return { api, repo };
}

/** A GitLab client for the project of the job, its token checked and registered with the redactor before any request. */
export function gitLabClient(ctx: Context, tokenFile: string | undefined): { api: GitLabApi; project: GitLabProject } {
  const project = gitLabProject(ctx.env);
  const token = gitLabToken(ctx.env, tokenFile, ctx.cwd);
  ctx.redactor.add(token);
  const api = new GitLabApi({ baseUrl: project.apiUrl, token, userAgent: `hcr/${HCR_VERSION}`, log: ctx.log, debug: ctx.debug });
  return { api, project };
}

/** Where the drift issue is kept: `--github-issue` or `--gitlab-issue`. */
export type IssueHost = 'github' | 'gitlab';

/** GitLab takes notes and issue descriptions of up to a million characters. */
export const GITLAB_BODY_LIMIT = 1_000_000;

/**
 * `hcr drift --github-issue` / `--gitlab-issue`: checked (repository, token) before drift reads
 * anything; then, given drift's report and exit code, keeps the one drift issue of this desired
 * state in step. The exit code stays drift's: with drift (2), a failure to write the issue is
 * reported and 2 still returned, so a broken token cannot turn "drift" into "error" and hide what
 * was found; with none (0), a failure to close the issue is the only problem left: an error (1).
 */
export async function driftIssue(ctx: Context, args: DesiredArgs, host: IssueHost) {
  // Never --token-file: drift's is the Hasura Cloud token.
  const { tracker, full, limit } = host === 'github' ? await gitHubTracker(ctx) : gitLabTracker(ctx);
  const mark = marker('drift', subjectId({ files: args.file, projects: args.project, shard: args.shard }, ctx.cwd));
  return async (plan: Plan, code: number): Promise<number> => {
    const report = () => renderPlanMarkdown(plan, { mode: 'drift', maxLength: Math.min(limit, GITHUB_COMMENT_LIMIT) - mark.length - 1 });
    const shard = args.shard ? ` (shard ${args.shard.index}/${args.shard.count})` : '';
    try {
      const outcome = await syncDriftIssue(tracker, {
        mark,
        label: DRIFT_LABEL,
        title: `Hasura Cloud has drifted from ${args.file.join(', ')}${shard}`,
        body: code === 2 ? markedBody(mark, report(), limit, full) : undefined,
        closing: `No drift any more, as of ${full?.url ?? `an hcr drift run at ${new Date().toISOString()}`}.`,
      });
      ctx.log(describeDriftIssue(outcome));
      return code;
    } catch (err) {
      if (code !== 2 || !(err instanceof UserError)) throw err;
      ctx.view.diagnostics([{ message: `the drift issue could not be written; drift's exit code (2) stands: ${err.message}` }]);
      return code;
    }
  };
}

async function gitHubTracker(ctx: Context) {
  const { api, repo } = await gitHubClient(ctx, undefined);
  return { tracker: gitHubIssues(api, repo), full: repo.summary, limit: GITHUB_COMMENT_LIMIT };
}

function gitLabTracker(ctx: Context) {
  const { api, project } = gitLabClient(ctx, undefined);
  return { tracker: gitLabIssues(api, project), full: project.job, limit: GITLAB_BODY_LIMIT };
}

function describeDriftIssue(outcome: DriftIssueOutcome): string {
  switch (outcome.action) {
    case 'opened':
      return `Opened drift issue #${outcome.issue.number}: ${outcome.issue.url}`;
    case 'updated':
      return `Updated drift issue #${outcome.issue.number} with this report: ${outcome.issue.url}`;
    case 'unchanged':
      return `Drift issue #${outcome.issue.number} already holds this report: ${outcome.issue.url}`;
    case 'closed':
      return outcome.issues.map((i) => `Closed drift issue #${i.number}, as there is no drift any more: ${i.url}`).join('\n');
    case 'none':
      return 'No drift, and no drift issue open.';
  }
}

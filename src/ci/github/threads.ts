import { DRIFT_LABEL_COLOR, DRIFT_LABEL_DESCRIPTION, type Issue, type IssueTracker } from '../drift-issue.js';
import type { Note, Thread } from '../sticky.js';
import type { Account, GitHubApi } from './client.js';
import type { GitHubRepo } from './context.js';

interface GitHubComment {
  id: number;
  body?: string | null;
  html_url: string;
  user: Account | null;
}

interface GitHubIssue {
  number: number;
  body?: string | null;
  html_url: string;
  user: Account | null;
  pull_request?: unknown;
}

const note = (c: GitHubComment): Note => ({ id: c.id, body: c.body ?? '', url: c.html_url });
const issue = (i: GitHubIssue): Issue => ({ number: i.number, body: i.body ?? '', url: i.html_url });

/** The comments of a pull request (GitHub keeps them as the comments of the issue it is). */
export function pullRequestThread(api: GitHubApi, repo: GitHubRepo, pr: number): Thread {
  const at = { owner: repo.owner, repo: repo.repo };
  const write = 'pull-requests: write';
  let own: Promise<(user: Account | null | undefined) => boolean> | undefined;
  return {
    async *mine() {
      own ??= api.ownAccount();
      const isOwn = await own;
      const comments = api.list<GitHubComment>(
        { what: `list the comments of pull request #${pr}`, permission: 'pull-requests: read' },
        'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
        { ...at, issue_number: pr },
      );
      for await (const comment of comments) if (isOwn(comment.user)) yield note(comment);
    },
    create: async (body) =>
      note(
        await api.request<GitHubComment>(
          { what: `comment on pull request #${pr}`, permission: write },
          'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
          { ...at, issue_number: pr, body },
        ),
      ),
    update: async (id, body) =>
      note(
        await api.request<GitHubComment>(
          { what: `edit comment ${id} of pull request #${pr}`, permission: write },
          'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
          { ...at, comment_id: id, body },
        ),
      ),
    remove: async (id) => {
      await api.request(
        { what: `delete comment ${id} of pull request #${pr}`, permission: write },
        'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}',
        {
          ...at,
          comment_id: id,
        },
      );
    },
  };
}

/** The repository's issues, for the drift issue. */
export function gitHubIssues(api: GitHubApi, repo: GitHubRepo): IssueTracker {
  const at = { owner: repo.owner, repo: repo.repo };
  const write = 'issues: write';
  return {
    async *openIssues(label) {
      const isOwn = await api.ownAccount();
      const issues = api.list<GitHubIssue>(
        { what: `list the open issues labelled ${label}`, permission: 'issues: read' },
        'GET /repos/{owner}/{repo}/issues',
        { ...at, labels: label, state: 'open', sort: 'created', direction: 'asc' },
      );
      // The issues list holds pull requests too.
      for await (const found of issues) if (found.pull_request === undefined && isOwn(found.user)) yield issue(found);
    },
    async ensureLabel(label) {
      const read = { what: `read the label ${label}`, permission: 'issues: read' };
      if (await api.find(read, 'GET /repos/{owner}/{repo}/labels/{name}', { ...at, name: label })) return;
      await api.request({ what: `create the label ${label}`, permission: write }, 'POST /repos/{owner}/{repo}/labels', {
        ...at,
        name: label,
        color: DRIFT_LABEL_COLOR,
        description: DRIFT_LABEL_DESCRIPTION,
      });
    },
    create: async ({ title, body, label }) =>
      issue(
        await api.request<GitHubIssue>({ what: 'open an issue', permission: write }, 'POST /repos/{owner}/{repo}/issues', {
          ...at,
          title,
          body,
          labels: [label],
        }),
      ),
    update: async (number, body) =>
      issue(
        await api.request<GitHubIssue>(
          { what: `edit issue #${number}`, permission: write },
          'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
          {
            ...at,
            issue_number: number,
            body,
          },
        ),
      ),
    async close(number, comment) {
      await api.request(
        { what: `comment on issue #${number}`, permission: write },
        'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        {
          ...at,
          issue_number: number,
          body: comment,
        },
      );
      await api.request({ what: `close issue #${number}`, permission: write }, 'PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        ...at,
        issue_number: number,
        state: 'closed',
        state_reason: 'completed',
      });
    },
  };
}

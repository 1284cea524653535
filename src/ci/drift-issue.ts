import { marked, sameText } from './body.js';

export interface Issue {
  number: number;
  body: string;
  url: string;
}

/** The issues of one repository (GitHub) or project (GitLab), as the drift issue needs them. */
export interface IssueTracker {
  /** Open issues carrying `label` that this token's own account opened, oldest first, through every page. */
  openIssues(label: string): AsyncIterable<Issue>;
  /** Makes sure the label exists, with hcr's colour and description. */
  ensureLabel(label: string): Promise<void>;
  create(issue: { title: string; body: string; label: string }): Promise<Issue>;
  update(number: number, body: string): Promise<Issue>;
  /** Comments, then closes: the comment says why it closed. */
  close(number: number, comment: string): Promise<void>;
}

export const DRIFT_LABEL = 'hcr-drift';
export const DRIFT_LABEL_COLOR = 'D93F0B';
export const DRIFT_LABEL_DESCRIPTION = 'Hasura Cloud differs from git (hcr drift)';

export interface DriftIssueRequest {
  /** The marker line that names the desired state (and shard) the issue is about. */
  mark: string;
  label: string;
  title: string;
  /** The issue's body (starting with the marker) while there is drift; undefined once there is none. */
  body: string | undefined;
  /** What closing comments say, once there is no drift. */
  closing: string;
}

export type DriftIssueOutcome =
  { action: 'opened' | 'updated' | 'unchanged'; issue: Issue } | { action: 'closed'; issues: Issue[] } | { action: 'none' };

/**
 * One open issue per desired state while drift persists: opened on the first run that finds drift,
 * its body replaced by each later report, closed with a comment by the first run that finds none.
 */
export async function syncDriftIssue(tracker: IssueTracker, request: DriftIssueRequest): Promise<DriftIssueOutcome> {
  const open = await marked(tracker.openIssues(request.label), request.mark);
  if (request.body === undefined) {
    for (const issue of open) await tracker.close(issue.number, request.closing);
    return open.length > 0 ? { action: 'closed', issues: open } : { action: 'none' };
  }
  const latest = open.at(-1);
  if (latest) {
    if (sameText(latest.body, request.body)) return { action: 'unchanged', issue: latest };
    return { action: 'updated', issue: await tracker.update(latest.number, request.body) };
  }
  await tracker.ensureLabel(request.label);
  return { action: 'opened', issue: await tracker.create({ title: request.title, body: request.body, label: request.label }) };
}

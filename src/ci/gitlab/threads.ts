import { DRIFT_LABEL_COLOR, DRIFT_LABEL_DESCRIPTION, type Issue, type IssueTracker } from '../drift-issue.js';
import type { Note, Thread } from '../sticky.js';
import type { GitLabApi } from './client.js';
import type { GitLabProject } from './context.js';

interface GitLabNote {
  id: number;
  body: string;
  system: boolean;
  author: { id: number } | null;
}

/** The notes of a merge request, hcr's own found by the token's account (GET /user). */
export function mergeRequestThread(api: GitLabApi, project: GitLabProject, iid: number): Thread {
  const notes = `/projects/${project.id}/merge_requests/${iid}/notes`;
  const note = (n: GitLabNote): Note => ({
    id: n.id,
    body: n.body,
    url: project.webUrl ? `${project.webUrl}/-/merge_requests/${iid}#note_${n.id}` : undefined,
  });
  return {
    async *mine() {
      const me = await api.ownId();
      const all = api.list<GitLabNote>(`list the notes of merge request !${iid}`, notes, { sort: 'asc', order_by: 'created_at' });
      for await (const n of all) if (!n.system && n.author?.id === me) yield note(n);
    },
    create: async (body) => note(await api.request<GitLabNote>(`add a note to merge request !${iid}`, 'POST', notes, { body })),
    update: async (id, body) =>
      note(await api.request<GitLabNote>(`edit note ${id} of merge request !${iid}`, 'PUT', `${notes}/${id}`, { body })),
    remove: async (id) => {
      await api.request(`delete note ${id} of merge request !${iid}`, 'DELETE', `${notes}/${id}`);
    },
  };
}

interface GitLabIssue {
  iid: number;
  description: string | null;
  web_url: string;
  author: { id: number } | null;
}

/** The project's issues, for the drift issue. */
export function gitLabIssues(api: GitLabApi, project: GitLabProject): IssueTracker {
  const issues = `/projects/${project.id}/issues`;
  const issue = (i: GitLabIssue): Issue => ({ number: i.iid, body: i.description ?? '', url: i.web_url });
  return {
    async *openIssues(label) {
      const me = await api.ownId();
      const open = api.list<GitLabIssue>(`list the open issues labelled ${label}`, issues, {
        labels: label,
        state: 'opened',
        sort: 'asc',
        order_by: 'created_at',
      });
      for await (const found of open) if (found.author?.id === me) yield issue(found);
    },
    async ensureLabel(label) {
      const labels = `/projects/${project.id}/labels`;
      if (await api.find(`read the label ${label}`, `${labels}/${encodeURIComponent(label)}`)) return;
      await api.request(`create the label ${label}`, 'POST', labels, {
        name: label,
        color: `#${DRIFT_LABEL_COLOR}`,
        description: DRIFT_LABEL_DESCRIPTION,
      });
    },
    create: async ({ title, body, label }) =>
      issue(await api.request<GitLabIssue>('open an issue', 'POST', issues, { title, description: body, labels: label })),
    update: async (number, body) =>
      issue(await api.request<GitLabIssue>(`edit issue #${number}`, 'PUT', `${issues}/${number}`, { description: body })),
    async close(number, comment) {
      await api.request(`comment on issue #${number}`, 'POST', `${issues}/${number}/notes`, { body: comment });
      await api.request(`close issue #${number}`, 'PUT', `${issues}/${number}`, { state_event: 'close' });
    },
  };
}

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
      const me = await api.request<{ id: number }>('read which account the token is', 'GET', '/user');
      const all = api.list<GitLabNote>(`list the notes of merge request !${iid}`, notes, { sort: 'asc', order_by: 'created_at' });
      for await (const n of all) if (!n.system && n.author?.id === me.id) yield note(n);
    },
    create: async (body) => note(await api.request<GitLabNote>(`add a note to merge request !${iid}`, 'POST', notes, { body })),
    update: async (id, body) =>
      note(await api.request<GitLabNote>(`edit note ${id} of merge request !${iid}`, 'PUT', `${notes}/${id}`, { body })),
    remove: async (id) => {
      await api.request(`delete note ${id} of merge request !${iid}`, 'DELETE', `${notes}/${id}`);
    },
  };
}

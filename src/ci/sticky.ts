import { marked, sameText } from './body.js';

/** A comment (GitHub) or note (GitLab). */
export interface Note {
  id: number;
  body: string;
  /** Where a person reads it, when the API says. */
  url?: string;
}

/** The comments of one pull request, issue or merge request, as the sticky comment needs them. */
export interface Thread {
  /** The comments this token's own account wrote, oldest first, through every page. */
  mine(): AsyncIterable<Note>;
  create(body: string): Promise<Note>;
  update(id: number, body: string): Promise<Note>;
  remove(id: number): Promise<void>;
}

/**
 * `update` edits the comment in place (the default: one comment, its history in GitHub's edit log);
 * `recreate` deletes it and posts a new one at the bottom of the conversation; `new` always posts another.
 */
export const BEHAVIORS = ['update', 'recreate', 'new'] as const;
export type Behavior = (typeof BEHAVIORS)[number];

export interface Posted {
  action: 'created' | 'updated' | 'unchanged' | 'recreated';
  note: Note;
  /** Comments with the same marker that were deleted (recreate), or left alone as older duplicates (update). */
  others: number;
}

/** Posts `body` (which starts with `mark`) as the one comment of the thread that carries the marker. */
export async function postSticky(thread: Thread, mark: string, body: string, behavior: Behavior): Promise<Posted> {
  if (behavior === 'new') return { action: 'created', note: await thread.create(body), others: 0 };
  const mine = await marked(thread.mine(), mark);
  if (behavior === 'recreate') {
    for (const note of mine) await thread.remove(note.id);
    return { action: mine.length > 0 ? 'recreated' : 'created', note: await thread.create(body), others: mine.length };
  }
  // Several (left by `new`, or by runs racing each other): the newest is the one people read.
  const latest = mine.at(-1);
  if (!latest) return { action: 'created', note: await thread.create(body), others: 0 };
  const others = mine.length - 1;
  if (sameText(latest.body, body)) return { action: 'unchanged', note: latest, others };
  return { action: 'updated', note: await thread.update(latest.id, body), others };
}

import { relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';

/** Where the whole text can be read when a comment has to be cut: the job summary (GitHub), the job's log (GitLab). */
export interface FullText {
  url: string;
  label: string;
}

/** What names one sticky comment or drift issue: the desired state it is about. */
export interface Subject {
  /** The `-f` paths as given. */
  files: string[];
  projects?: string[];
  shard?: { index: number; count: number };
}

const MARKER_ID = /^[A-Za-z0-9][A-Za-z0-9._/:=,+@-]{0,199}$/;

/** `--marker-id`: it ends up inside an HTML comment, so only characters that cannot end one. */
export function checkedMarkerId(id: string): string {
  if (!MARKER_ID.test(id) || id.includes('--')) {
    throw new UserError(
      `--marker-id ${JSON.stringify(id)}: expected up to 200 letters, digits and . _ / : = , + @ -, starting with a letter or digit, without "--"`,
    );
  }
  return id;
}

/**
 * A stable, readable id for the desired state a command read: the same `-f` paths (in any order,
 * however spelled relative to `cwd`), `--project` globs and `--shard` always give the same id, so
 * each matrix job keeps its own comment or issue. Percent-encoded where a path holds a character
 * that could end the HTML comment it goes into.
 */
export function subjectId(subject: Subject, cwd: string): string {
  const files = [...new Set(subject.files.map((f) => relative(cwd, resolve(cwd, f)).split(sep).join('/') || '.'))].sort();
  const parts = [files.map(encode).join(',')];
  if (subject.projects?.length) parts.push(`projects=${[...new Set(subject.projects)].sort().map(encode).join(',')}`);
  if (subject.shard) parts.push(`shard=${subject.shard.index}/${subject.shard.count}`);
  return parts.join(' ');
}

const encode = (text: string) => text.replace(/[^A-Za-z0-9._/*?@+-]/g, (c) => encodeURIComponent(c)).replaceAll('--', '-%2D');

/** The hidden first line by which hcr finds its own comment (`kind` comment) or issue (`kind` drift) again. */
export function marker(kind: string, id: string): string {
  return `<!-- hcr-${kind}: ${id} -->`;
}

/** Whether a comment's body is the one this marker names. */
export function isMarked(body: string | null | undefined, mark: string): boolean {
  return body === mark || (body?.startsWith(`${mark}\n`) ?? false) || (body?.startsWith(`${mark}\r\n`) ?? false);
}

/** The comments or issues of `all` that carry `mark`, in the order listed (oldest first). */
export async function marked<T extends { body: string }>(all: AsyncIterable<T>, mark: string): Promise<T[]> {
  const found: T[] = [];
  for await (const item of all) if (isMarked(item.body, mark)) found.push(item);
  return found;
}

/** GitHub and GitLab may hand a body back with CRLF line ends. */
export const sameText = (a: string, b: string): boolean => a.replaceAll('\r\n', '\n') === b.replaceAll('\r\n', '\n');

/**
 * The comment's body: the marker line, then the text, cut when the whole would be longer than
 * `limit` characters. The cut falls at the end of a line; any code fence or <details> block left
 * open is closed, and a last paragraph says where the whole text is.
 */
export function markedBody(mark: string, text: string, limit: number, full: FullText | undefined): string {
  const whole = `${mark}\n${text}`;
  if (whole.length <= limit) return whole;
  const where = full ? `read all of it in the [${full.label}](${full.url})` : 'the rest is not shown';
  const note = `\n\n---\n:scissors: Cut here: the text is ${text.length.toLocaleString('en-US')} characters, more than a comment may hold; ${where}.`;
  // Room for what closing the open blocks adds; should that not be enough, only the note is kept.
  let kept = text.slice(0, Math.max(0, limit - mark.length - 1 - note.length - 200));
  kept = kept.slice(0, Math.max(0, kept.lastIndexOf('\n')));
  const closed = closeOpenBlocks(kept);
  if (closed === '' || mark.length + 1 + closed.length + note.length > limit) return `${mark}${note}`;
  return `${mark}\n${closed}${note}`;
}

/** Markdown cut in a fenced code block or a <details> block would swallow what follows: close them. */
function closeOpenBlocks(text: string): string {
  let fence: string | undefined;
  let details = 0;
  for (const line of text.split('\n')) {
    const run = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (run !== undefined && run[0] === fence[0] && run.length >= fence.length && line.trim() === run) fence = undefined;
    } else if (run !== undefined) {
      fence = run;
    } else {
      details += (line.match(/<details>/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
    }
  }
  const closing = [...(fence === undefined ? [] : [fence]), ...Array<string>(Math.max(details, 0)).fill('\n</details>')];
  return closing.length === 0 ? text : `${text}\n${closing.join('\n')}`;
}

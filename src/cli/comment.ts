import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { text as readText } from 'node:stream/consumers';
import type { Argv } from 'yargs';
import { checkedMarkerId, marker, markedBody, subjectId, type FullText } from '../ci/body.js';
import { BEHAVIORS, postSticky, type Behavior, type Posted, type Thread } from '../ci/sticky.js';
import { UserError } from '../errors.js';
import type { ArgsOf } from './command.js';
import type { Context, GlobalArgs } from './context.js';
import { desiredOptions } from './options.js';

/** The options `github comment` and `gitlab comment` share: the body, how to post it, and what names it. */
export function commentOptions<T extends GlobalArgs>(y: Argv<T>, token: string) {
  return desiredOptions(y)
    .option('body-file', {
      type: 'string',
      demandOption: true,
      // Else yargs takes a lone `-` for a positional argument.
      nargs: 1,
      describe: 'The Markdown to post (e.g. `hcr plan --format markdown`); - reads stdin',
    })
    .option('behavior', {
      choices: BEHAVIORS,
      default: 'update' as Behavior,
      describe: "update: edit hcr's comment in place; recreate: delete it and post anew at the bottom; new: always post another",
    })
    .option('marker-id', {
      type: 'string',
      describe: 'Name the comment yourself instead of by -f, --project and --shard (e.g. preview), for comments that are not a plan',
      coerce: checkedMarkerId,
    })
    .option('token-file', { type: 'string', describe: `Read the token from this file (mode 0600) instead of ${token}` });
}

export type CommentArgs = ArgsOf<typeof commentOptions<GlobalArgs>>;

/** The marker line: `--marker-id`, or what the plan it carries was made of (`-f`, `--project`, `--shard`). */
export function commentMarker(args: CommentArgs, cwd: string): string {
  const id = args.markerId ?? subjectId({ files: args.file, projects: args.project, shard: args.shard }, cwd);
  return marker('comment', id);
}

/** Where `github comment` / `gitlab comment` posts, once its context is checked. */
export interface CommentTarget {
  thread: Thread;
  /** Where the whole text is, should the comment have to be cut. */
  full: FullText | undefined;
  /** The longest body the host takes. */
  limit: number;
  /** `the comment on pull request #42`. */
  what: string;
}

/** Reads the body, marks it (cut to `limit` when it must be), posts it as the one comment of the thread, and says what happened. */
export async function postComment(ctx: Context, args: CommentArgs, mark: string, target: CommentTarget): Promise<number> {
  const text = await readBody(ctx, args.bodyFile);
  const body = markedBody(mark, text, target.limit, target.full);
  const posted = await postSticky(target.thread, mark, body, args.behavior);
  ctx.stdout.write(`${describePosted(posted, target.what, target.full, body !== `${mark}\n${text}`)}\n`);
  return 0;
}

/** `--body-file`: a file, or `-` for stdin. Empty is a mistake (a comment of nothing but the marker). */
async function readBody(ctx: Context, file: string): Promise<string> {
  let body: string;
  try {
    body = file === '-' ? await readText(ctx.stdin) : await readFile(resolve(ctx.cwd, file), 'utf8');
  } catch (err) {
    throw new UserError(`cannot read --body-file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (body.trim() === '') throw new UserError(`--body-file ${file} is empty: nothing to post`);
  return body.replace(/\n+$/, '');
}

/** One line on what happened to the comment. */
function describePosted(posted: Posted, what: string, full: FullText | undefined, cut: boolean): string {
  const where = posted.note.url ? `: ${posted.note.url}` : ` (${posted.note.id})`;
  const verb = { created: 'Posted', updated: 'Updated', unchanged: 'Left unchanged', recreated: 'Posted anew' }[posted.action];
  const extra = [
    ...(posted.action === 'recreated' ? [`deleted the earlier ${posted.others === 1 ? 'one' : posted.others}`] : []),
    ...(posted.action !== 'recreated' && posted.others > 0 ? [`${posted.others} older with the same marker left alone`] : []),
    ...(cut ? [`cut to fit, the whole text is in the ${full?.label ?? 'output'}`] : []),
  ];
  return `${verb} ${what}${where}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}`;
}

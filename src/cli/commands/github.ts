import { checkedMarkerId, marker, markedBody, subjectId } from '../../ci/body.js';
import { pullRequestNumber } from '../../ci/github/context.js';
import { pullRequestThread } from '../../ci/github/threads.js';
import { BEHAVIORS, postSticky, type Behavior } from '../../ci/sticky.js';
import { GITHUB_COMMENT_LIMIT } from '../../render/index.js';
import { describePosted, gitHubClient, readBody } from '../ci.js';
import { defineCommand, type GlobalArgs } from '../context.js';
import { desiredOptions, type DesiredArgs } from '../options.js';

export interface CommentArgs extends GlobalArgs, DesiredArgs {
  bodyFile: string;
  behavior: Behavior;
  markerId?: string;
}

interface GitHubCommentArgs extends CommentArgs {
  pr?: number;
}

/** The options `github comment` and `gitlab comment` share: the body, how to post it, and what names it. */
export function commentOptions(y: any, token: string) {
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
    })
    .option('token-file', { type: 'string', describe: `Read the token from this file (mode 0600) instead of ${token}` });
}

/** The marker line: `--marker-id`, or what the plan it carries was made of (`-f`, `--project`, `--shard`). */
export function commentMarker(args: CommentArgs, cwd: string): string {
  const id =
    args.markerId !== undefined
      ? checkedMarkerId(args.markerId)
      : subjectId({ files: args.file, projects: args.project, shard: args.shard }, cwd);
  return marker('comment', id);
}

const commentCommand = defineCommand<GitHubCommentArgs>({
  command: 'comment',
  describe:
    'Post Markdown as one pull-request comment that later runs edit in place; give the -f, --project and --shard of the plan, so that each gets its own',
  builder: (y) =>
    commentOptions(y, 'GITHUB_TOKEN').option('pr', {
      type: 'number',
      describe: 'The pull request; by default the one of the event (GITHUB_EVENT_PATH)',
    }) as never,
  run: async (ctx, args) => {
    const mark = commentMarker(args, ctx.cwd);
    const pr = pullRequestNumber(ctx.env, args.pr);
    const text = await readBody(ctx, args.bodyFile);
    const { api, repo } = await gitHubClient(ctx, args.tokenFile);
    const body = markedBody(mark, text, GITHUB_COMMENT_LIMIT, repo.summary);
    const posted = await postSticky(pullRequestThread(api, repo, pr), mark, body, args.behavior);
    const cut = body !== `${mark}\n${text}`;
    ctx.stdout.write(`${describePosted(posted, `the comment on pull request #${pr}`, repo.summary, cut)}\n`);
    return 0;
  },
});

export const githubCommand = defineCommand({
  builder: (y) => y,
  subcommands: [commentCommand],
});

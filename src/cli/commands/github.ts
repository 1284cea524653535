import { pullRequestNumber } from '../../ci/github/context.js';
import { pullRequestThread } from '../../ci/github/threads.js';
import { GITHUB_COMMENT_LIMIT } from '../../render/index.js';
import { gitHubClient } from '../ci.js';
import { commentMarker, commentOptions, postComment, type CommentArgs } from '../comment.js';
import { defineCommand } from '../context.js';

interface GitHubCommentArgs extends CommentArgs {
  pr?: number;
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
    const { api, repo } = await gitHubClient(ctx, args.tokenFile);
    return postComment(ctx, args, mark, {
      thread: pullRequestThread(api, repo, pr),
      full: repo.summary,
      limit: GITHUB_COMMENT_LIMIT,
      what: `the comment on pull request #${pr}`,
    });
  },
});

export const githubCommand = defineCommand({
  builder: (y) => y,
  subcommands: [commentCommand],
});

import { mergeRequestIid } from '../../ci/gitlab/context.js';
import { mergeRequestThread } from '../../ci/gitlab/threads.js';
import { GITLAB_BODY_LIMIT, gitLabClient } from '../ci.js';
import { commentMarker, commentOptions, postComment, type CommentArgs } from '../comment.js';
import { defineCommand } from '../context.js';

interface GitLabCommentArgs extends CommentArgs {
  mr?: number;
}

const commentCommand = defineCommand<GitLabCommentArgs>({
  command: 'comment',
  describe: 'Post Markdown as one merge-request note that later runs edit in place; give the -f, --project and --shard of the plan',
  builder: (y) =>
    commentOptions(y, 'GITLAB_TOKEN').option('mr', {
      type: 'number',
      describe: 'The merge request (its IID); by default that of the pipeline (CI_MERGE_REQUEST_IID)',
    }) as never,
  run: async (ctx, args) => {
    const mark = commentMarker(args, ctx.cwd);
    const { api, project } = gitLabClient(ctx, args.tokenFile);
    const iid = mergeRequestIid(ctx.env, args.mr);
    return postComment(ctx, args, mark, {
      thread: mergeRequestThread(api, project, iid),
      full: project.job,
      limit: GITLAB_BODY_LIMIT,
      what: `the note on merge request !${iid}`,
    });
  },
});

export const gitlabCommand = defineCommand({
  builder: (y) => y,
  subcommands: [commentCommand],
});

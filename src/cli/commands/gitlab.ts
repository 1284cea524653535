import { markedBody } from '../../ci/body.js';
import { mergeRequestIid } from '../../ci/gitlab/context.js';
import { mergeRequestThread } from '../../ci/gitlab/threads.js';
import { postSticky } from '../../ci/sticky.js';
import { describePosted, GITLAB_BODY_LIMIT, gitLabClient, readBody } from '../ci.js';
import { defineCommand } from '../context.js';
import { commentMarker, commentOptions, type CommentArgs } from './github.js';

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
    const text = await readBody(ctx, args.bodyFile);
    const body = markedBody(mark, text, GITLAB_BODY_LIMIT, project.job);
    const posted = await postSticky(mergeRequestThread(api, project, iid), mark, body, args.behavior);
    const cut = body !== `${mark}\n${text}`;
    ctx.stdout.write(`${describePosted(posted, `the note on merge request !${iid}`, project.job, cut)}\n`);
    return 0;
  },
});

export const gitlabCommand = defineCommand({
  builder: (y) => y,
  subcommands: [commentCommand],
});

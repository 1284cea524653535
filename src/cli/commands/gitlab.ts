import { mergeRequestIid } from '../../ci/gitlab/context.js';
import { mergeRequestThread } from '../../ci/gitlab/threads.js';
import { GITLAB_BODY_LIMIT, gitLabClient } from '../ci.js';
import { defineCommand, defineGroup } from '../command.js';
import { commentMarker, commentOptions, postComment } from '../comment.js';
import { requestNumber } from '../flags.js';

const commentCommand = defineCommand({
  command: 'comment',
  describe: 'Post Markdown as one merge-request note that later runs edit in place; give the -f, --project and --shard of the plan',
  builder: (y) =>
    commentOptions(y, 'GITLAB_TOKEN')
      .option('mr', {
        type: 'number',
        describe: 'The merge request (its IID); by default that of the pipeline (CI_MERGE_REQUEST_IID)',
        coerce: requestNumber('--mr', 'a merge request number'),
      })
      .example(
        'hcr plan --format markdown > plan.md && hcr gitlab comment --body-file plan.md',
        "The plan as the merge request's one hcr note",
      )
      .example(
        'hcr gitlab comment --marker-id preview --body-file preview.md --mr 7',
        'A note of your own (not a plan) on merge request !7',
      ),
  run: async (ctx, args) => {
    const mark = commentMarker(args, ctx.cwd);
    const { api, project } = gitLabClient(ctx, args.tokenFile);
    const iid = args.mr ?? mergeRequestIid(ctx.env);
    return postComment(ctx, args, mark, {
      thread: mergeRequestThread(api, project, iid),
      full: project.job,
      limit: GITLAB_BODY_LIMIT,
      what: `the note on merge request !${iid}`,
    });
  },
});

export const gitlabCommand = defineGroup({
  builder: (y) => y.example('hcr gitlab comment --body-file plan.md', "Post plan.md as the merge request's hcr note, or edit it"),
  subcommands: [commentCommand],
});

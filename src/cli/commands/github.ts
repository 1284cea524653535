import { pullRequestNumber } from '../../ci/github/context.js';
import { pullRequestThread } from '../../ci/github/threads.js';
import { GITHUB_COMMENT_LIMIT } from '../../render/index.js';
import { gitHubClient } from '../ci.js';
import { defineCommand, defineGroup } from '../command.js';
import { commentMarker, commentOptions, postComment } from '../comment.js';
import { requestNumber } from '../flags.js';

const commentCommand = defineCommand({
  command: 'comment',
  describe:
    'Post Markdown as one pull-request comment that later runs edit in place; give the -f, --project and --shard of the plan, so that each gets its own',
  builder: (y) =>
    commentOptions(y, 'GITHUB_TOKEN')
      .option('pr', {
        type: 'number',
        describe: 'The pull request; by default the one of the event (GITHUB_EVENT_PATH)',
        coerce: requestNumber('--pr', 'a pull request number'),
      })
      .example(
        'hcr plan --format markdown > plan.md && hcr github comment --body-file plan.md',
        "The plan as the pull request's one hcr comment",
      )
      .example(
        'hcr plan -f prod.yaml --format markdown | hcr github comment -f prod.yaml --body-file -',
        'One comment per desired state: name it by the same -f',
      )
      .example(
        'hcr github comment --marker-id preview --body-file preview.md --pr 42',
        'A comment of your own (not a plan) on pull request 42',
      ),
  run: async (ctx, args) => {
    const mark = commentMarker(args, ctx.cwd);
    const pr = args.pr ?? pullRequestNumber(ctx.env);
    const { api, repo } = await gitHubClient(ctx, args.tokenFile);
    return postComment(ctx, args, mark, {
      thread: pullRequestThread(api, repo, pr),
      full: repo.summary,
      limit: GITHUB_COMMENT_LIMIT,
      what: `the comment on pull request #${pr}`,
    });
  },
});

export const githubCommand = defineGroup({
  builder: (y) => y.example('hcr github comment --body-file plan.md', "Post plan.md as the pull request's hcr comment, or edit it"),
  subcommands: [commentCommand],
});

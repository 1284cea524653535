import { driftIssue } from '../ci.js';
import { defineCommand } from '../command.js';
import { formatOption } from '../options.js';
import { printStatus, statusOption } from '../status.js';
import { hasCheckErrors } from '../checks.js';
import { hasChanges, readAndPlan, readOptions } from '../pipeline.js';

export const driftCommand = defineCommand({
  builder: (y) =>
    statusOption(formatOption(readOptions(y)))
      // No default: yargs would count a default false as given, and refuse the pair.
      .option('github-issue', {
        type: 'boolean',
        describe:
          'Keep one GitHub issue (label hcr-drift) open with the report while drift lasts; close it once there is none. GITHUB_TOKEN needs issues: write',
        conflicts: 'gitlab-issue',
      })
      .option('gitlab-issue', {
        type: 'boolean',
        describe: 'The same in GitLab (CI_API_V4_URL, CI_PROJECT_ID); GITLAB_TOKEN a project access token, scope api',
      })
      .example('hcr drift', 'Exit 2, with a report of the differences, when a live project no longer matches hasura-cloud.yaml')
      .example('hcr drift --github-issue', 'In a nightly workflow: keep one issue open with the report while there is drift')
      .example('hcr drift --format json > drift.json', 'The report as one JSON document, for another tool'),
  run: async (ctx, args) => {
    const host = args.githubIssue ? 'github' : args.gitlabIssue ? 'gitlab' : undefined;
    const syncIssue = host ? await driftIssue(ctx, args, host) : undefined;
    // A project marked destroy that exists is drift whether or not a plan would be allowed to delete it.
    const { plan, live, client, checks } = await readAndPlan(ctx, args, { readOnly: true, allowDestroy: true, check: 'live' });
    ctx.view.plan(plan, 'drift', checks);
    if (args.status) await printStatus(ctx, client, live);
    // A live project that would not boot, or breaks its production rules, has drifted from what it should be.
    const code = hasChanges(plan) || hasCheckErrors(checks) ? 2 : 0;
    return syncIssue ? syncIssue(plan, code) : code;
  },
});

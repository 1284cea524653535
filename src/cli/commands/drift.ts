import { gitHubDriftIssue } from '../ci.js';
import { defineCommand } from '../context.js';
import { formatOption, hasChanges, printPlan, readAndPlan, readOptions, type Format, type ReadArgs } from '../pipeline.js';

interface DriftArgs extends ReadArgs {
  format: Format;
  githubIssue: boolean;
}

export const driftCommand = defineCommand<DriftArgs>({
  builder: (y) =>
    formatOption(readOptions(y)).option('github-issue', {
      type: 'boolean',
      default: false,
      describe:
        'Keep one GitHub issue (label hcr-drift) open with the report while drift lasts; close it once there is none. GITHUB_TOKEN needs issues: write',
    }) as never,
  run: async (ctx, args) => {
    const syncIssue = args.githubIssue ? await gitHubDriftIssue(ctx, args) : undefined;
    // A project marked destroy that exists is drift whether or not a plan would be allowed to delete it.
    const { plan } = await readAndPlan(ctx, args, { readOnly: true, allowDestroy: true });
    printPlan(ctx, plan, args.format, 'drift');
    const code = hasChanges(plan) ? 2 : 0;
    return syncIssue ? syncIssue(plan, code) : code;
  },
});

import { defineCommand } from '../context.js';
import { hasCheckErrors } from '../checks.js';
import { formatOption, hasChanges, printPlan, readAndPlan, readOptions, type Format, type ReadArgs } from '../pipeline.js';

interface DriftArgs extends ReadArgs {
  format: Format;
}

export const driftCommand = defineCommand<DriftArgs>({
  builder: (y) => formatOption(readOptions(y)) as never,
  run: async (ctx, args) => {
    // A project marked destroy that exists is drift whether or not a plan would be allowed to delete it.
    const { plan, checks } = await readAndPlan(ctx, args, { readOnly: true, allowDestroy: true, check: 'live' });
    printPlan(ctx, plan, args.format, 'drift', checks);
    // A live project that would not boot, or breaks its production rules, has drifted from what it should be.
    return hasChanges(plan) || hasCheckErrors(checks) ? 2 : 0;
  },
});

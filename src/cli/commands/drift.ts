import { defineCommand } from '../context.js';
import { formatOption, hasChanges, printPlan, readAndPlan, readOptions, type Format, type ReadArgs } from '../pipeline.js';

interface DriftArgs extends ReadArgs {
  format: Format;
}

export const driftCommand = defineCommand<DriftArgs>({
  builder: (y) => formatOption(readOptions(y)) as never,
  run: async (ctx, args) => {
    // A project marked destroy that exists is drift whether or not a plan would be allowed to delete it.
    const { plan } = await readAndPlan(ctx, args, { readOnly: true, allowDestroy: true });
    printPlan(ctx, plan, args.format, 'drift');
    return hasChanges(plan) ? 2 : 0;
  },
});

import { defineCommand } from '../context.js';
import { printStatus, statusOption, type StatusArgs } from '../status.js';
import { formatOption, hasChanges, printPlan, readAndPlan, readOptions, type Format, type ReadArgs } from '../pipeline.js';

interface DriftArgs extends ReadArgs, StatusArgs {
  format: Format;
}

export const driftCommand = defineCommand<DriftArgs>({
  builder: (y) => statusOption(formatOption(readOptions(y))) as never,
  run: async (ctx, args) => {
    // A project marked destroy that exists is drift whether or not a plan would be allowed to delete it.
    const { plan, live, client } = await readAndPlan(ctx, args, { readOnly: true, allowDestroy: true });
    printPlan(ctx, plan, args.format, 'drift');
    if (args.status) await printStatus(ctx, client, live);
    return hasChanges(plan) ? 2 : 0;
  },
});

import { defineCommand } from '../context.js';
import { formatOption, hasChanges, printPlan, readAndPlan, readOptions, type Format, type ReadArgs } from '../pipeline.js';

interface PlanArgs extends ReadArgs {
  format: Format;
  detailedExitcode: boolean;
}

export const planCommand = defineCommand<PlanArgs>({
  command: 'plan',
  describe: 'Show what apply would change, without changing anything',
  builder: (y) =>
    formatOption(readOptions(y)).option('detailed-exitcode', {
      type: 'boolean',
      default: false,
      describe: 'Exit 0 when there are no changes, 2 when there are, 1 on error',
    }) as never,
  run: async (ctx, args) => {
    const { plan } = await readAndPlan(ctx, args);
    printPlan(ctx, plan, args.format, 'plan');
    return args.detailedExitcode && hasChanges(plan) ? 2 : 0;
  },
});

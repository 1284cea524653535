import { resolve } from 'node:path';
import { describeSavedPlan, readSavedPlan } from '../../planfile/index.js';
import { defineCommand } from '../context.js';
import { formatOption, printPlan, type Format } from '../pipeline.js';

interface ShowArgs {
  planfile: string;
  format: Format;
}

export const showCommand = defineCommand<ShowArgs>({
  builder: (y) => formatOption(y).positional('planfile', { type: 'string', demandOption: true, describe: 'The saved plan' }) as never,
  run: async (ctx, args) => {
    const saved = await readSavedPlan(resolve(ctx.cwd, args.planfile), args.planfile);
    ctx.log(describeSavedPlan(saved, args.planfile));
    printPlan(ctx, saved.plan, args.format, 'plan');
    return 0;
  },
});

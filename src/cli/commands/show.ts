import { resolve } from 'node:path';
import { describeSavedPlan, readSavedPlan } from '../../planfile/index.js';
import { defineCommand } from '../command.js';
import { formatOption } from '../options.js';

export const showCommand = defineCommand({
  builder: (y) =>
    formatOption(y)
      .positional('planfile', { type: 'string', demandOption: true, describe: 'The saved plan' })
      .example('hcr show hcr.plan', 'What `hcr apply hcr.plan` would change, as it was planned; no token needed')
      .example('hcr show hcr.plan --format markdown >> "$GITHUB_STEP_SUMMARY"', 'The plan about to be applied, in the job summary'),
  run: async (ctx, args) => {
    const saved = await readSavedPlan(resolve(ctx.cwd, args.planfile), args.planfile);
    ctx.log(describeSavedPlan(saved, args.planfile));
    ctx.view.plan(saved.plan, 'plan');
    return 0;
  },
});

import { resolve } from 'node:path';
import { resolveEndpoint } from '../../cloud/auth.js';
import { UserError } from '../../errors.js';
import { writeSavedPlan } from '../../planfile/index.js';
import { desiredValues } from '../../plan/values.js';
import { defineCommand } from '../context.js';
import { printStatus, statusOption, type StatusArgs } from '../status.js';
import { hasCheckErrors, refusedByChecks } from '../checks.js';
import {
  allowDestroyOption,
  formatOption,
  hasChanges,
  printPlan,
  readAndPlan,
  readOptions,
  type Format,
  type ReadArgs,
} from '../pipeline.js';

interface PlanArgs extends ReadArgs, StatusArgs {
  format: Format;
  detailedExitcode: boolean;
  allowDestroy: boolean;
  out?: string;
}

export const planCommand = defineCommand<PlanArgs>({
  builder: (y) =>
    allowDestroyOption(
      statusOption(formatOption(readOptions(y))),
      'Plan the deletion of projects marked destroy: true (apply needs the flag too); without it they show as refused',
    )
      .option('detailed-exitcode', {
        type: 'boolean',
        default: false,
        describe: 'Exit 0 when there are no changes, 2 when there are (refused deletions included), 1 on error',
      })
      .option('out', {
        type: 'string',
        describe: 'Also save the plan to this file (mode 0600; hashes of secrets, never their values) for `hcr apply FILE`',
      }) as never,
  run: async (ctx, args) => {
    const { desired, live, plan, client, checks } = await readAndPlan(ctx, args, { allowDestroy: args.allowDestroy });
    printPlan(ctx, plan, args.format, 'plan', checks);
    if (args.status) await printStatus(ctx, client, live);
    if (hasCheckErrors(checks)) {
      ctx.log(`Error: ${refusedByChecks(checks, args.out === undefined ? '' : `; ${args.out} was not saved`)}`);
      return 1;
    }
    if (args.out !== undefined) {
      const out = resolve(ctx.cwd, args.out);
      if (desired.files.some((file) => resolve(ctx.cwd, file) === out)) {
        throw new UserError(`--out ${args.out} is a desired-state file this plan read; save the plan to another file`);
      }
      await writeSavedPlan(out, args.out, plan, desiredValues(desired), resolveEndpoint(args.endpoint, ctx.env));
      ctx.log(`Saved the plan to ${args.out}. To apply exactly this plan: hcr apply ${args.out}`);
    }
    return args.detailedExitcode && hasChanges(plan) ? 2 : 0;
  },
});

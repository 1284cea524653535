import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { resolveEndpoint } from '../../cloud/auth.js';
import { UserError } from '../../errors.js';
import { writeSavedPlan } from '../../planfile/index.js';
import { desiredValues } from '../../plan/values.js';
import { defineCommand } from '../command.js';
import type { GlobalArgs } from '../context.js';
import { formatOption } from '../options.js';
import { printStatus, statusOption } from '../status.js';
import { ChecksFailed, hasCheckErrors } from '../checks.js';
import { allowDestroyOption, hasChanges, readAndPlan, readOptions } from '../pipeline.js';

const options = (y: Argv<GlobalArgs>) =>
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
    })
    .example('hcr plan', 'Show what `hcr apply` would change in the projects of hasura-cloud.yaml')
    .example(
      'hcr plan -f envs/ --project "shop-*" --detailed-exitcode',
      'Only the shop projects of every file in envs/; exit 2 when there are changes',
    )
    .example(
      'hcr plan --out hcr.plan --format markdown > plan.md',
      'Save the plan for `hcr apply hcr.plan`, and write it as a pull-request comment',
    )
    .example(
      'hcr plan --format json | jq ".summary"',
      'One JSON document on stdout; an error is one too: {"error": {"kind", "message", "diagnostics"}}',
    );

export const planCommand = defineCommand({
  builder: options,
  run: async (ctx, args) => {
    const { desired, live, plan, client, checks } = await readAndPlan(ctx, args, { allowDestroy: args.allowDestroy });
    ctx.view.plan(plan, 'plan', checks);
    if (args.status) await printStatus(ctx, client, live);
    if (hasCheckErrors(checks)) throw new ChecksFailed(checks, args.out === undefined ? '' : `; ${args.out} was not saved`);
    if (args.out !== undefined) {
      const out = resolve(ctx.cwd, args.out);
      if (desired.files.some((file) => resolve(ctx.cwd, file) === out)) {
        throw new UserError(`--out ${args.out} is a desired-state file this plan read; save the plan to another file`, 'usage');
      }
      await writeSavedPlan(out, args.out, plan, desiredValues(desired), resolveEndpoint(args.endpoint, ctx.env));
      ctx.log(`Saved the plan to ${args.out}. To apply exactly this plan: hcr apply ${args.out}`);
    }
    return args.detailedExitcode && hasChanges(plan) ? 2 : 0;
  },
});

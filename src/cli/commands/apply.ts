import { applyPlan } from '../../apply/apply.js';
import type { ApplyReport } from '../../apply/types.js';
import { UserError } from '../../errors.js';
import type { Plan } from '../../plan/types.js';
import { desiredValues } from '../../plan/values.js';
import { renderReportJson, renderReportText } from '../../render/index.js';
import { defineCommand, type Context } from '../context.js';
import { formatOption, hasChanges, printPlan, readAndPlan, readOptions, type Format, type ReadArgs } from '../pipeline.js';
import { ask } from '../prompt.js';

interface ApplyArgs extends ReadArgs {
  format: Format;
  autoApprove: boolean;
}

export const applyCommand = defineCommand<ApplyArgs>({
  command: 'apply',
  describe: 'Plan, then write the changes to Hasura Cloud after approval',
  builder: (y) =>
    formatOption(readOptions(y)).option('auto-approve', {
      type: 'boolean',
      default: false,
      describe: 'Apply without asking (needed when not run in a terminal)',
    }) as never,
  run: async (ctx, args) => {
    const interactive = Boolean(ctx.stdin.isTTY && ctx.stdout.isTTY);
    if (!args.autoApprove && !interactive) {
      throw new UserError('apply needs --auto-approve when it is not run in a terminal (nothing was written)');
    }
    const { desired, plan, client } = await readAndPlan(ctx, args);
    const json = args.format === 'json';
    if (!json) printPlan(ctx, plan, args.format, 'plan');
    const changes = hasChanges(plan);
    if (changes && !args.autoApprove) {
      const answer = await ask(ctx, '\nDo you want to apply these changes?\n  Only "yes" will be accepted.\n\n  Enter a value: ');
      if (answer !== 'yes') {
        ctx.stdout.write('\nApply cancelled; nothing was written.\n');
        return 1;
      }
    }
    const report = await applyPlan(client, plan, desiredValues(desired), { concurrency: args.concurrency });
    if (json || changes) printReport(ctx, report, plan, json);
    return exitCode(report);
  },
});

export function printReport(ctx: Context, report: ApplyReport, plan: Plan, json: boolean): void {
  ctx.stdout.write(json ? renderReportJson(report) : `\n${renderReportText(report, { style: ctx.style, plan })}`);
}

/** 1 when anything failed or is unknown, 3 when only conflicts kept projects from being written. */
export function exitCode(report: ApplyReport): number {
  const outcomes = new Set(report.projects.map((p) => p.outcome));
  if (outcomes.has('failed') || outcomes.has('unknown')) return 1;
  return outcomes.has('conflict') ? 3 : 0;
}

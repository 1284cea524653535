import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { applyPlan } from '../../apply/apply.js';
import type { ApplyReport } from '../../apply/types.js';
import { resolveEndpoint } from '../../cloud/auth.js';
import type { CloudClient } from '../../cloud/client.js';
import { DEFAULT_FILE } from '../../config/files.js';
import { UserError } from '../../errors.js';
import { checkEndpoint, describeSavedPlan, readSavedPlan, verifiedValues } from '../../planfile/index.js';
import { sameApproval } from '../../plan/approval.js';
import { planChanges } from '../../plan/plan.js';
import type { Plan } from '../../plan/types.js';
import { readLive } from '../../state/read.js';
import { plural } from '../../util/words.js';
import { desiredValues, type ValueResolver } from '../../plan/values.js';
import { cloudClient } from '../cloud.js';
import { defineCommand, type ArgsOf } from '../command.js';
import type { Context, GlobalArgs } from '../context.js';
import { formatOption } from '../options.js';
import { allowDestroyOption, hasChanges, hasWrites, readAndPlan, readOptions, type Planned } from '../pipeline.js';
import { signalExitCode, type StopSignal } from '../interrupts.js';
import { ask } from '../prompt.js';
import { ChecksFailed, checkPlanned, hasCheckErrors } from '../checks.js';

const options = (y: Argv<GlobalArgs>) =>
  allowDestroyOption(
    formatOption(readOptions(y)),
    'Delete the projects marked destroy: true (not protected); with a saved plan, needed for the deletions it holds',
  )
    // No real default, so that a `-f` given with a saved plan can be told apart and refused;
    // loadDesired reads hasura-cloud.yaml when no file is named.
    .default('file', [] as string[], DEFAULT_FILE)
    .positional('planfile', {
      type: 'string',
      describe: 'A plan saved by `hcr plan --out FILE`: apply exactly it, without asking (it was the approval)',
    })
    .option('auto-approve', {
      type: 'boolean',
      default: false,
      describe: 'Apply without asking (needed when not run in a terminal)',
    })
    .option('refresh-on-conflict', {
      type: 'boolean',
      default: false,
      describe:
        'When a project changed after it was read, plan it again and apply only if the new plan makes the same changes to keys nobody else touched',
    })
    // A middleware, not .check(): yargs runs the handler after a failed check when the builder is async.
    .middleware(refuseWithSavedPlan, true)
    .example('hcr apply', 'Plan, show the plan, and write it once you answer yes')
    .example(
      'hcr apply --auto-approve --format json > report.json',
      'In CI: plan and write without asking; the report as one JSON document',
    )
    .example('hcr apply hcr.plan', 'Write exactly the plan saved by `hcr plan --out hcr.plan`, as it was reviewed')
    .example('hcr apply hcr.plan --allow-destroy', 'The same, for a saved plan that deletes projects');

type ApplyArgs = ArgsOf<typeof options>;

/**
 * A saved plan is applied exactly as reviewed: what would change it (another selection of the
 * desired state, a re-plan on conflict) is a mistake in the command line, refused with it.
 */
function refuseWithSavedPlan(args: {
  planfile?: string;
  file: string[];
  project?: string[];
  shard?: unknown;
  'refresh-on-conflict': boolean;
}): void {
  if (args.planfile === undefined) return;
  if (args['refresh-on-conflict']) {
    throw new UserError(
      '--refresh-on-conflict cannot be used with a saved plan: a saved plan is applied exactly as reviewed, or not at all (nothing was written). ' +
        'Plan again to review what changed.',
    );
  }
  const baked = [
    ...(args.file.length > 0 ? ['-f'] : []),
    ...(args.project !== undefined ? ['--project'] : []),
    ...(args.shard !== undefined ? ['--shard'] : []),
  ];
  if (baked.length > 0) {
    throw new UserError(
      `${baked.join(', ')} cannot be used with a saved plan: its files and projects were chosen when it was made (nothing was written). ` +
        `Apply ${args.planfile} alone, or make a new plan with the selection you want.`,
    );
  }
}

/** A plan approved for writing, with where its values come from and the client to write with. */
interface Approved {
  plan: Plan;
  values: ValueResolver;
  client: CloudClient;
  /** For a plan made in this run: what it was made from, so that --refresh-on-conflict can plan again. */
  planned?: Planned;
}

export const applyCommand = defineCommand({
  builder: options,
  run: async (ctx, args) => {
    const approved = args.planfile === undefined ? await planAndAsk(ctx, args) : await savedPlan(ctx, args, args.planfile);
    if (!approved) return 1;
    // From the first write to the report, Ctrl-C (or a cancelled CI job's SIGTERM) stops what has
    // not started and lets the writes in flight settle, so that the report says what was written.
    const stop = new AbortController();
    const release = ctx.interrupts.hold((signal) => {
      stop.abort(signal);
      ctx.log(
        `\n${signal}: stopping. No further write is started; the writes in flight finish, then the report says what was written. ` +
          `(${signal} again quits at once, without the report.)`,
      );
    });
    try {
      const report = await applyApproved(ctx, args, approved, stop.signal);
      tell(ctx, args, report, approved.plan);
      const signal = stop.signal.reason as StopSignal | undefined;
      if (signal === undefined) return exitCode(report);
      const notStarted = report.projects.filter((p) => p.notStarted).length;
      ctx.log(
        `Stopped by ${signal}${notStarted > 0 ? `: ${plural(notStarted, 'project')} not started, with nothing written` : ''}. ` +
          'Run hcr plan to see what is left to do.',
      );
      return signalExitCode(signal);
    } finally {
      release();
    }
  },
});

/** Applies an approved plan (and, with --refresh-on-conflict, plans and applies its conflicts again), with a progress line. */
async function applyApproved(ctx: Context, args: ApplyArgs, approved: Approved, stop: AbortSignal): Promise<ApplyReport> {
  const { plan, values, client } = approved;
  const progress = ctx.progress('Applying');
  let done = 0;
  const first = await applyPlan(client, plan, values, {
    concurrency: args.concurrency,
    batchSize: args.batchSize,
    onProjectDone: () => progress.update(++done, plan.projects.length),
    stop,
  });
  progress.done();
  if (!args.refreshOnConflict || !approved.planned || stop.aborted) return first;
  return refreshConflicts(ctx, args, approved.planned, first, stop);
}

/** The report, then what it means: a plan already applied, or stale for some projects. */
function tell(ctx: Context, args: ApplyArgs, report: ApplyReport, plan: Plan): void {
  ctx.view.report(report, plan);
  if (!hasChanges(plan) && args.planfile !== undefined) ctx.view.say('The saved plan has no changes; nothing was written.');
  const already = report.projects.filter((p) => p.alreadyApplied).map((p) => p.name);
  if (already.length > 0) ctx.view.say(alreadyApplied(args.planfile, already));
  const stale = report.projects.filter((p) => p.outcome === 'conflict');
  if (stale.length > 0) {
    const names = stale.map((p) => p.name).join(', ');
    const why = stale.map((p) => `  ${p.name}: ${p.reason ?? 'changed since it was read'}`).join('\n');
    ctx.log(
      args.planfile === undefined
        ? `Nothing was written to ${names}: changed since the plan read ${stale.length === 1 ? 'it' : 'them'}. Plan again.\n${why}`
        : `${args.planfile} is stale for ${names}: changed since it was planned, so nothing was written there. ` +
            `Plan again (hcr plan --out FILE), review, and apply the new plan.\n${why}`,
    );
  }
}

/** Reads live state, plans, shows the plan and asks on a terminal; undefined when the user says no. */
async function planAndAsk(ctx: Context, args: ApplyArgs): Promise<Approved | undefined> {
  const interactive = Boolean(ctx.stdin.isTTY && ctx.stdout.isTTY);
  if (!args.autoApprove && !interactive) {
    throw new UserError('apply needs --auto-approve when it is not run in a terminal (nothing was written)', 'usage');
  }
  const planned = await readAndPlan(ctx, args, { allowDestroy: args.allowDestroy });
  const { desired, plan, client, checks } = planned;
  ctx.view.proposal(plan, checks);
  if (hasCheckErrors(checks)) throw new ChecksFailed(checks);
  if (hasWrites(plan) && !args.autoApprove) {
    const answer = await ask(ctx, '\nDo you want to apply these changes?\n  Only "yes" will be accepted.\n\n  Enter a value: ');
    if (answer !== 'yes') {
      ctx.view.say('\nApply cancelled; nothing was written.');
      return undefined;
    }
  }
  return { plan, values: desiredValues(desired), client, planned };
}

/**
 * A saved plan is its own approval, driven only by its list of changes: no YAML is read for them
 * and no live state is read before writing (the plan's hashes lock each project). Its endpoint and
 * every sensitive value are checked before anything is written.
 */
async function savedPlan(ctx: Context, args: ApplyArgs, file: string): Promise<Approved> {
  const saved = await readSavedPlan(resolve(ctx.cwd, file), file);
  checkEndpoint(saved, file, resolveEndpoint(args.endpoint, ctx.env));
  // The plan's --allow-destroy was the review; deleting a project also takes an explicit act at apply time.
  const deletions = saved.plan.projects.filter((p) => p.action === 'delete' && !p.refused).map((p) => p.name);
  if (deletions.length > 0 && !args.allowDestroy) {
    throw new UserError(
      `${file} destroys ${plural(deletions.length, 'project')} (${deletions.join(', ')}), which needs --allow-destroy here too; nothing was written. ` +
        `Apply it with --allow-destroy, or make a new plan without them.`,
      'usage',
    );
  }
  ctx.log(describeSavedPlan(saved, file));
  const values = await verifiedValues(saved, file, { cwd: ctx.cwd, env: ctx.env, register: (value) => ctx.redactor.add(value) });
  return { plan: saved.plan, values, client: await cloudClient(ctx, args) };
}

/**
 * The projects refused for a moved hash (nothing written to them) are read and planned again, and
 * applied where the fresh plan is the approved one on untouched keys; the others stay conflicts.
 * A deletion is never re-approved on a fresh read: it was approved for the project as it was.
 */
async function refreshConflicts(
  ctx: Context,
  args: ApplyArgs,
  planned: Planned,
  report: ApplyReport,
  stop: AbortSignal,
): Promise<ApplyReport> {
  const conflicted = new Set(report.projects.filter((p) => p.outcome === 'conflict').map((p) => p.name));
  for (const p of planned.desired.projects) {
    if (conflicted.has(p.name) && p.destroy)
      ctx.log(`${p.name} changed since it was read: not destroyed, as a deletion is only made as reviewed. Plan again and review.`);
  }
  const projects = planned.desired.projects.filter((p) => conflicted.has(p.name) && planned.live.has(p.name) && !p.destroy);
  if (projects.length === 0) return report;
  const { live } = await readLive(planned.client, projects, { concurrency: args.concurrency, batchSize: args.batchSize });
  const fresh = planChanges({ ...planned.desired, projects }, live, { allowDestroy: args.allowDestroy });
  // What others changed may leave an env the engine refuses once these changes are added.
  const failing = new Set(
    checkPlanned({ ...planned.desired, projects }, live, fresh).flatMap((f) => (f.level === 'error' ? [f.project] : [])),
  );
  const retry = fresh.projects.filter((p) => {
    const approved = planned.plan.projects.find((a) => a.name === p.name)!;
    const same = sameApproval({ plan: approved, live: planned.live.get(p.name)! }, { plan: p, live: live.get(p.name)! });
    ctx.log(
      !same
        ? `${p.name} changed since it was read, and planning it again gives different changes: not applied. Plan again and review.`
        : failing.has(p.name)
          ? `${p.name} changed since it was read, and with these changes its env would now fail a Hasura check: not applied. Plan again and review.`
          : `${p.name} changed since it was read, but not in the keys this plan changes: applying the same changes again.`,
    );
    return same && !failing.has(p.name);
  });
  const again = await applyPlan(planned.client, { ...fresh, projects: retry }, desiredValues(planned.desired), {
    concurrency: args.concurrency,
    batchSize: args.batchSize,
    stop,
  });
  const retried = new Map(again.projects.map((p) => [p.name, p]));
  return { projects: report.projects.map((p) => retried.get(p.name) ?? p) };
}

/**
 * Applying a saved plan again (a re-run CI job) finds its changes live: the projects are as
 * reviewed, so the run succeeds (exit 0) and says that it wrote nothing, rather than that the plan
 * is stale.
 */
function alreadyApplied(planfile: string | undefined, names: string[]): string {
  const [it, has] = names.length === 1 ? ['it', 'has'] : ['they', 'have'];
  return planfile === undefined
    ? `Already applied to ${names.join(', ')}: ${it} ${has} had every change of this plan since it was read; nothing was written there.`
    : `${planfile} was already applied to ${names.join(', ')}: ${it} already ${has} every change the plan makes there, so nothing was written to ${names.length === 1 ? 'it' : 'them'}.`;
}

/** 1 when anything failed or is unknown, 3 when only conflicts kept projects from being written. */
export function exitCode(report: ApplyReport): number {
  const outcomes = new Set(report.projects.map((p) => p.outcome));
  if (outcomes.has('failed') || outcomes.has('unknown')) return 1;
  return outcomes.has('conflict') ? 3 : 0;
}

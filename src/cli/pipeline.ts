import type { Argv } from 'yargs';
import type { CloudClient } from '../cloud/client.js';
import { loadDesired } from '../config/load.js';
import type { Desired, Diagnostic } from '../config/types.js';
import { planChanges } from '../plan/plan.js';
import { hiddenValues } from '../plan/values.js';
import type { LiveState } from '../state/types.js';
import type { Plan } from '../plan/types.js';
import { readLive } from '../state/read.js';
import { batchOption, cloudClient, requestOptions } from './cloud.js';
import type { ArgsOf } from './command.js';
import { maskSensitive, type Context, type GlobalArgs } from './context.js';
import { wholeNumber } from './flags.js';
import { desiredOptions } from './options.js';
import { checkLive, checkPlanned } from './checks.js';
import type { ProjectFinding } from '../hasura/check.js';

/** The options every command that reads live state shares: input, selection, concurrency, retries. */
export function readOptions<T extends GlobalArgs>(y: Argv<T>) {
  return requestOptions(batchOption(desiredOptions(y))).option('concurrency', {
    type: 'number',
    default: 10,
    describe: "Requests in flight at once (a batch of reads, or one project's writes)",
    coerce: wholeNumber('--concurrency', 1),
  });
}

export type ReadArgs = ArgsOf<typeof readOptions<GlobalArgs>>;

export interface Planned {
  desired: Desired;
  live: LiveState;
  plan: Plan;
  client: CloudClient;
  /** The Hasura checks' findings: of the env after apply, or (drift) of the live env. */
  checks: ProjectFinding[];
}

export interface ReadAndPlanOptions {
  readOnly?: boolean;
  /** Plan deletions of projects marked destroy rather than refuse them (--allow-destroy). */
  allowDestroy?: boolean;
  /** What the Hasura checks look at: the env each project will have after apply (default), or the live env (drift). */
  check?: 'after-apply' | 'live';
}

/**
 * Load and validate the whole input first (no request is made for invalid input), then read the
 * live state of the selected projects and plan. Every sensitive value, and every value the plan
 * hides, is registered to be masked in what the service says. What reading and planning found to
 * warn about goes to the run's view.
 */
export async function readAndPlan(ctx: Context, args: ReadArgs, options: ReadAndPlanOptions = {}): Promise<Planned> {
  const desired = await loadDesired(args.file, { cwd: ctx.cwd, env: ctx.env, projects: args.project, shard: args.shard });
  maskSensitive(ctx, desired);
  const client = await cloudClient(ctx, args, { readOnly: options.readOnly });
  const progress = ctx.progress('Reading live state');
  const { live, diagnostics } = await readLive(client, desired.projects, {
    concurrency: args.concurrency,
    batchSize: args.batchSize,
    onProgress: progress.update,
  });
  progress.done();
  const plan = planChanges(desired, live, { allowDestroy: options.allowDestroy });
  for (const value of hiddenValues(plan, desired, live)) ctx.redactor.add(value);
  ctx.view.diagnostics([...diagnostics, ...inMaintenance(desired, live, plan)]);
  const checks = options.check === 'live' ? checkLive(desired, live) : checkPlanned(desired, live, plan);
  return { desired, live, plan, client, checks };
}

/** A warning for each project the plan changes that Hasura Cloud will not let anyone change until its maintenance ends. */
function inMaintenance(desired: Desired, live: LiveState, plan: Plan): Diagnostic[] {
  return plan.projects.flatMap((p) => {
    if (p.action !== 'update' || !live.get(p.name)?.maintenance) return [];
    const at = desired.projects.find((d) => d.name === p.name)?.at;
    return [
      {
        ...(at && { at }),
        severity: 'warning' as const,
        message: `${p.name} is in maintenance mode; Hasura Cloud refuses its env changes until maintenance ends`,
      },
    ];
  });
}

/** Whether live state differs from the desired state: refused deletions count (exit 2), as the difference stays. */
export function hasChanges(plan: Plan): boolean {
  return plan.projects.some((p) => p.action !== 'no-op');
}

/** Whether applying the plan writes anything. */
export function hasWrites(plan: Plan): boolean {
  return plan.projects.some((p) => p.action !== 'no-op' && !p.refused);
}

export function allowDestroyOption<T extends GlobalArgs>(y: Argv<T>, describe: string) {
  return y.option('allow-destroy', { type: 'boolean', default: false, describe });
}

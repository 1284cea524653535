import type { Argv } from 'yargs';
import type { CloudClient } from '../cloud/client.js';
import { loadDesired } from '../config/load.js';
import type { Desired } from '../config/types.js';
import { planChanges } from '../plan/plan.js';
import { hiddenValues } from '../plan/values.js';
import type { LiveState } from '../state/types.js';
import type { Plan } from '../plan/types.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText, type ViewMode } from '../render/index.js';
import { readLive } from '../state/read.js';
import { batchOption, checkBatchSize, cloudClient, requestOptions, type BatchArgs, type CloudArgs } from './cloud.js';
import type { Context, GlobalArgs } from './context.js';
import { wholeNumber } from './flags.js';
import { appendJobSummary } from './github.js';
import { desiredOptions, type DesiredArgs } from './options.js';
import { annotateChecks, checkLive, checkPlanned } from './checks.js';
import type { ProjectFinding } from '../hasura/check.js';

export type Format = 'text' | 'json' | 'markdown';

/** GitHub refuses a job summary over 1 MiB; leave room for other steps' summaries. */
const STEP_SUMMARY_LIMIT = 900_000;

export interface ReadArgs extends CloudArgs, DesiredArgs, BatchArgs {
  concurrency: number;
}

/** The options every command that reads live state shares: input, selection, concurrency, retries. */
export function readOptions<T extends GlobalArgs>(y: Argv<T>) {
  return requestOptions(batchOption(desiredOptions(y))).option('concurrency', {
    type: 'number',
    default: 10,
    describe: "Requests in flight at once (a batch of reads, or one project's writes)",
  });
}

export function formatOption<T extends GlobalArgs>(y: Argv<T>) {
  return y.option('format', { choices: ['text', 'json', 'markdown'] as const, default: 'text' as Format, describe: 'Output view' });
}

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
 * hides, is registered to be masked in what the service says.
 */
export async function readAndPlan(ctx: Context, args: ReadArgs, options: ReadAndPlanOptions = {}): Promise<Planned> {
  checkConcurrency(args.concurrency);
  checkBatchSize(args.batchSize);
  const desired = await loadDesired(args.file, { cwd: ctx.cwd, env: ctx.env, projects: args.project, shard: args.shard });
  for (const project of desired.projects) {
    for (const value of Object.values(project.env)) if (value.sensitive) ctx.redactor.add(value.value);
  }
  const client = await cloudClient(ctx, args, { readOnly: options.readOnly });
  const progress = ctx.progress('Reading live state');
  const live = await readLive(client, desired.projects, {
    concurrency: args.concurrency,
    batchSize: args.batchSize,
    onProgress: progress.update,
  });
  progress.done();
  const plan = planChanges(desired, live, { allowDestroy: options.allowDestroy });
  for (const value of hiddenValues(plan, desired, live)) ctx.redactor.add(value);
  for (const project of plan.projects) {
    if (project.action === 'update' && live.get(project.name)?.maintenance) {
      ctx.log(`Warning: ${project.name} is in maintenance mode; Hasura Cloud refuses its env changes until maintenance ends.`);
    }
  }
  for (const project of desired.projects) {
    if (project.destroy && !live.has(project.name)) {
      ctx.log(`${project.name} is marked destroy: true and does not exist: nothing to do; remove it from the file when you like.`);
    }
  }
  const checks = options.check === 'live' ? checkLive(desired, live) : checkPlanned(desired, live, plan);
  return { desired, live, plan, client, checks };
}

export function checkConcurrency(concurrency: number): void {
  wholeNumber('--concurrency', concurrency, 1);
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

/**
 * Prints a plan (or drift report) in the chosen view, with the Hasura checks' findings when given.
 * Under GitHub Actions the full Markdown also goes to the job summary, which has room for what a
 * pull-request comment may have to cut, and the findings become annotations.
 */
export function printPlan(ctx: Context, plan: Plan, format: Format, mode: ViewMode, checks?: readonly ProjectFinding[]): void {
  const out =
    format === 'json'
      ? renderPlanJson(plan, checks)
      : format === 'markdown'
        ? renderPlanMarkdown(plan, { mode, checks })
        : renderPlanText(plan, { style: ctx.style, mode, checks });
  ctx.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
  appendJobSummary(ctx, () => `${renderPlanMarkdown(plan, { mode, checks, maxLength: STEP_SUMMARY_LIMIT })}\n`);
  if (checks) annotateChecks(ctx, checks);
}

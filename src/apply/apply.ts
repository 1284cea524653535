import { CloudError } from '../cloud/errors.js';
import type { CreatedTenant, CreateTenantInput, ProjectRef, TenantEnv } from '../cloud/types.js';
import type { KeyChange, Plan, ProjectPlan } from '../plan/types.js';
import type { ValueResolver } from '../plan/values.js';
import { mapSettled } from '../util/concurrency.js';
import { lookUpSinceThePlan, type SinceThePlan } from './since.js';
import type { ApplyReport, ProjectReport } from './types.js';

/** The calls apply makes; drift and plan never get an object with these. */
export interface EnvWriter {
  findProjects(query: { names: string[]; tenantIds: string[] }): Promise<ProjectRef[]>;
  getTenantEnv(tenantId: string): Promise<TenantEnv>;
  updateTenantEnv(tenantId: string, currentHash: string, env: Record<string, string>): Promise<TenantEnv>;
  deleteTenantEnv(tenantId: string, currentHash: string, keys: string[]): Promise<TenantEnv>;
  createTenant(input: CreateTenantInput): Promise<CreatedTenant>;
  updateTenantName(tenantId: string, name: string): Promise<unknown>;
  deleteTenant(tenantId: string): Promise<unknown>;
}

export interface ApplyOptions {
  concurrency: number;
  onProjectDone?: (report: ProjectReport) => void;
  /**
   * Once aborted (its reason names why, e.g. `SIGINT`), no write is started: a project not begun
   * is reported as not started, one half-way has its second write left unsent, and the writes in
   * flight settle as usual, so that the report says exactly what was written.
   */
  stop?: AbortSignal;
}

/**
 * Executes a Plan, driven only by its changes. First every project to write to is looked up again
 * in one request (lookUpSinceThePlan). Then per project: updateTenantEnv with the keys to set and
 * the hash the plan read, then deleteTenantEnv with the hash that returned (expand first, contract
 * second); or createTenant, or deleteTenant for a deletion the plan does not refuse (the caller
 * checks that deletions were allowed). Projects run concurrently; one project's failure never
 * stops another.
 */
export async function applyPlan(writer: EnvWriter, plan: Plan, values: ValueResolver, options: ApplyOptions): Promise<ApplyReport> {
  const since = options.stop?.aborted ? new Map<string, SinceThePlan>() : await lookUpSinceThePlan(writer, plan.projects);
  const settled = await mapSettled(plan.projects, options.concurrency, async (project) => {
    const report = await applyProject(writer, project, values, since.get(project.name), options.stop);
    options.onProjectDone?.(report);
    return report;
  });
  const projects = settled.map((result, i): ProjectReport => {
    if (result.status === 'fulfilled') return result.value;
    const project = plan.projects[i]!;
    return {
      name: project.name,
      outcome: 'failed',
      set: [],
      removed: [],
      pending: project.env.map((c) => c.key),
      reason: String(result.reason),
    };
  });
  return { projects };
}

async function applyProject(
  writer: EnvWriter,
  project: ProjectPlan,
  values: ValueResolver,
  since: SinceThePlan | undefined,
  stop: AbortSignal | undefined,
): Promise<ProjectReport> {
  const toSet = project.env.filter((c) => c.action !== 'remove');
  const toRemove = project.env.filter((c) => c.action === 'remove').map((c) => c.key);
  const setEnv = Object.fromEntries(toSet.map((c: KeyChange) => [c.key, values(project.name, c)]));
  const report: ProjectReport = {
    name: project.name,
    outcome: 'unchanged',
    set: [],
    removed: [],
    pending: [...Object.keys(setEnv), ...toRemove],
  };
  if (project.action === 'no-op') return report;
  if (project.action === 'delete' && project.refused) return { ...report, outcome: 'refused', refused: project.refused };
  if (stop?.aborted) {
    return {
      ...finish(report, { status: 'failed', reason: `not started: ${stopped(stop)} before anything was sent to it` }),
      notStarted: true,
    };
  }
  if (!since || since.status === 'unchecked') return finish(report, { status: 'failed', reason: since?.reason ?? 'it was not looked up' });
  if (since.status === 'moved') return finish(report, { status: 'conflict', reason: since.reason });

  /** Whether an env shows every change the plan makes to this project. */
  const isLive = (env: Record<string, string>) => showsSet(env, setEnv) && showsRemoved(env, toRemove);
  if (project.action === 'create') {
    if (since.status === 'exists') return createdSinceThePlan(writer, since.tenantId, report, isLive);
    return createProject(writer, project, setEnv, report);
  }
  if (project.action === 'delete') return since.status === 'gone' ? alreadyApplied(report) : deleteProject(writer, project, report);
  const tenantId = project.tenantId!;

  let hash = project.hash!;
  if (toSet.length > 0) {
    const step = await write(writer, tenantId, hash, {
      operation: 'updateTenantEnv',
      send: (h) => writer.updateTenantEnv(tenantId, h, setEnv),
      landed: (env) => showsSet(env, setEnv),
    });
    if (step.status !== 'landed') return unwritten(report, step, isLive);
    hash = step.hash;
    report.set = Object.keys(setEnv);
    if (step.readBack !== undefined && toRemove.length > 0) {
      // The hash read back may already include someone else's write made after ours: deleting on
      // it would overwrite their change without review, the lost update the hash lock exists for.
      const reason = `${step.readBack}; reading back showed it landed, but not whether the project changed after it, so nothing was removed: run hcr plan again`;
      return finish(report, { status: 'failed', reason });
    }
  }
  if (toRemove.length > 0) {
    if (stop?.aborted) {
      return finish(report, { status: 'failed', reason: `${stopped(stop)} after the keys were set, so the removals were not sent` });
    }
    const step = await write(writer, tenantId, hash, {
      operation: 'deleteTenantEnv',
      send: (h) => writer.deleteTenantEnv(tenantId, h, toRemove),
      landed: (env) => showsRemoved(env, toRemove),
    });
    if (step.status !== 'landed') return unwritten(report, step, isLive);
    hash = step.hash;
    report.removed = toRemove;
  }
  return { ...report, outcome: 'applied', pending: [], hash };
}

const showsSet = (env: Record<string, string>, set: Record<string, string>): boolean =>
  Object.entries(set).every(([k, v]) => Object.hasOwn(env, k) && env[k] === v);
const showsRemoved = (env: Record<string, string>, keys: readonly string[]): boolean => keys.every((k) => !Object.hasOwn(env, k));

const stopped = (stop: AbortSignal): string => `hcr was stopped (${String(stop.reason)})`;

type StepResult =
  /** `readBack`: the failure after which reading the project back showed the write there. */
  | { status: 'landed'; hash: string; readBack?: string }
  /** A stale hash, proven by reading back: `now` is what was read. */
  | { status: 'conflict'; reason: string; now: TenantEnv }
  | { status: 'failed' | 'unknown'; reason: string };

interface WriteStep {
  operation: string;
  send(currentHash: string): Promise<TenantEnv>;
  /** Whether an env read back shows this write's intent. */
  landed(env: Record<string, string>): boolean;
}

/**
 * One optimistic write. Apart from a refused token (the document never ran) and `nothing changed
 * in config`, no error of a write is taken at its word: a lost answer, a timeout, a server error,
 * a malformed answer or a refusal in words hcr does not know may each come after the write
 * landed. Each is settled by reading the tenant again, never by blindly repeating:
 * - the intent visible: it landed (though the hash read may be a later writer's); unless the
 *   service said the hash was stale, which means these changes were live before this write;
 * - the hash moved without the intent: a stale hash when the service said so (conflict, nothing
 *   written), else unknown, as the write may have landed and been overwritten;
 * - the hash unmoved: nothing was written; a transient failure is sent once more with the same hash.
 */
async function write(writer: EnvWriter, tenantId: string, hash: string, step: WriteStep): Promise<StepResult> {
  for (let attempt = 1; ; attempt++) {
    let err: CloudError;
    try {
      return { status: 'landed', hash: (await step.send(hash)).hash };
    } catch (e) {
      if (!(e instanceof CloudError)) throw e;
      err = e;
    }
    if (err.kind === 'nothing-changed') return { status: 'landed', hash };
    if (err.kind === 'not-authorized') return { status: 'failed', reason: err.message };

    let now: TenantEnv;
    try {
      now = await writer.getTenantEnv(tenantId);
    } catch (readErr) {
      const why = readErr instanceof CloudError ? readErr.message : String(readErr);
      return { status: 'unknown', reason: `${err.message}; reading the project back failed too (${why})` };
    }
    const stale = err.kind === 'conflict' && now.hash !== hash;
    if (stale) return { status: 'conflict', reason: err.settledMessage, now };
    if (step.landed(now.env)) return { status: 'landed', hash: now.hash, readBack: err.settledMessage };
    if (now.hash !== hash) {
      return {
        status: 'unknown',
        reason: `${err.settledMessage}; the project changed meanwhile and hcr could not confirm whether its write landed`,
      };
    }
    if (!err.transient) return { status: 'failed', reason: err.settledMessage };
    if (attempt === 2) return { status: 'failed', reason: `${err.settledMessage} (twice; nothing was written)` };
  }
}

/**
 * A write that did not land. A stale hash refused before anything was written, on a project that
 * already shows every change of the plan, means the plan was applied before (a saved plan applied
 * again, or someone who made the same changes): nothing is left to write.
 */
function unwritten(
  report: ProjectReport,
  step: Exclude<StepResult, { status: 'landed' }>,
  isLive: (env: Record<string, string>) => boolean,
): ProjectReport {
  const nothingWritten = report.set.length + report.removed.length === 0;
  if (step.status === 'conflict' && nothingWritten && isLive(step.now.env)) return alreadyApplied(report, step.now.hash);
  return finish(report, step);
}

function alreadyApplied(report: ProjectReport, hash?: string): ProjectReport {
  const reason = 'already applied: the project holds every change of the plan, so nothing was written to it';
  return { ...report, outcome: 'unchanged', alreadyApplied: true, reason, pending: [], ...(hash === undefined ? {} : { hash }) };
}

function finish(report: ProjectReport, step: { status: 'conflict' | 'failed' | 'unknown'; reason: string }): ProjectReport {
  const written = new Set([...report.set, ...report.removed]);
  // A conflict (exit 3) promises that nothing was written; once the update landed, the refused delete is a failure.
  const outcome = step.status === 'conflict' && written.size > 0 ? 'failed' : step.status;
  return { ...report, outcome, reason: step.reason, pending: report.pending.filter((k) => !written.has(k)) };
}

/** A project to create that exists now: already applied when it holds every key the plan sets, else a conflict. */
async function createdSinceThePlan(
  writer: EnvWriter,
  tenantId: string,
  report: ProjectReport,
  isLive: (env: Record<string, string>) => boolean,
): Promise<ProjectReport> {
  let now: TenantEnv;
  try {
    now = await writer.getTenantEnv(tenantId);
  } catch (err) {
    if (!(err instanceof CloudError)) throw err;
    return finish(report, { status: 'failed', reason: `the project exists now, and reading it failed: ${err.message}` });
  }
  if (isLive(now.env)) return alreadyApplied(report, now.hash);
  return finish(report, { status: 'conflict', reason: 'the project exists now: it was created since the plan read that it did not' });
}

async function createProject(
  writer: EnvWriter,
  project: ProjectPlan,
  envs: Record<string, string>,
  report: ProjectReport,
): Promise<ProjectReport> {
  const options = project.create;
  if (!options) return finish(report, { status: 'failed', reason: 'the project does not exist and has no `create` block' });
  let created: CreatedTenant;
  try {
    created = await writer.createTenant({ ...options, name: project.name, envs });
  } catch (err) {
    if (!(err instanceof CloudError)) throw err;
    if (!err.transient) return finish(report, { status: 'failed', reason: err.message });
    // createTenant carries no hash to lock on: never send it twice; look for what it made.
    const [found] = await writer.findProjects({ names: [project.name], tenantIds: [] }).catch(() => []);
    if (!found?.tenant) return finish(report, { status: 'unknown', reason: `${err.message}; the project was not found afterwards` });
    created = { tenantId: found.tenant.id, name: found.name };
  }
  const done: ProjectReport = { ...report, outcome: 'created', set: Object.keys(envs), pending: [] };
  if (created.name === project.name) return done;
  done.createdAs = created.name;
  try {
    await writer.updateTenantName(created.tenantId, project.name);
    return done;
  } catch (err) {
    const why = err instanceof CloudError ? err.message : String(err);
    return { ...done, outcome: 'failed', reason: `created as "${created.name}" but renaming it to "${project.name}" failed: ${why}` };
  }
}

/**
 * deleteTenant has no hash to lock on, so the lock is checked first: the name still leads to the
 * tenant the plan read (lookUpSinceThePlan), and that tenant's config hash must not have moved. A
 * project edited since the plan makes the plan stale for it (conflict, exit 3), as a moved hash
 * does for an update: what was reviewed was the deletion of that project as it was.
 */
async function deleteProject(writer: EnvWriter, project: ProjectPlan, report: ProjectReport): Promise<ProjectReport> {
  const tenantId = project.tenantId!;
  let hash: string;
  try {
    hash = (await writer.getTenantEnv(tenantId)).hash;
  } catch (err) {
    if (!(err instanceof CloudError)) throw err;
    return finish(report, { status: 'failed', reason: err.message });
  }
  if (hash !== project.hash) return finish(report, { status: 'conflict', reason: 'its env changed since the plan read it' });
  try {
    await writer.deleteTenant(tenantId);
  } catch (err) {
    if (!(err instanceof CloudError)) throw err;
    if (err.kind === 'not-authorized') return finish(report, { status: 'failed', reason: err.message });
    // As with env writes, no error is taken at its word, and the deletion is never sent twice blindly: look whether the tenant is still there.
    const found = await writer.findProjects({ names: [], tenantIds: [tenantId] }).catch(() => undefined);
    if (!found) return finish(report, { status: 'unknown', reason: `${err.message}; looking the project up afterwards failed too` });
    if (found.length > 0) return finish(report, { status: 'failed', reason: `${err.settledMessage}; the project is still there` });
  }
  return { ...report, outcome: 'deleted' };
}

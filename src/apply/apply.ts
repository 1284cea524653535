import { CloudError } from '../cloud/errors.js';
import type { TenantEnv } from '../cloud/types.js';
import type { KeyChange, Plan, ProjectPlan } from '../plan/types.js';
import type { ValueResolver } from '../plan/values.js';
import { mapSettled, oneAtATime } from '../util/concurrency.js';
import { CREATE_MARKER } from '../plan/marker.js';
import { makeProject, newMarker, type CreateWriter, type Made, type ReadLimits } from './create.js';
import { lookUpSinceThePlan, type SinceThePlan } from './since.js';
import type { ApplyReport, ProjectReport } from './types.js';

/** The calls apply makes; drift and plan never get an object with these. */
export interface EnvWriter extends CreateWriter {
  getTenantEnv(tenantId: string): Promise<TenantEnv>;
  updateTenantEnv(tenantId: string, currentHash: string, env: Record<string, string>): Promise<TenantEnv>;
  deleteTenantEnv(tenantId: string, currentHash: string, keys: string[]): Promise<TenantEnv>;
  updateTenantName(tenantId: string, name: string): Promise<unknown>;
  deleteTenant(tenantId: string): Promise<unknown>;
}

export interface ApplyOptions extends ReadLimits {
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
  // Creates run one at a time: a create that fails looks for what appeared in its region meanwhile,
  // and another create of this run must not be what it finds.
  const creating = oneAtATime();
  const create: CreateStep = (project, envs, report) => creating(() => createProject(writer, project, envs, report, options));
  const settled = await mapSettled(plan.projects, options.concurrency, async (project) => {
    const report = await applyProject(writer, project, values, since.get(project.name), options.stop, create);
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

type CreateStep = (project: ProjectPlan, envs: Record<string, string>, report: ProjectReport) => Promise<ProjectReport>;

async function applyProject(
  writer: EnvWriter,
  project: ProjectPlan,
  values: ValueResolver,
  since: SinceThePlan | undefined,
  stop: AbortSignal | undefined,
  create: CreateStep,
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
    return create(project, setEnv, report);
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
  limits: ReadLimits,
): Promise<ProjectReport> {
  const options = project.create;
  if (!options) return finish(report, { status: 'failed', reason: 'the project does not exist and has no `create` block' });
  const creation = await makeProject(writer, project.name, options, envs, limits);
  if (creation.status !== 'made') return { ...finish(report, creation), steps: creation.steps };
  return settleCreated(writer, project.name, creation.made, envs, { ...report, steps: creation.steps });
}

/**
 * Brings a project just made (or found) to what was asked: its env set (all of it, when the create
 * carried none or the service dropped some), hcr's marker on it while it has another name, then
 * its name, then the marker removed. Each step is written in the report's steps; when one fails,
 * the reason says what is done and what is left, and the marker stays for the next apply to find.
 */
async function settleCreated(
  writer: EnvWriter,
  name: string,
  made: Made,
  envs: Record<string, string>,
  report: ProjectReport,
): Promise<ProjectReport> {
  const steps = report.steps!;
  const renamed = made.name !== name;
  const created = `created as ${made.name}`;
  const wanted = renamed ? { ...envs, [CREATE_MARKER]: made.marker ?? newMarker(name) } : envs;
  const env = await ensureEnv(writer, made.tenantId, wanted);
  const done = (fields: Partial<ProjectReport>): ProjectReport => ({
    ...report,
    ...(renamed ? { createdAs: made.name } : {}),
    ...fields,
  });
  if (env.status !== 'landed') {
    const outcome = env.status === 'unknown' ? 'unknown' : 'failed';
    const keep = renamed || made.marker !== undefined ? `; it keeps hcr's marker ${CREATE_MARKER}, by which the next apply finds it` : '';
    return done({ outcome, reason: `${created}, but setting its env failed: ${env.reason}${keep}` });
  }
  if (env.set.length > 0) {
    const keys = env.set.map((key) => (key === CREATE_MARKER ? `hcr's marker ${CREATE_MARKER}` : key));
    steps.push(`set ${keys.join(', ')} with updateTenantEnv`);
  }
  const written = { set: Object.keys(envs), pending: [], hash: env.hash };
  if (renamed) {
    const failed = await rename(writer, made.tenantId, name);
    if (failed !== undefined) {
      return done({
        ...written,
        outcome: 'failed',
        reason: `${created} with its env, but renaming it to ${name} failed: ${failed}; it keeps hcr's marker ${CREATE_MARKER}, by which the next apply finds it and renames it`,
      });
    }
  }
  if (!Object.hasOwn(env.env, CREATE_MARKER)) return done({ ...written, outcome: 'created' });
  const removed = await write(writer, made.tenantId, env.hash, {
    operation: 'deleteTenantEnv',
    send: (h) => writer.deleteTenantEnv(made.tenantId, h, [CREATE_MARKER]),
    landed: (now) => !Object.hasOwn(now, CREATE_MARKER),
  });
  if (removed.status !== 'landed') {
    return done({
      ...written,
      outcome: 'failed',
      reason: `created with its env, but removing hcr's marker ${CREATE_MARKER} failed: ${removed.reason}; the next plan removes it`,
    });
  }
  steps.push(`removed hcr's marker ${CREATE_MARKER}`);
  return done({ ...written, outcome: 'created', hash: removed.hash });
}

/**
 * updateTenantName; undefined once it landed. A failure is settled by looking the tenant up: a
 * rename that did not land is sent once more when the failure was transient (renaming to the same
 * name twice changes nothing), as a failed env write is.
 */
async function rename(writer: EnvWriter, tenantId: string, name: string): Promise<string | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await writer.updateTenantName(tenantId, name);
      return undefined;
    } catch (err) {
      if (!(err instanceof CloudError)) throw err;
      const found = await writer.findProjects({ names: [], tenantIds: [tenantId] }).catch(() => undefined);
      if (!found) return `${err.message}; looking the project up afterwards failed too`;
      if (found.some((p) => p.tenant?.id === tenantId && p.name === name)) return undefined;
      if (!err.transient || attempt === 2) return err.settledMessage;
    }
  }
}

export type EnsuredEnv =
  | { status: 'landed'; hash: string; env: Record<string, string>; set: string[] }
  | { status: 'conflict' | 'failed' | 'unknown'; reason: string };

/**
 * Makes a tenant's env hold `wanted`, leaving every other key alone: reads it, and sets the keys
 * that are missing or different with one updateTenantEnv on the hash just read. A conflict means
 * someone wrote meanwhile, which may have been these very keys: it reads and compares again, up
 * to three times. `env` is what the tenant holds after (as far as `wanted` goes).
 */
export async function ensureEnv(writer: EnvWriter, tenantId: string, wanted: Record<string, string>): Promise<EnsuredEnv> {
  for (let attempt = 1; ; attempt++) {
    let now: TenantEnv;
    try {
      now = await writer.getTenantEnv(tenantId);
    } catch (err) {
      if (!(err instanceof CloudError)) throw err;
      return { status: 'failed', reason: err.message };
    }
    const missing = Object.fromEntries(
      Object.entries(wanted).filter(([key, value]) => !Object.hasOwn(now.env, key) || now.env[key] !== value),
    );
    if (Object.keys(missing).length === 0) return { status: 'landed', hash: now.hash, env: now.env, set: [] };
    const step = await write(writer, tenantId, now.hash, {
      operation: 'updateTenantEnv',
      send: (h) => writer.updateTenantEnv(tenantId, h, missing),
      landed: (env) => showsSet(env, missing),
    });
    if (step.status === 'landed') return { status: 'landed', hash: step.hash, env: { ...now.env, ...missing }, set: Object.keys(missing) };
    if (step.status !== 'conflict' || attempt === 3) return step;
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
    const gone = await tenantGone(writer, tenantId);
    if (gone === undefined)
      return finish(report, { status: 'unknown', reason: `${err.message}; looking the project up afterwards failed too` });
    if (!gone) return finish(report, { status: 'failed', reason: `${err.settledMessage}; the project is still there` });
  }
  return { ...report, outcome: 'deleted' };
}

/**
 * After a deleteTenant that failed other than by a proven refusal: whether the tenant is gone. As
 * with env writes, no error is taken at its word, and a deletion is never sent twice blindly: the
 * tenant is looked up. Undefined when the lookup fails too.
 */
export async function tenantGone(finder: Pick<EnvWriter, 'findProjects'>, tenantId: string): Promise<boolean | undefined> {
  const found = await finder.findProjects({ names: [], tenantIds: [tenantId] }).catch(() => undefined);
  return found && found.length === 0;
}

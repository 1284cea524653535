import { CloudError } from '../cloud/errors.js';
import type { TenantEnv } from '../cloud/types.js';
import type { KeyChange, Plan, ProjectPlan } from '../plan/types.js';
import type { ValueResolver } from '../plan/values.js';
import { mapSettled, oneAtATime } from '../util/concurrency.js';
import { CREATE_MARKER } from '../plan/marker.js';
import { makeProject, newMarker, type CreateWriter, type Made, type ReadLimits } from './create.js';
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
}

/**
 * Executes a Plan, driven only by its changes. Per project: updateTenantEnv with the keys to set
 * and the hash the plan read, then deleteTenantEnv with the hash that returned (expand first,
 * contract second); or createTenant, or deleteTenant for a deletion the plan does not refuse (the
 * caller checks that deletions were allowed). Projects run concurrently; one project's failure
 * never stops another.
 */
export async function applyPlan(writer: EnvWriter, plan: Plan, values: ValueResolver, options: ApplyOptions): Promise<ApplyReport> {
  // Creates run one at a time: a create that fails looks for what appeared in its region meanwhile,
  // and another create of this run must not be what it finds.
  const creating = oneAtATime();
  const create: CreateStep = (project, envs, report) => creating(() => createProject(writer, project, envs, report, options));
  const settled = await mapSettled(plan.projects, options.concurrency, async (project) => {
    const report = await applyProject(writer, project, values, create);
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

async function applyProject(writer: EnvWriter, project: ProjectPlan, values: ValueResolver, create: CreateStep): Promise<ProjectReport> {
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

  if (project.action === 'create') return create(project, setEnv, report);
  if (project.action === 'delete')
    return project.refused ? { ...report, outcome: 'refused', refused: project.refused } : deleteProject(writer, project, report);
  if (project.action !== 'update' || !project.tenantId || !project.hash) return report;
  const tenantId = project.tenantId;

  let hash = project.hash;
  if (toSet.length > 0) {
    const step = await write(writer, tenantId, hash, {
      operation: 'updateTenantEnv',
      send: (h) => writer.updateTenantEnv(tenantId, h, setEnv),
      landed: (env) => Object.entries(setEnv).every(([k, v]) => Object.hasOwn(env, k) && env[k] === v),
    });
    if (step.status !== 'landed') return finish(report, step);
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
    const step = await write(writer, tenantId, hash, {
      operation: 'deleteTenantEnv',
      send: (h) => writer.deleteTenantEnv(tenantId, h, toRemove),
      landed: (env) => toRemove.every((k) => !Object.hasOwn(env, k)),
    });
    if (step.status !== 'landed') return finish(report, step);
    hash = step.hash;
    report.removed = toRemove;
  }
  return { ...report, outcome: 'applied', pending: [], hash };
}

type StepResult =
  /** `readBack`: the failure after which reading the project back showed the write there. */
  { status: 'landed'; hash: string; readBack?: string } | { status: 'conflict' | 'failed' | 'unknown'; reason: string };

interface WriteStep {
  operation: string;
  send(currentHash: string): Promise<TenantEnv>;
  /** Whether an env read back shows this write's intent. */
  landed(env: Record<string, string>): boolean;
}

/**
 * One optimistic write. A stale hash is a conflict (nothing written). A transient failure — lost
 * answer, timeout, server error — is resolved by reading the tenant again, never by blindly
 * repeating: the intent visible means it landed (though the hash read may be a later writer's);
 * an unmoved hash means it did not, and it is sent once more with the same hash; anything else is
 * unknown until the next plan shows the truth.
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
    if (err.kind === 'conflict') return { status: 'conflict', reason: err.message };
    if (err.kind === 'nothing-changed') return { status: 'landed', hash };
    if (!err.transient && err.kind !== 'service') return { status: 'failed', reason: err.message };

    let now: TenantEnv;
    try {
      now = await writer.getTenantEnv(tenantId);
    } catch (readErr) {
      const why = readErr instanceof CloudError ? readErr.message : String(readErr);
      return { status: 'unknown', reason: `${err.message}; reading the project back failed too (${why})` };
    }
    if (err.kind === 'service') {
      // The service refused the write in words hcr does not know; a moved hash says why.
      return now.hash === hash
        ? { status: 'failed', reason: err.message }
        : { status: 'conflict', reason: `${err.message} (the project changed since it was read)` };
    }
    if (step.landed(now.env)) return { status: 'landed', hash: now.hash, readBack: err.settledMessage };
    if (now.hash !== hash) {
      return {
        status: 'unknown',
        reason: `${err.message}; the project changed meanwhile and hcr could not confirm whether its write landed`,
      };
    }
    if (attempt === 2) return { status: 'failed', reason: `${err.settledMessage} (twice; nothing was written)` };
  }
}

function finish(report: ProjectReport, step: Exclude<StepResult, { status: 'landed' }>): ProjectReport {
  const written = new Set([...report.set, ...report.removed]);
  // A conflict (exit 3) promises that nothing was written; once the update landed, the refused delete is a failure.
  const outcome = step.status === 'conflict' && written.size > 0 ? 'failed' : step.status;
  return { ...report, outcome, reason: step.reason, pending: report.pending.filter((k) => !written.has(k)) };
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
      landed: (env) => Object.entries(missing).every(([k, v]) => Object.hasOwn(env, k) && env[k] === v),
    });
    if (step.status === 'landed') return { status: 'landed', hash: step.hash, env: { ...now.env, ...missing }, set: Object.keys(missing) };
    if (step.status !== 'conflict' || attempt === 3) return step;
  }
}

/**
 * deleteTenant has no hash to lock on, so the lock is checked first: the name must still lead to
 * the tenant the plan read, and that tenant's config hash must not have moved. A project deleted,
 * renamed, recreated or edited since the plan makes the plan stale for it (conflict, exit 3), as a
 * moved hash does for an update: what was reviewed was the deletion of that project as it was.
 */
async function deleteProject(writer: EnvWriter, project: ProjectPlan, report: ProjectReport): Promise<ProjectReport> {
  const tenantId = project.tenantId!;
  let stale: string | undefined;
  try {
    stale = await sinceThePlan(writer, project, tenantId);
  } catch (err) {
    if (!(err instanceof CloudError)) throw err;
    return finish(report, { status: 'failed', reason: err.message });
  }
  if (stale !== undefined) return finish(report, { status: 'conflict', reason: stale });
  try {
    await writer.deleteTenant(tenantId);
  } catch (err) {
    if (!(err instanceof CloudError)) throw err;
    if (!err.transient) return finish(report, { status: 'failed', reason: err.message });
    // As with createTenant, never send it twice blindly: look whether the tenant is still there.
    const found = await writer.findProjects({ names: [], tenantIds: [tenantId] }).catch(() => undefined);
    if (!found) return finish(report, { status: 'unknown', reason: `${err.message}; looking the project up afterwards failed too` });
    if (found.length > 0) return finish(report, { status: 'failed', reason: `${err.settledMessage}; the project is still there` });
  }
  return { ...report, outcome: 'deleted' };
}

/** What changed about a project to delete since the plan read it, if anything did. */
async function sinceThePlan(writer: EnvWriter, project: ProjectPlan, tenantId: string): Promise<string | undefined> {
  const found = await writer.findProjects({ names: [project.name], tenantIds: [tenantId] });
  const byTenant = found.find((ref) => ref.tenant?.id === tenantId);
  const byName = found.find((ref) => ref.name === project.name);
  if (!byTenant) {
    return byName
      ? `the project of this name has another tenant (${byName.tenant?.id.slice(0, 8) ?? 'none'}) now: it was deleted and created again since the plan`
      : 'the project no longer exists: it was deleted since the plan read it';
  }
  if (byTenant.name !== project.name) return `its tenant is project "${byTenant.name}" now: it was renamed since the plan`;
  if ((await writer.getTenantEnv(tenantId)).hash !== project.hash) return 'its env changed since the plan read it';
  return undefined;
}

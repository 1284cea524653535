import { CloudError } from '../cloud/errors.js';
import type { CreatedTenant, CreateTenantInput, ProjectRef, TenantEnv } from '../cloud/types.js';
import type { KeyChange, Plan, ProjectPlan } from '../plan/types.js';
import type { ValueResolver } from '../plan/values.js';
import { mapSettled } from '../util/concurrency.js';
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
}

/**
 * Executes a Plan, driven only by its changes. Per project: updateTenantEnv with the keys to set
 * and the hash the plan read, then deleteTenantEnv with the hash that returned (expand first,
 * contract second); or createTenant, or deleteTenant for a deletion the plan does not refuse (the
 * caller checks that deletions were allowed). Projects run concurrently; one project's failure
 * never stops another.
 */
export async function applyPlan(writer: EnvWriter, plan: Plan, values: ValueResolver, options: ApplyOptions): Promise<ApplyReport> {
  const settled = await mapSettled(plan.projects, options.concurrency, async (project) => {
    const report = await applyProject(writer, project, values);
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

async function applyProject(writer: EnvWriter, project: ProjectPlan, values: ValueResolver): Promise<ProjectReport> {
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

  if (project.action === 'create') return createProject(writer, project, setEnv, report);
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
): Promise<ProjectReport> {
  const options = project.create;
  if (!options) return finish(report, { status: 'failed', reason: 'the project does not exist and has no `create` block' });
  // createTenant has no hash to lock on, so look first: a project of that name made since the plan
  // read (by someone else, or by applying the same saved plan before) makes the plan stale, like a
  // moved hash. The service would otherwise refuse with a uniqueness error, or make a second project.
  let existing: ProjectRef[];
  try {
    existing = await writer.findProjects({ names: [project.name], tenantIds: [] });
  } catch (err) {
    if (!(err instanceof CloudError)) throw err;
    return finish(report, { status: 'failed', reason: err.message });
  }
  if (existing.length > 0)
    return finish(report, { status: 'conflict', reason: 'the project exists now: it was created since the plan read that it did not' });
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

import { CloudError } from '../cloud/errors.js';
import type { ProjectRef } from '../cloud/types.js';
import type { ProjectPlan } from '../plan/types.js';

/** What one lookup shows of a project of the plan, compared with what the plan read. */
export type SinceThePlan =
  /** The name still leads to the tenant the plan read; for a project to create, no project has the name. */
  | { status: 'same' }
  /** A project to delete: its tenant no longer exists and no other project took its name, as the deletion would leave it. */
  | { status: 'gone' }
  /** A project to create exists now: created since the plan, perhaps by applying this same plan before. */
  | { status: 'exists'; tenantId: string }
  /** Renamed, deleted or recreated: a write would reach another project than the one reviewed (conflict, exit 3). */
  | { status: 'moved'; reason: string }
  /** The lookup failed, so nothing may be written. */
  | { status: 'unchecked'; reason: string };

export interface ProjectFinder {
  findProjects(query: { names: string[]; tenantIds: string[] }): Promise<ProjectRef[]>;
}

/**
 * The writes of a plan are locked by each project's config hash, but a hash says nothing of the
 * project's name: a tenant renamed since the plan (and its name given to a new project) keeps its
 * hash, and writing to it would change a project other than the one the report names. So before
 * anything is written, every project that apply writes to is looked up again, all in one request
 * (by name and by tenant id), and each is held to what the plan read.
 */
export async function lookUpSinceThePlan(finder: ProjectFinder, projects: readonly ProjectPlan[]): Promise<Map<string, SinceThePlan>> {
  const writing = projects.filter((p) => p.action !== 'no-op' && !p.refused);
  if (writing.length === 0) return new Map();
  let found: ProjectRef[];
  try {
    found = await finder.findProjects({
      names: writing.map((p) => p.name),
      tenantIds: writing.flatMap((p) => (p.tenantId === undefined ? [] : [p.tenantId.toLowerCase()])),
    });
  } catch (err) {
    if (!(err instanceof CloudError)) throw err;
    const reason = `${err.message}; hcr could not check that the project is still the one the plan read`;
    return new Map(writing.map((p) => [p.name, { status: 'unchecked', reason }]));
  }
  const byName = new Map(found.map((ref) => [ref.name, ref]));
  // Tenant ids are UUIDs, the same whatever the case of their hex digits.
  const byTenant = new Map(found.flatMap((ref) => (ref.tenant ? [[ref.tenant.id.toLowerCase(), ref] as const] : [])));
  return new Map(
    writing.map((p) => [
      p.name,
      compare(p, byName.get(p.name), p.tenantId === undefined ? undefined : byTenant.get(p.tenantId.toLowerCase())),
    ]),
  );
}

function compare(project: ProjectPlan, byName: ProjectRef | undefined, byTenant: ProjectRef | undefined): SinceThePlan {
  if (project.tenantId === undefined) {
    if (!byName) return { status: 'same' };
    return byName.tenant
      ? { status: 'exists', tenantId: byName.tenant.id }
      : {
          status: 'moved',
          reason: 'a project of this name exists now, without a tenant: it was created since the plan read that it did not',
        };
  }
  if (!byTenant) {
    if (byName) {
      const other = byName.tenant?.id.slice(0, 8) ?? 'none';
      return {
        status: 'moved',
        reason: `the project of this name has another tenant (${other}) now: it was deleted and created again since the plan`,
      };
    }
    return project.action === 'delete'
      ? { status: 'gone' }
      : { status: 'moved', reason: 'the project no longer exists: it was deleted since the plan read it' };
  }
  if (byTenant.name !== project.name) {
    const reused = byName ? `, and the name "${project.name}" now leads to another project` : '';
    return { status: 'moved', reason: `its tenant is project "${byTenant.name}" now: it was renamed since the plan${reused}` };
  }
  return { status: 'same' };
}

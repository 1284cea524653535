import type { ProjectRef, TenantEnv, TenantRef } from '../cloud/types.js';
import { CloudError } from '../cloud/errors.js';
import { ValidationError } from '../config/diagnostics.js';
import type { DesiredProject, Diagnostic } from '../config/types.js';
import { UserError } from '../errors.js';
import type { LiveProject, LiveState } from './types.js';
import { mapSettled } from '../util/concurrency.js';
import { plural } from '../util/words.js';

/** Env reads in batches: one settled result per tenant id, in order (CloudClient.getTenantEnvs). */
export interface EnvReader {
  getTenantEnvs(tenantIds: readonly string[]): Promise<PromiseSettledResult<TenantEnv>[]>;
}

/** The reads live state needs: one lookup for all projects, then their envs in batches. */
export interface StateReader extends EnvReader {
  findProjects(query: { names: string[]; tenantIds: string[] }): Promise<ProjectRef[]>;
}

export interface ReadOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** Env reads sent in one request (1: each alone). */
  batchSize: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The envs of these tenants, one settled result per id in order: `batchSize` reads to a request,
 * at most `concurrency` requests in flight. A refused token rejects the whole read.
 */
export async function readEnvs(
  client: EnvReader,
  tenantIds: readonly string[],
  options: ReadOptions,
): Promise<PromiseSettledResult<TenantEnv>[]> {
  const batches: string[][] = [];
  for (let start = 0; start < tenantIds.length; start += options.batchSize) batches.push(tenantIds.slice(start, start + options.batchSize));
  let done = 0;
  const settled = await mapSettled(batches, options.concurrency, async (batch) => {
    const results = await client.getTenantEnvs(batch);
    options.onProgress?.((done += batch.length), tenantIds.length);
    return results;
  });
  return settled.flatMap((batch) => {
    if (batch.status === 'rejected') throw batch.reason;
    return batch.value;
  });
}

/** Live state, and what reading it found to say about the desired projects (at their place in the files). */
export interface LiveRead {
  live: LiveState;
  diagnostics: Diagnostic[];
}

/**
 * Reads the live state of the desired projects: every project resolved to its tenant in ONE lookup
 * (by name, or by the declared tenantId, checked against the name), then every existing project's
 * env read once, in batches (readEnvs). A project that does not exist is left out of the result
 * when it has a `create` block or is marked `destroy` (a note), and is an error otherwise: every
 * such problem at once, a ValidationError at the project's place in the files.
 */
export async function readLive(client: StateReader, projects: DesiredProject[], options: ReadOptions): Promise<LiveRead> {
  const { tenants, diagnostics } = await resolveTenants(client, projects);
  const existing = projects.filter((p) => tenants.has(p.name));
  const results = await readEnvs(
    client,
    existing.map((project) => tenants.get(project.name)!.id),
    options,
  );

  const failures: { name: string; err: CloudError }[] = [];
  const live = new Map<string, LiveProject>();
  results.forEach((result, i) => {
    const project = existing[i]!;
    if (result.status === 'fulfilled') {
      const tenant = tenants.get(project.name)!;
      live.set(project.name, { tenantId: tenant.id, maintenance: tenant.maintenance_mode === true, ...result.value });
    } else {
      const err = result.reason;
      if (!(err instanceof CloudError) || err.kind === 'not-authorized') throw err;
      failures.push({ name: project.name, err });
    }
  });
  if (failures.length > 0) {
    const lines = failures.map(({ name, err }) => `  ${name}: ${err.message}`);
    // Worth running again later only when every read failed for a reason that passes.
    const kind = failures.every(({ err }) => err.transient) ? 'network' : 'service';
    throw new UserError(`could not read the live env of ${plural(failures.length, 'project')}:\n${lines.join('\n')}`, kind);
  }
  return { live, diagnostics };
}

async function resolveTenants(
  client: StateReader,
  projects: DesiredProject[],
): Promise<{ tenants: Map<string, TenantRef>; diagnostics: Diagnostic[] }> {
  // UUIDs compare whatever the case of their hex digits.
  const tenantOf = (p: DesiredProject) => p.tenantId?.toLowerCase();
  const names = projects.filter((p) => !p.tenantId).map((p) => p.name);
  const tenantIds = projects.flatMap((p) => tenantOf(p) ?? []);
  const found = names.length + tenantIds.length > 0 ? await client.findProjects({ names, tenantIds }) : [];
  const byName = new Map(found.map((ref) => [ref.name, ref]));
  const byTenant = new Map(found.flatMap((ref) => (ref.tenant ? [[ref.tenant.id.toLowerCase(), ref] as const] : [])));

  const problems: Diagnostic[] = [];
  const notes: Diagnostic[] = [];
  const problem = (project: DesiredProject, message: string) => problems.push({ at: project.at, message });
  const tenants = new Map<string, TenantRef>();
  for (const project of projects) {
    const tenantId = tenantOf(project);
    const ref = tenantId ? byTenant.get(tenantId) : byName.get(project.name);
    if (project.tenantId && !ref && !project.destroy) {
      problem(project, `project "${project.name}": no project has tenantId ${project.tenantId}`);
    } else if (project.tenantId && ref && ref.name !== project.name) {
      problem(
        project,
        `project "${project.name}": tenantId ${project.tenantId} belongs to project "${ref.name}"; fix the name or the tenantId`,
      );
    } else if (!ref) {
      if (project.destroy) {
        notes.push({
          at: project.at,
          severity: 'info',
          message: `${project.name} is marked destroy: true and does not exist: nothing to do; remove it from the file when you like`,
        });
      } else if (!project.create) {
        problem(
          project,
          `project "${project.name}" does not exist in Hasura Cloud; fix the name, set its tenantId, or add a \`create:\` block to create it`,
        );
      }
    } else if (!ref.tenant) {
      problem(project, `project "${project.name}" has no tenant; it cannot be managed`);
    } else {
      tenants.set(project.name, ref.tenant);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { tenants, diagnostics: notes };
}

import type { JobRecord, ProjectRecord } from './records.js';

/** The store's state as the data file keeps it. */
export interface StoreSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  projects: readonly ProjectRecord[];
  jobs: readonly JobRecord[];
}

export const SNAPSHOT_FORMAT = 'hcr-emulator/1';

/** Checks that a value read from a data file is a snapshot this version wrote. */
export function parseSnapshot(value: unknown): StoreSnapshot {
  const fail = (what: string): never => {
    throw new Error(`not an emulator data file (${what})`);
  };
  if (typeof value !== 'object' || value === null) return fail('not a JSON object');
  const v = value as Partial<StoreSnapshot>;
  if (v.format !== SNAPSHOT_FORMAT) return fail(`format is not "${SNAPSHOT_FORMAT}"`);
  if (!Array.isArray(v.projects) || !Array.isArray(v.jobs)) return fail('projects and jobs must be arrays');
  const strings = (o: object, keys: string[]) => keys.every((k) => typeof (o as Record<string, unknown>)[k] === 'string');
  v.projects.forEach((p: ProjectRecord | null, i) => {
    const ok =
      typeof p === 'object' &&
      p !== null &&
      strings(p, ['projectId', 'tenantId', 'name', 'cloud', 'region', 'plan', 'createdAt', 'updatedAt']) &&
      Number.isInteger(p.writes) &&
      typeof p.maintenance === 'boolean' &&
      typeof p.env === 'object' &&
      p.env !== null &&
      Object.values(p.env).every((x) => typeof x === 'string');
    if (!ok) fail(`projects[${i}] is malformed`);
  });
  v.jobs.forEach((j: JobRecord | null, i) => {
    const ok = typeof j === 'object' && j !== null && strings(j, ['id', 'status', 'createdAt', 'updatedAt']) && Array.isArray(j.tasks);
    if (!ok) fail(`jobs[${i}] is malformed`);
  });
  return v as StoreSnapshot;
}

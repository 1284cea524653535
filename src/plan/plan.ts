import { globMatcher } from '../config/glob.js';
import type { Desired, DesiredProject } from '../config/types.js';
import { compareKeys, diffEnv, type EnvDiff } from './diff.js';
import { CREATE_MARKER } from './marker.js';
import { looksSecret } from './looks-secret.js';
import type { LiveProject, LiveState } from '../state/types.js';
import type { KeyChange, Plan, PlanSummary, ProjectPlan } from './types.js';

/**
 * Keys Hasura Cloud manages itself; `prune` never deletes them (only `remove` does), after users
 * of other sync tools lost their admin secret and database URLs that way.
 */
const CLOUD_MANAGED = /^HASURA_/;

export interface PlanOptions {
  /** Whether a project marked `destroy` may be deleted (`--allow-destroy`); without it the deletion is refused. */
  allowDestroy?: boolean;
}

/** The changes that make `live` equal `desired`: pure and deterministic — sorted by project, then key; no I/O, no secrets. */
export function planChanges(desired: Desired, live: LiveState, options: PlanOptions = {}): Plan {
  const projects = desired.projects
    .map((project) => planProject(project, live.get(project.name), desired.sensitiveKeys, options))
    .sort((a, b) => compareKeys(a.name, b.name));
  return { format_version: 1, projects, summary: summarize(projects) };
}

function planProject(
  project: DesiredProject,
  live: LiveProject | undefined,
  sensitiveKeys: ReadonlySet<string>,
  options: PlanOptions,
): ProjectPlan {
  if (project.destroy) return planDestroy(project, live, options);
  const desiredEnv = Object.fromEntries(Object.entries(project.env).map(([key, v]) => [key, v.value]));
  const toKeyChange = (d: EnvDiff) => keyChange(project, sensitiveKeys, d);
  if (!live) {
    return {
      name: project.name,
      action: 'create',
      env: diffEnv({}, desiredEnv).map(toKeyChange),
      unmanaged: 0,
      ...(project.create ? { create: project.create } : {}),
    };
  }

  const ignored = globMatcher(project.ignore);
  const removed = new Set(project.remove);
  const managed = (key: string): boolean =>
    Object.hasOwn(project.env, key) ||
    removed.has(key) ||
    key === CREATE_MARKER ||
    (project.prune && !ignored(key) && !CLOUD_MANAGED.test(key));
  const managedLive = Object.fromEntries(Object.entries(live.env).filter(([key]) => managed(key)));

  const env = diffEnv(managedLive, desiredEnv).map(toKeyChange);
  return {
    name: project.name,
    tenantId: live.tenantId,
    hash: live.hash,
    action: env.length > 0 ? 'update' : 'no-op',
    env,
    unmanaged: Object.keys(live.env).length - Object.keys(managedLive).length,
  };
}

/** A project to destroy that is already gone has nothing to do; one that exists is a delete, perhaps refused. */
function planDestroy(project: DesiredProject, live: LiveProject | undefined, options: PlanOptions): ProjectPlan {
  if (!live) return { name: project.name, action: 'no-op', env: [], unmanaged: 0 };
  const refused = project.protect ? 'protected' : options.allowDestroy ? undefined : 'needs-allow-destroy';
  return {
    name: project.name,
    tenantId: live.tenantId,
    hash: live.hash,
    action: 'delete',
    env: [],
    unmanaged: 0,
    ...(refused && { refused }),
  };
}

/**
 * Where hcr decides what every view may show. A change is sensitive, and shows neither side, when
 * its desired value is sensitive, when any file declares its key sensitive, or when its key, its
 * live value or its desired value looks secret: a live value hcr cannot be sure is no secret is
 * hidden even where a plain value replaces it, and the plain value with it (the two sides of one
 * change are shown together or not at all).
 */
function keyChange(project: DesiredProject, sensitiveKeys: ReadonlySet<string>, d: EnvDiff): KeyChange {
  const declared = d.action === 'remove' ? undefined : project.env[d.key]!;
  const sensitive =
    declared?.sensitive === true ||
    sensitiveKeys.has(d.key) ||
    looksSecret(d.key, d.before) ||
    (d.after !== undefined && looksSecret(d.key, d.after));
  if (!sensitive) return { ...d, sensitive: false };
  return { key: d.key, action: d.action, sensitive: true, ...(declared && { source: declared.source }) };
}

/** The plan's counts, always derived from its projects (also to check a saved plan's). */
export function summarize(projects: readonly ProjectPlan[]): PlanSummary {
  const summary: PlanSummary = { add: 0, change: 0, remove: 0, create_projects: 0, delete_projects: 0, refused_delete_projects: 0 };
  for (const p of projects) {
    if (p.action === 'create') summary.create_projects++;
    if (p.action === 'delete') summary[p.refused ? 'refused_delete_projects' : 'delete_projects']++;
    for (const change of p.env) summary[change.action]++;
  }
  return summary;
}

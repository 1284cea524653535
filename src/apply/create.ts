import { randomBytes } from 'node:crypto';
import { CloudError } from '../cloud/errors.js';
import type { CreatedTenant, CreateTenantInput, ProjectRef, TenantEnv } from '../cloud/types.js';
import type { CreateOptions } from '../config/types.js';
import { CREATE_MARKER } from '../plan/marker.js';
import { readEnvs } from '../state/read.js';
import { plural } from '../util/words.js';

/**
 * A service that ignores the name asked for (docs/hasura-cloud-api.md) leaves nothing but the env to know a created
 * project by, so hcr marks each project it creates with CREATE_MARKER until the project has its
 * name and env: a create whose answer was lost is found by it, in this run or the next, and never
 * made twice. Its value is `NAME/NONCE`: the project it is for, and the attempt.
 */
export const newMarker = (name: string): string => `${name}/${randomBytes(8).toString('hex')}`;

/** The calls that make a project and look for one made; EnvWriter has them all. */
export interface CreateWriter {
  findProjects(query: { names: string[]; tenantIds: string[] }): Promise<ProjectRef[]>;
  listProjectsInRegion(region: string): Promise<ProjectRef[]>;
  getTenantEnvs(tenantIds: readonly string[]): Promise<PromiseSettledResult<TenantEnv>[]>;
  createTenant(input: CreateTenantInput): Promise<CreatedTenant>;
}

/** How reads of many envs are sent (as for reading live state). */
export interface ReadLimits {
  concurrency: number;
  batchSize: number;
}

/** A project that hcr made, or found it had made, before its env, name and marker are settled. */
export interface Made {
  tenantId: string;
  name: string;
  /** The marker it was made with or found by; absent when it was made without env. */
  marker?: string;
}

export type Creation =
  { status: 'made'; made: Made; steps: string[] } | { status: 'conflict' | 'failed' | 'unknown'; reason: string; steps: string[] };

/**
 * Makes the project, or finds that an earlier run made it. Before anything is sent, its name must
 * still be free, and no project of its region may carry a marker for it. Then one createTenant
 * with its env and a new marker. When that fails, the region is listed again: a project that
 * appeared with the marker (or the name) is the one made; when none appeared and the service
 * answered with a server error, as it has for a create with env on the free plan (docs/hasura-cloud-api.md), the
 * project is created once more without env (its env is then set with updateTenantEnv). Nothing is
 * ever sent again when a project appeared that hcr cannot tell apart from its own.
 */
export async function makeProject(
  writer: CreateWriter,
  name: string,
  options: CreateOptions,
  env: Record<string, string>,
  limits: ReadLimits,
): Promise<Creation> {
  const steps: string[] = [];
  const region = options.region;
  const stop = (status: 'conflict' | 'failed' | 'unknown', reason: string): Creation => ({ status, reason, steps });
  const made = (project: Made, step: string): Creation => {
    steps.push(step);
    return { status: 'made', made: project, steps };
  };
  /** After a failed create, when no project appeared: not made, or not known to be. */
  const notMade = (err: CloudError, next: string): Creation =>
    lost(err)
      ? stop(
          'unknown',
          `${err.message}; no project of this name or with hcr's marker appeared in ${region}, so hcr did not send it again. ${next}`,
        )
      : stop('failed', `${err.settledMessage}; no project appeared in ${region}: nothing was created`);

  if (Object.hasOwn(env, CREATE_MARKER)) {
    return stop(
      'failed',
      `its env declares ${CREATE_MARKER}, the key hcr marks a project it creates with: rename that key (nothing was created)`,
    );
  }

  let before: ProjectRef[];
  let earlier: Marked;
  try {
    // createTenant has no hash to lock on, so look first: a project of that name made since the plan
    // read (by someone else, or by applying the same saved plan before) makes the plan stale.
    if ((await writer.findProjects({ names: [name], tenantIds: [] })).length > 0) {
      return stop('conflict', 'the project exists now: it was created since the plan read that it did not');
    }
    before = await writer.listProjectsInRegion(region);
    earlier = await markersOf(writer, before, limits);
  } catch (err) {
    if (!(err instanceof CloudError)) throw err;
    return stop('failed', `${err.message} (nothing was created)`);
  }
  const found = before.filter((p) => markedFor(earlier.markers.get(p.id)) === name);
  if (found.length > 1) {
    return stop(
      'unknown',
      `projects ${quoted(found)} in ${region} all carry hcr's marker ${CREATE_MARKER} for it: earlier runs created it more than once. ` +
        `Keep one (rename it to ${name}, and hcr manages it) and delete the others; nothing was created`,
    );
  }
  if (found[0]) {
    const [project] = found;
    return made(
      { tenantId: project.tenant!.id, name: project.name, marker: earlier.markers.get(project.id) },
      `found ${project.name}, which an earlier run created for it (it carries hcr's marker ${CREATE_MARKER}); nothing was created`,
    );
  }
  if (earlier.unreadable.length > 0) {
    return stop(
      'failed',
      `could not read the env of ${plural(earlier.unreadable.length, 'project')} in ${region} (${earlier.unreadable.join(', ')}) ` +
        'to check that no earlier run created it; nothing was created',
    );
  }

  const marker = newMarker(name);
  const withEnv = await attempt(writer, { ...options, name, envs: { ...env, [CREATE_MARKER]: marker } });
  if (!(withEnv instanceof CloudError)) {
    return made({ ...withEnv, marker }, `createTenant with its env and hcr's marker ${CREATE_MARKER}=${marker}`);
  }
  const first = await lookAfter(writer, withEnv, { region, before, name, marker }, limits);
  if (first.status !== 'nothing') return first.status === 'mine' ? made(first.made, first.step) : stop('unknown', first.reason);
  if (withEnv.kind !== 'server') return notMade(withEnv, 'The next apply looks for its marker before creating anything.');

  steps.push(`${withEnv.settledMessage} (sent with its env); no project appeared in ${region}, so hcr created it without env`);
  const bare = await attempt(writer, { ...options, name, envs: {} });
  if (!(bare instanceof CloudError)) return { status: 'made', made: bare, steps };
  const second = await lookAfter(writer, bare, { region, before: first.after, name }, limits);
  if (second.status !== 'nothing') return second.status === 'mine' ? made(second.made, second.step) : stop('unknown', second.reason);
  return notMade(
    bare,
    `A project created without env carries no marker: if one appears under another name, rename it to ${name} before the next apply, or that apply creates another.`,
  );
}

/** createTenant's answer, or the CloudError it failed with. */
async function attempt(writer: CreateWriter, input: CreateTenantInput): Promise<CreatedTenant | CloudError> {
  try {
    return await writer.createTenant(input);
  } catch (err) {
    if (err instanceof CloudError) return err;
    throw err;
  }
}

/** Whether the request may have reached the service: its answer, not its refusal, is what is missing. */
const lost = (err: CloudError): boolean => err.kind === 'network' || err.kind === 'timeout';

type Look =
  { status: 'mine'; made: Made; step: string } | { status: 'nothing'; after: ProjectRef[] } | { status: 'unsure'; reason: string };

/**
 * After a createTenant that failed: the projects that appeared in the region since `before`. One
 * with the name asked for, or with this attempt's marker, is the one made. One with another
 * project's marker is someone else's create; any other (or one whose env cannot be read) may be
 * this one, made without its env, so hcr is unsure and sends nothing more.
 */
async function lookAfter(
  writer: CreateWriter,
  err: CloudError,
  asked: { region: string; before: ProjectRef[]; name: string; marker?: string },
  limits: ReadLimits,
): Promise<Look> {
  if (err.kind === 'not-authorized') return { status: 'nothing', after: asked.before };
  let after: ProjectRef[];
  let seen: Marked;
  const known = new Set(asked.before.map((p) => p.id));
  try {
    after = await writer.listProjectsInRegion(asked.region);
    seen = await markersOf(
      writer,
      after.filter((p) => !known.has(p.id)),
      limits,
    );
  } catch (lookErr) {
    const why = lookErr instanceof CloudError ? lookErr.message : String(lookErr);
    return { status: 'unsure', reason: `${err.message}; looking for the project afterwards failed too (${why}). ${NEXT_RUN}` };
  }
  const appeared = after.filter((p) => !known.has(p.id));
  const mine = appeared.find((p) => p.name === asked.name || (asked.marker !== undefined && seen.markers.get(p.id) === asked.marker));
  if (mine?.tenant) {
    const by = mine.name === asked.name ? 'by its name' : `as ${mine.name}, by its marker`;
    return {
      status: 'mine',
      made: { tenantId: mine.tenant.id, name: mine.name, ...(asked.marker === undefined ? {} : { marker: asked.marker }) },
      step: `${err.settledMessage}, but the project had been created: hcr found it ${by}`,
    };
  }
  // A marker for another project is someone else's create; one for this project, another run's.
  const unsure = appeared.filter((p) => [undefined, asked.name].includes(markedFor(seen.markers.get(p.id))));
  if (unsure.length === 0) return { status: 'nothing', after };
  return {
    status: 'unsure',
    reason:
      `${err.message}; meanwhile ${plural(unsure.length, 'project')} appeared in ${asked.region} without hcr's marker (${quoted(unsure)}), ` +
      `which may be the one asked for, created without its env. hcr created nothing more: if one is it, rename it to ${asked.name} ` +
      '(hcr then manages it) and delete any other that is a stray; else run apply again',
  };
}

const NEXT_RUN = "The next apply looks for a project with hcr's marker before creating anything.";

interface Marked {
  /** By project id: the marker a project carries. */
  markers: Map<string, string>;
  /** Names of the projects whose env could not be read. */
  unreadable: string[];
}

async function markersOf(writer: CreateWriter, projects: ProjectRef[], limits: ReadLimits): Promise<Marked> {
  const withTenant = projects.filter((p) => p.tenant);
  const envs = await readEnvs(
    writer,
    withTenant.map((p) => p.tenant!.id),
    limits,
  );
  const marked: Marked = { markers: new Map(), unreadable: [] };
  envs.forEach((result, i) => {
    const project = withTenant[i]!;
    // A project deleted since the listing (by this very apply, perhaps) carries no marker any more.
    const gone = result.status === 'rejected' && result.reason instanceof CloudError && result.reason.kind === 'not-found';
    if (result.status === 'rejected' && !gone) marked.unreadable.push(project.name);
    else if (result.status === 'fulfilled' && Object.hasOwn(result.value.env, CREATE_MARKER))
      marked.markers.set(project.id, result.value.env[CREATE_MARKER]!);
  });
  return marked;
}

/** The project name a marker is for. */
function markedFor(marker: string | undefined): string | undefined {
  const at = marker?.lastIndexOf('/') ?? -1;
  return at < 0 ? undefined : marker!.slice(0, at);
}

const quoted = (projects: ProjectRef[]): string => projects.map((p) => p.name).join(', ');

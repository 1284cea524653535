import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  DUPLICATE_NAME,
  INVALID_INPUT_CODE,
  MAINTENANCE,
  NOTHING_CHANGED,
  STALE_HASH,
  TENANT_NOT_FOUND,
  invalidInput,
  previewFailure,
  type HasuraErrorText,
} from './messages.js';
import { gitHubProblem, type PreviewAppPayload } from './preview.js';

export const CLOUDS: readonly string[] = ['aws'];
export const PLANS: readonly string[] = ['cloud_free', 'cloud_payg'];
/** The plan of a project created without one. */
export const DEFAULT_PLAN = 'cloud_free';
export const ADMIN_SECRET_KEY = 'HASURA_GRAPHQL_ADMIN_SECRET';

/** One Hasura Cloud project and the tenant behind it (always 1:1, so one record). */
export interface ProjectRecord {
  projectId: string;
  tenantId: string;
  name: string;
  cloud: string;
  region: string;
  plan: string;
  env: Record<string, string>;
  /** Accepted env writes so far; part of the hash so that every write changes it. */
  writes: number;
  maintenance: boolean;
  /** Made by a preview-app job, which may redeploy it; absent for any other project. */
  previewApp?: true;
  /**
   * Env keys the project's metadata refers to (a remote schema's `{{URL}}`, a header's
   * `value_from_env`): while one is missing the metadata is inconsistent. A preview app's metadata
   * refers to the env its job was given.
   */
  metadataEnv?: string[];
  createdAt: string;
  updatedAt: string;
}

export interface TaskEventRecord {
  id: string;
  eventType: string;
  publicEventData: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
}

export interface TaskRecord {
  id: string;
  name: string;
  cloud: string | null;
  region: string | null;
  createdAt: string;
  updatedAt: string;
  events: TaskEventRecord[];
}

export type JobStatus = 'running' | 'success' | 'failed' | 'skipped';

/** What a preview-app job will do when it runs: decided (and validated) when it is scheduled. */
export type PreviewOutcome =
  | { error: string }
  | { project: { name: string; cloud: string; region: string; plan: string; env: Record<string, string>; metadataEnv?: string[] } };

export interface JobRecord {
  id: string;
  /** The project name the payload asked for, when it had one. */
  name: string | null;
  status: JobStatus;
  createdAt: string;
  updatedAt: string;
  tasks: TaskRecord[];
  outcome: PreviewOutcome;
}

export interface StoreSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  projects: ProjectRecord[];
  jobs: JobRecord[];
}

export interface EnvEntry {
  key: string;
  value: string;
}
/** A map, or a list as GraphQL passes it (`[UpdateEnvsObject]` allows null items, which are skipped). */
export type EnvInput = Record<string, string> | readonly (EnvEntry | null)[];

export interface EnvState {
  hash: string;
  env: Record<string, string>;
}

export interface CreateProjectInput {
  /** When absent a random valid name is chosen. */
  name?: string;
  cloud?: string;
  region?: string;
  plan?: string;
  env?: EnvInput;
  /** For seeding a project that desired state names by tenantId; Cloud picks one itself. */
  tenantId?: string;
  /** Made by a preview-app job (see ProjectRecord.previewApp). */
  previewApp?: boolean;
  metadataEnv?: string[];
}

export interface CreatedProject {
  projectId: string;
  tenantId: string;
  name: string;
}

export type StoreErrorKind = 'not-found' | 'conflict' | 'nothing-changed' | 'maintenance' | 'duplicate-name' | 'invalid';

const ERROR_TEXTS: Record<Exclude<StoreErrorKind, 'invalid'>, HasuraErrorText> = {
  'not-found': TENANT_NOT_FOUND,
  conflict: STALE_HASH,
  'nothing-changed': NOTHING_CHANGED,
  maintenance: MAINTENANCE,
  'duplicate-name': DUPLICATE_NAME,
};

/** A refused operation. `message` and `code` are what the service answers (see messages.ts). */
export class StoreError extends Error {
  override name = 'StoreError';
  readonly code: string;
  constructor(
    readonly kind: StoreErrorKind,
    detail?: string,
  ) {
    const text = kind === 'invalid' ? { message: detail ?? '', code: INVALID_INPUT_CODE } : ERROR_TEXTS[kind];
    super(text.message);
    this.code = text.code;
  }
}

const SNAPSHOT_FORMAT = 'hcr-emulator/1';
const NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const PREVIEW_TASK_NAME = 'create-preview-app';

export const endpointOf = (name: string): string => `https://${name}.hasura.app/v1/graphql`;

/** Hasura's timestamptz rendering. */
const now = (): string => new Date().toISOString().replace('Z', '+00:00');

const sortedEnv = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The hash and the sorted env of a record as it is now; frozen, because the store hands out the same object until the next write. */
function envStateOf(record: ProjectRecord): EnvState {
  const env = Object.freeze(sortedEnv(record.env));
  const canonical = JSON.stringify([record.tenantId, record.writes, Object.entries(env)]);
  return Object.freeze({ hash: createHash('sha1').update(canonical).digest('hex'), env });
}

function entriesOf(input: EnvInput | null | undefined): [string, string][] {
  if (!input) return [];
  if (!Array.isArray(input)) return Object.entries(input);
  return (input as readonly (EnvEntry | null)[]).flatMap((e) => (e ? [[e.key, e.value] as [string, string]] : []));
}

/** Env maps are built with defineProperty semantics so that a key like `__proto__` is kept as data. */
const envFrom = (entries: Iterable<[string, string]>): Record<string, string> => Object.fromEntries(entries);

export const isValidName = (name: string): boolean => NAME_PATTERN.test(name);

/** The keys the project's metadata refers to that its env lacks: while there are any, the metadata is inconsistent. */
export const missingMetadataEnv = (record: Readonly<ProjectRecord>): string[] =>
  (record.metadataEnv ?? []).filter((key) => !Object.hasOwn(record.env, key));

/** What createTenant refuses in its arguments, which a preview job fails for instead. */
function projectOptionsProblem(o: { name?: string; cloud: string; region: string; plan: string }): string | undefined {
  if (o.name !== undefined && !isValidName(o.name)) return invalidInput.name(o.name);
  if (!CLOUDS.includes(o.cloud)) return invalidInput.cloud(o.cloud, CLOUDS);
  if (!PLANS.includes(o.plan)) return invalidInput.plan(o.plan, PLANS);
  if (o.region.trim() === '') return invalidInput.region();
  return undefined;
}

const clone = <T>(value: T): T => structuredClone(value);

/**
 * The emulated service's state and every rule about changing it. All methods are synchronous,
 * so a check and the write it guards can never interleave with another request: two writers
 * sending the same hash are decided here, one after the other.
 *
 * Project names are unique (API.md), and these are all the rules about a name already taken:
 * - createTenant and updateTenantName refuse it with the database's uniqueness violation;
 * - a preview job redeploys the preview app of that name (as every push to a pull request does),
 *   but fails, touching nothing, when the name belongs to a project it did not make;
 * - a new preview job skips one still running for the same name.
 */
export class Store {
  /** By tenant id, in creation order (the order listings answer in). */
  private readonly projects = new Map<string, ProjectRecord>();
  private readonly byProjectId = new Map<string, ProjectRecord>();
  private readonly byName = new Map<string, ProjectRecord>();
  /** Every read of a project until its next write answers the same hash and env: computed once. */
  private readonly envStates = new WeakMap<ProjectRecord, EnvState>();
  private readonly jobs = new Map<string, JobRecord>();
  private readonly listeners = new Set<() => void>();
  /** Increases on every change; the data file uses it to know what it has written. */
  private revision = 0;

  constructor(snapshot?: StoreSnapshot) {
    for (const p of snapshot?.projects ?? []) this.add(clone(p));
    for (const j of snapshot?.jobs ?? []) this.jobs.set(j.id, clone(j));
  }

  get version(): number {
    return this.revision;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): StoreSnapshot {
    return clone(this.state());
  }

  /** The data file's text: serialized straight from the state, which a copy first would double. */
  snapshotText(): string {
    return `${JSON.stringify(this.state(), null, 2)}\n`;
  }

  listProjects(): ProjectRecord[] {
    return clone([...this.projects.values()]);
  }

  findProjectByName(name: string): ProjectRecord | undefined {
    const found = this.byName.get(name);
    return found && clone(found);
  }

  getTenant(tenantId: string): ProjectRecord | undefined {
    const found = this.projects.get(tenantId);
    return found && clone(found);
  }

  getProject(projectId: string): ProjectRecord | undefined {
    const found = this.byProjectId.get(projectId);
    return found && clone(found);
  }

  /**
   * The records themselves, not copies, for readers that only look and finish before the store
   * changes again (the GraphQL resolvers, which run synchronously): copying every project per
   * request would make the emulator the bottleneck of a benchmark.
   */
  projectRecords(): readonly Readonly<ProjectRecord>[] {
    return [...this.projects.values()];
  }

  tenantRecord(tenantId: string): Readonly<ProjectRecord> | undefined {
    return this.projects.get(tenantId);
  }

  projectRecord(projectId: string): Readonly<ProjectRecord> | undefined {
    return this.byProjectId.get(projectId);
  }

  jobRecord(jobId: string): Readonly<JobRecord> | undefined {
    return this.jobs.get(jobId);
  }

  /** Like createTenant: Cloud sets a random admin secret, then the given env is applied over it. */
  createProject(input: CreateProjectInput = {}): CreatedProject {
    const options = { cloud: input.cloud ?? 'aws', region: input.region ?? 'us-east-2', plan: input.plan ?? DEFAULT_PLAN };
    const problem = projectOptionsProblem({ ...options, name: input.name });
    if (problem) throw new StoreError('invalid', problem);
    if (input.name !== undefined && this.byName.has(input.name)) throw new StoreError('duplicate-name');
    if (input.tenantId !== undefined && this.projects.has(input.tenantId))
      throw new StoreError('invalid', `tenant ${input.tenantId} exists`);
    const name = input.name ?? this.randomName();
    const at = now();
    const record: ProjectRecord = {
      projectId: randomUUID(),
      tenantId: input.tenantId ?? randomUUID(),
      name,
      ...options,
      env: envFrom([[ADMIN_SECRET_KEY, randomBytes(24).toString('base64url')], ...entriesOf(input.env)]),
      writes: 1,
      maintenance: false,
      ...(input.previewApp ? { previewApp: true as const } : {}),
      ...(input.metadataEnv?.length ? { metadataEnv: [...input.metadataEnv] } : {}),
      createdAt: at,
      updatedAt: at,
    };
    this.add(record);
    this.changed();
    return { projectId: record.projectId, tenantId: record.tenantId, name };
  }

  deleteTenant(tenantId: string): void {
    const record = this.record(tenantId);
    this.projects.delete(tenantId);
    this.byProjectId.delete(record.projectId);
    this.byName.delete(record.name);
    this.changed();
  }

  renameTenant(tenantId: string, name: string): ProjectRecord {
    const record = this.record(tenantId);
    if (!isValidName(name)) throw new StoreError('invalid', invalidInput.name(name));
    const holder = this.byName.get(name);
    if (holder && holder !== record) throw new StoreError('duplicate-name');
    this.byName.delete(record.name);
    this.byName.set(name, record);
    record.name = name;
    record.updatedAt = now();
    this.changed();
    return clone(record);
  }

  /** The project's hash and env, sorted by key; the same frozen object until the next write. */
  getEnv(tenantId: string): EnvState {
    return this.envState(this.record(tenantId));
  }

  /** updateTenantEnv: sets the keys given, keeps every other key. */
  updateEnv(tenantId: string, currentHash: string, entries: EnvInput): EnvState {
    const record = this.writable(tenantId, currentHash);
    const changes = [...new Map(entriesOf(entries))].filter(([key, value]) => !Object.hasOwn(record.env, key) || record.env[key] !== value);
    if (changes.length === 0) throw new StoreError('nothing-changed');
    record.env = envFrom([...Object.entries(record.env), ...changes]);
    return this.committed(record);
  }

  /** deleteTenantEnv: removes the keys given that exist. */
  deleteEnv(tenantId: string, currentHash: string, keys: readonly string[]): EnvState {
    const record = this.writable(tenantId, currentHash);
    const doomed = new Set(keys.filter((key) => Object.hasOwn(record.env, key)));
    if (doomed.size === 0) throw new StoreError('nothing-changed');
    record.env = envFrom(Object.entries(record.env).filter(([key]) => !doomed.has(key)));
    return this.committed(record);
  }

  /** An out-of-band edit (someone using the console): replaces the env, ignores hash and maintenance. */
  setEnv(tenantId: string, env: Record<string, string>): EnvState {
    const record = this.record(tenantId);
    record.env = envFrom(Object.entries(env));
    return this.committed(record);
  }

  setMaintenance(tenantId: string, on: boolean): void {
    const record = this.record(tenantId);
    record.maintenance = on;
    record.updatedAt = now();
    this.changed();
  }

  /**
   * createGitHubPreviewApp: validates now, runs when finishPreviewJob is called. The newest job
   * for a name wins: one still running for the same name is skipped, as a push that arrives
   * while the previous one is building makes that build pointless. With `dropEnv` the job
   * builds the project without the payload's env (the preview-drops-env quirk), while its
   * metadata still refers to those keys.
   */
  createPreviewJob(payload: PreviewAppPayload | null, { dropEnv = false } = {}): string {
    const at = now();
    const name = payload?.projectOptions.name ?? null;
    const job: JobRecord = {
      id: randomUUID(),
      name,
      status: 'running',
      createdAt: at,
      updatedAt: at,
      tasks: [
        {
          id: randomUUID(),
          name: PREVIEW_TASK_NAME,
          cloud: payload?.projectOptions.cloud ?? null,
          region: payload?.projectOptions.region ?? null,
          createdAt: at,
          updatedAt: at,
          events: [{ id: randomUUID(), eventType: 'scheduled', publicEventData: null, error: null, createdAt: at }],
        },
      ],
      outcome: previewOutcome(payload, dropEnv),
    };
    if (name !== null) {
      for (const older of this.jobs.values()) {
        if (older.status === 'running' && older.name === name) finishJob(older, 'skipped', null, previewFailure.superseded(name, job.id));
      }
    }
    this.jobs.set(job.id, job);
    this.changed();
    return job.id;
  }

  /**
   * Runs a scheduled preview job: creates the project, or, as preview apps are redeployed,
   * sets the env of the preview app of that name. Finishing a finished job does nothing.
   */
  finishPreviewJob(jobId: string): JobRecord | undefined {
    const job = this.jobs.get(jobId);
    if (!job || job.status !== 'running') return job && clone(job);
    const result = this.runPreview(job.outcome);
    if ('error' in result) finishJob(job, 'failed', null, result.error);
    else finishJob(job, 'success', { projectId: result.projectId, githubDeploymentJobID: randomUUID() }, null);
    this.changed();
    return clone(job);
  }

  getJob(jobId: string): JobRecord | undefined {
    const found = this.jobs.get(jobId);
    return found && clone(found);
  }

  runningJobIds(): string[] {
    return [...this.jobs.values()].filter((j) => j.status === 'running').map((j) => j.id);
  }

  private runPreview(outcome: PreviewOutcome): { error: string } | { projectId: string } {
    if ('error' in outcome) return outcome;
    const existing = this.byName.get(outcome.project.name);
    if (!existing) return { projectId: this.createProject({ ...outcome.project, previewApp: true }).projectId };
    if (!existing.previewApp) return { error: previewFailure.nameTaken(existing.name) };
    existing.env = envFrom([...Object.entries(existing.env), ...Object.entries(outcome.project.env)]);
    if (outcome.project.metadataEnv?.length) existing.metadataEnv = outcome.project.metadataEnv;
    else delete existing.metadataEnv;
    this.committed(existing);
    return { projectId: existing.projectId };
  }

  private state(): StoreSnapshot {
    return { format: SNAPSHOT_FORMAT, projects: [...this.projects.values()], jobs: [...this.jobs.values()] };
  }

  private record(tenantId: string): ProjectRecord {
    const record = this.projects.get(tenantId);
    if (!record) throw new StoreError('not-found');
    return record;
  }

  private writable(tenantId: string, currentHash: string): ProjectRecord {
    const record = this.record(tenantId);
    if (record.maintenance) throw new StoreError('maintenance');
    if (this.envState(record).hash !== currentHash) throw new StoreError('conflict');
    return record;
  }

  private committed(record: ProjectRecord): EnvState {
    record.writes += 1;
    record.updatedAt = now();
    this.envStates.delete(record);
    this.changed();
    return this.envState(record);
  }

  private envState(record: ProjectRecord): EnvState {
    let state = this.envStates.get(record);
    if (!state) {
      state = envStateOf(record);
      this.envStates.set(record, state);
    }
    return state;
  }

  private add(record: ProjectRecord): void {
    this.projects.set(record.tenantId, record);
    this.byProjectId.set(record.projectId, record);
    this.byName.set(record.name, record);
  }

  private randomName(): string {
    for (;;) {
      const name = `project-${randomBytes(5).toString('hex')}`;
      if (!this.byName.has(name)) return name;
    }
  }

  private changed(): void {
    this.revision += 1;
    for (const listener of this.listeners) listener();
  }
}

function previewOutcome(payload: PreviewAppPayload | null, dropEnv: boolean): PreviewOutcome {
  if (!payload) return { error: invalidInput.missingPayload() };
  const o = payload.projectOptions;
  const error = gitHubProblem(payload) ?? projectOptionsProblem(o);
  if (error) return { error };
  const env = envFrom(entriesOf(o.envVars));
  return {
    project: { name: o.name, cloud: o.cloud, region: o.region, plan: o.plan, env: dropEnv ? {} : env, metadataEnv: Object.keys(env) },
  };
}

/** Ends a job with one last event on each of its tasks: its status, and what it made or why it did not. */
function finishJob(
  job: JobRecord,
  status: Exclude<JobStatus, 'running'>,
  data: Record<string, unknown> | null,
  error: string | null,
): void {
  const at = now();
  job.status = status;
  job.updatedAt = at;
  for (const task of job.tasks) {
    task.updatedAt = at;
    task.events.push({ id: randomUUID(), eventType: status, publicEventData: data, error, createdAt: at });
  }
}

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
  v.projects.forEach((p, i) => {
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
  v.jobs.forEach((j, i) => {
    const ok = typeof j === 'object' && j !== null && strings(j, ['id', 'status', 'createdAt', 'updatedAt']) && Array.isArray(j.tasks);
    if (!ok) fail(`jobs[${i}] is malformed`);
  });
  return v as StoreSnapshot;
}

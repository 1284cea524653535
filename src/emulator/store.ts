import { randomBytes, randomUUID } from 'node:crypto';
import { invalidInput, previewFailure } from './messages.js';
import { finishedJob, scheduledJob, type PreviewAppPayload } from './preview.js';
import {
  ADMIN_SECRET_KEY,
  DEFAULT_PLAN,
  StoreError,
  entriesOf,
  envFrom,
  envStateOf,
  frozen,
  isValidName,
  now,
  projectOptionsProblem,
  type EnvInput,
  type EnvState,
  type JobRecord,
  type PreviewOutcome,
  type ProjectRecord,
  type WriteEvent,
  type WriteOperation,
} from './records.js';
import { SNAPSHOT_FORMAT, type StoreSnapshot } from './snapshot.js';

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
  metadataEnv?: readonly string[];
}

export interface CreatedProject {
  projectId: string;
  tenantId: string;
  name: string;
}

/** What a write asked for, as its event reports it. */
interface Asked {
  currentHash?: string;
  set?: Readonly<Record<string, string>>;
  removed?: readonly string[];
}

/**
 * The emulated service's state and every rule about changing it. All methods are synchronous,
 * so a check and the write it guards can never interleave with another request: two writers
 * sending the same hash are decided here, one after the other.
 *
 * Reading: every read answers the stored record itself, frozen (see records.ts). It is never
 * copied and never changes: a write replaces it, so a record read before a write still shows
 * the state before it. `getEnv` answers a project's hash and sorted env the same way.
 *
 * Project names are unique (docs/hasura-cloud-api.md), and these are all the rules about a name already taken:
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
  private readonly changeListeners = new Set<() => void>();
  private readonly writeListeners = new Set<(event: WriteEvent) => void>();
  /** Increases on every change; the data file uses it to know what it has written. */
  private revision = 0;

  constructor(snapshot?: StoreSnapshot) {
    // Copied before freezing: the caller's objects stay theirs.
    for (const p of snapshot?.projects ?? []) this.put(frozen(structuredClone(p)));
    for (const j of snapshot?.jobs ?? []) this.jobs.set(j.id, frozen(structuredClone(j)));
  }

  get version(): number {
    return this.revision;
  }

  /** Calls `listener` after every change, to projects or jobs; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Calls `listener` with every write decided on a project, accepted or refused (see WriteEvent),
   * synchronously, after the write took effect and before the method that made it returns;
   * returns the unsubscribe function.
   */
  onWrite(listener: (event: WriteEvent) => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /** The whole state, as the data file keeps it. */
  snapshot(): StoreSnapshot {
    return { format: SNAPSHOT_FORMAT, projects: [...this.projects.values()], jobs: [...this.jobs.values()] };
  }

  /** The data file's text. */
  snapshotText(): string {
    return `${JSON.stringify(this.snapshot(), null, 2)}\n`;
  }

  /** Every project, in creation order. */
  listProjects(): readonly ProjectRecord[] {
    return [...this.projects.values()];
  }

  findProjectByName(name: string): ProjectRecord | undefined {
    return this.byName.get(name);
  }

  getTenant(tenantId: string): ProjectRecord | undefined {
    return this.projects.get(tenantId);
  }

  getProject(projectId: string): ProjectRecord | undefined {
    return this.byProjectId.get(projectId);
  }

  /** The project's hash and env, sorted by key; refused as not-found for an unknown tenant. */
  getEnv(tenantId: string): EnvState {
    return this.envState(this.record(tenantId));
  }

  getJob(jobId: string): JobRecord | undefined {
    return this.jobs.get(jobId);
  }

  runningJobIds(): string[] {
    return [...this.jobs.values()].filter((j) => j.status === 'running').map((j) => j.id);
  }

  /** Like createTenant: Cloud sets a random admin secret, then the given env is applied over it. */
  createProject(input: CreateProjectInput = {}): CreatedProject {
    const options = { cloud: input.cloud ?? 'aws', region: input.region ?? 'us-east-2', plan: input.plan ?? DEFAULT_PLAN };
    const problem = projectOptionsProblem({ ...options, name: input.name });
    if (problem) throw new StoreError('invalid', problem);
    if (input.name !== undefined && this.byName.has(input.name)) throw new StoreError('duplicate-name');
    if (input.tenantId !== undefined && this.projects.has(input.tenantId))
      throw new StoreError('invalid', `tenant ${input.tenantId} exists`);
    const at = now();
    const record: ProjectRecord = frozen({
      projectId: randomUUID(),
      tenantId: input.tenantId ?? randomUUID(),
      name: input.name ?? this.randomName(),
      ...options,
      env: envFrom([[ADMIN_SECRET_KEY, randomBytes(24).toString('base64url')], ...entriesOf(input.env)]),
      writes: 1,
      maintenance: false,
      ...(input.previewApp ? { previewApp: true as const } : {}),
      ...(input.metadataEnv?.length ? { metadataEnv: [...input.metadataEnv] } : {}),
      createdAt: at,
      updatedAt: at,
    });
    this.put(record);
    this.changed();
    const { tenantId, name, env } = record;
    this.emit({ operation: 'createProject', tenantId, name, after: this.envState(record).hash, set: env, removed: [] });
    return { projectId: record.projectId, tenantId, name };
  }

  deleteTenant(tenantId: string): void {
    this.write('deleteTenant', tenantId, {}, () => undefined);
  }

  renameTenant(tenantId: string, name: string): ProjectRecord {
    return this.write('renameTenant', tenantId, {}, (record) => {
      if (!isValidName(name)) throw new StoreError('invalid', invalidInput.name(name));
      const holder = this.byName.get(name);
      if (holder && holder.tenantId !== tenantId) throw new StoreError('duplicate-name');
      return { ...record, name, updatedAt: now() };
    })!;
  }

  /** updateTenantEnv: sets the keys given, keeps every other key. */
  updateEnv(tenantId: string, currentHash: string, entries: EnvInput): EnvState {
    const set = envFrom(entriesOf(entries));
    const record = this.write('updateEnv', tenantId, { currentHash, set }, (record) => {
      this.checkWritable(record, currentHash);
      const changes = Object.entries(set).filter(([key, value]) => !Object.hasOwn(record.env, key) || record.env[key] !== value);
      if (changes.length === 0) throw new StoreError('nothing-changed');
      return envWritten(record, envFrom([...Object.entries(record.env), ...changes]));
    });
    return this.envState(record!);
  }

  /** deleteTenantEnv: removes the keys given that exist. */
  deleteEnv(tenantId: string, currentHash: string, keys: readonly string[]): EnvState {
    const record = this.write('deleteEnv', tenantId, { currentHash, removed: [...keys] }, (record) => {
      this.checkWritable(record, currentHash);
      const doomed = new Set(keys.filter((key) => Object.hasOwn(record.env, key)));
      if (doomed.size === 0) throw new StoreError('nothing-changed');
      return envWritten(record, envFrom(Object.entries(record.env).filter(([key]) => !doomed.has(key))));
    });
    return this.envState(record!);
  }

  /** An out-of-band edit (someone using the console): replaces the env, ignores hash and maintenance. */
  setEnv(tenantId: string, env: Readonly<Record<string, string>>): EnvState {
    const removed = Object.keys(this.record(tenantId).env).filter((key) => !Object.hasOwn(env, key));
    const record = this.write('setEnv', tenantId, { set: env, removed }, (record) => envWritten(record, envFrom(Object.entries(env))));
    return this.envState(record!);
  }

  setMaintenance(tenantId: string, on: boolean): void {
    this.write('setMaintenance', tenantId, {}, (record) => ({ ...record, maintenance: on, updatedAt: now() }));
  }

  /**
   * createGitHubPreviewApp: validates now, runs when finishPreviewJob is called. The newest job
   * for a name wins: one still running for the same name is skipped, as a push that arrives
   * while the previous one is building makes that build pointless. With `dropEnv` the job
   * builds the project without the payload's env (the preview-drops-env quirk).
   */
  createPreviewJob(payload: PreviewAppPayload | null, { dropEnv = false } = {}): string {
    const job = scheduledJob(payload, dropEnv);
    if (job.name !== null) {
      for (const older of this.jobs.values()) {
        if (older.status === 'running' && older.name === job.name) {
          this.jobs.set(older.id, finishedJob(older, 'skipped', null, previewFailure.superseded(job.name, job.id)));
        }
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
    if (!job || job.status !== 'running') return job;
    const result = this.runPreview(job.outcome);
    const finished =
      'error' in result
        ? finishedJob(job, 'failed', null, result.error)
        : finishedJob(job, 'success', { projectId: result.projectId, githubDeploymentJobID: randomUUID() }, null);
    this.jobs.set(jobId, finished);
    this.changed();
    return finished;
  }

  private runPreview(outcome: PreviewOutcome): { error: string } | { projectId: string } {
    if ('error' in outcome) return outcome;
    const { env, metadataEnv, ...options } = outcome.project;
    const existing = this.byName.get(options.name);
    if (!existing) return { projectId: this.createProject({ ...options, env, metadataEnv, previewApp: true }).projectId };
    if (!existing.previewApp) return { error: previewFailure.nameTaken(existing.name) };
    this.write('redeployPreview', existing.tenantId, { set: env }, (record) => {
      const { metadataEnv: _previous, ...rest } = record;
      const redeployed = { ...rest, ...(metadataEnv?.length ? { metadataEnv } : {}) };
      return envWritten(redeployed, envFrom([...Object.entries(record.env), ...Object.entries(env)]));
    });
    return { projectId: existing.projectId };
  }

  private record(tenantId: string): ProjectRecord {
    const record = this.projects.get(tenantId);
    if (!record) throw new StoreError('not-found');
    return record;
  }

  private checkWritable(record: ProjectRecord, currentHash: string): void {
    if (record.maintenance) throw new StoreError('maintenance');
    if (this.envState(record).hash !== currentHash) throw new StoreError('conflict');
  }

  /**
   * Decides a write on the project of `tenantId`: `decide` answers what the record becomes
   * (undefined: the project is deleted) or throws the StoreError refusing it. Either way the
   * write listeners hear of it.
   */
  private write(
    operation: WriteOperation,
    tenantId: string,
    asked: Asked,
    decide: (record: ProjectRecord) => ProjectRecord | undefined,
  ): ProjectRecord | undefined {
    const record = this.record(tenantId);
    const event: WriteEvent = {
      operation,
      tenantId,
      name: record.name,
      ...(asked.currentHash === undefined ? {} : { currentHash: asked.currentHash }),
      before: this.envState(record).hash,
      set: frozen({ ...asked.set }),
      removed: frozen([...(asked.removed ?? [])]),
    };
    let next: ProjectRecord | undefined;
    try {
      next = decide(record);
    } catch (err) {
      if (err instanceof StoreError) this.emit({ ...event, refused: err.kind });
      throw err;
    }
    if (next) this.put(frozen(next), record);
    else this.remove(record);
    this.changed();
    this.emit(next ? { ...event, name: next.name, after: this.envState(next).hash } : event);
    return next;
  }

  private envState(record: ProjectRecord): EnvState {
    let state = this.envStates.get(record);
    if (!state) {
      state = envStateOf(record);
      this.envStates.set(record, state);
    }
    return state;
  }

  /** Stores `record`, in place of `previous` when it replaces one (keeping its place in the listing). */
  private put(record: ProjectRecord, previous?: ProjectRecord): void {
    if (previous && previous.name !== record.name) this.byName.delete(previous.name);
    const state = previous && previous.env === record.env && previous.writes === record.writes ? this.envStates.get(previous) : undefined;
    if (state) this.envStates.set(record, state);
    this.projects.set(record.tenantId, record);
    this.byProjectId.set(record.projectId, record);
    this.byName.set(record.name, record);
  }

  private remove(record: ProjectRecord): void {
    this.projects.delete(record.tenantId);
    this.byProjectId.delete(record.projectId);
    this.byName.delete(record.name);
  }

  private randomName(): string {
    for (;;) {
      const name = `project-${randomBytes(5).toString('hex')}`;
      if (!this.byName.has(name)) return name;
    }
  }

  private changed(): void {
    this.revision += 1;
    for (const listener of this.changeListeners) listener();
  }

  private emit(event: WriteEvent): void {
    for (const listener of this.writeListeners) listener(event);
  }
}

/** The record after an accepted env write: a new env, and one more write, which changes the hash. */
const envWritten = (record: ProjectRecord, env: Record<string, string>): ProjectRecord => ({
  ...record,
  env,
  writes: record.writes + 1,
  updatedAt: now(),
});

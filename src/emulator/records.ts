import { createHash } from 'node:crypto';
import {
  DUPLICATE_NAME,
  INVALID_INPUT_CODE,
  MAINTENANCE,
  NOTHING_CHANGED,
  STALE_HASH,
  TENANT_NOT_FOUND,
  invalidInput,
  type HasuraErrorText,
} from './messages.js';

/**
 * What the store keeps, and hands out. Every record is frozen and replaced, never changed, on a
 * write: a record read once keeps saying what it said then, and the store never copies one to
 * hand it out.
 */

const CLOUDS: readonly string[] = ['aws'];
export const PLANS: readonly string[] = ['cloud_free', 'cloud_payg'];
/** The plan of a project created without one. */
export const DEFAULT_PLAN = 'cloud_free';
export const ADMIN_SECRET_KEY = 'HASURA_GRAPHQL_ADMIN_SECRET';
const NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** One Hasura Cloud project and the tenant behind it (always 1:1, so one record). */
export interface ProjectRecord {
  readonly projectId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly cloud: string;
  readonly region: string;
  readonly plan: string;
  readonly env: Readonly<Record<string, string>>;
  /** Accepted env writes so far; part of the hash so that every write changes it. */
  readonly writes: number;
  readonly maintenance: boolean;
  /** Made by a preview-app job, which may redeploy it; absent for any other project. */
  readonly previewApp?: true;
  /**
   * Env keys the project's metadata refers to (a remote schema's `{{URL}}`, a header's
   * `value_from_env`): while one is missing the metadata is inconsistent. A preview app's metadata
   * refers to the env its job was given.
   */
  readonly metadataEnv?: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface TaskEventRecord {
  readonly id: string;
  readonly eventType: string;
  readonly publicEventData: Readonly<Record<string, unknown>> | null;
  readonly error: string | null;
  readonly createdAt: string;
}

export interface TaskRecord {
  readonly id: string;
  readonly name: string;
  readonly cloud: string | null;
  readonly region: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly events: readonly TaskEventRecord[];
}

export type JobStatus = 'running' | 'success' | 'failed' | 'skipped';

/** What a preview-app job will do when it runs: decided (and validated) when it is scheduled. */
export type PreviewOutcome =
  | { readonly error: string }
  | {
      readonly project: {
        readonly name: string;
        readonly cloud: string;
        readonly region: string;
        readonly plan: string;
        readonly env: Readonly<Record<string, string>>;
        readonly metadataEnv?: readonly string[];
      };
    };

export interface JobRecord {
  readonly id: string;
  /** The project name the payload asked for, when it had one. */
  readonly name: string | null;
  readonly status: JobStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly tasks: readonly TaskRecord[];
  readonly outcome: PreviewOutcome;
}

export interface EnvEntry {
  key: string;
  value: string;
}
/** A map, or a list as GraphQL passes it (`[UpdateEnvsObject]` allows null items, which are skipped). */
export type EnvInput = Readonly<Record<string, string>> | readonly (EnvEntry | null)[];

export interface EnvState {
  readonly hash: string;
  /** Sorted by key. */
  readonly env: Readonly<Record<string, string>>;
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

/**
 * The store's methods that change a project, as a write event names them; `redeployPreview` is a
 * preview-app job setting the env of the preview app of its name (making one is a createProject).
 */
export type WriteOperation =
  'createProject' | 'deleteTenant' | 'renameTenant' | 'updateEnv' | 'deleteEnv' | 'setEnv' | 'setMaintenance' | 'redeployPreview';

/**
 * One write the store decided on a project: accepted, or refused (`refused` says why). A write
 * refused before any project is involved (a create with a taken name, an unknown tenant id) is
 * not a write on a project and has no event.
 */
export interface WriteEvent {
  readonly operation: WriteOperation;
  readonly tenantId: string;
  /** The project's name once the write is decided (its new one after a rename). */
  readonly name: string;
  /** The hash the writer based the write on: updateEnv's and deleteEnv's `currentHash`. */
  readonly currentHash?: string;
  /** The project's hash when the write arrived; absent for a create. */
  readonly before?: string;
  /** Its hash after an accepted write; absent for a delete and for a refused write. */
  readonly after?: string;
  /** The keys the write asked to set, with their values (a create: the env it starts with). */
  readonly set: Readonly<Record<string, string>>;
  /** The keys the write asked to remove (setEnv: those it dropped). */
  readonly removed: readonly string[];
  readonly refused?: StoreErrorKind;
}

/** Hasura's timestamptz rendering. */
export const now = (): string => new Date().toISOString().replace('Z', '+00:00');

const sortedEnv = (env: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The hash and the sorted env of a record as it is now. */
export function envStateOf(record: ProjectRecord): EnvState {
  const env = Object.freeze(sortedEnv(record.env));
  const canonical = JSON.stringify([record.tenantId, record.writes, Object.entries(env)]);
  return Object.freeze({ hash: createHash('sha1').update(canonical).digest('hex'), env });
}

export function entriesOf(input: EnvInput | null | undefined): [string, string][] {
  if (!input) return [];
  if (!Array.isArray(input)) return Object.entries(input);
  return (input as readonly (EnvEntry | null)[]).flatMap((e) => (e ? [[e.key, e.value] as [string, string]] : []));
}

/** Env maps are built with defineProperty semantics so that a key like `__proto__` is kept as data. */
export const envFrom = (entries: Iterable<[string, string]>): Record<string, string> => Object.fromEntries(entries);

/** Freezes a record and everything in it, so that no reader can change the store through it. */
export function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}

export const endpointOf = (name: string): string => `https://${name}.hasura.app/v1/graphql`;

export const isValidName = (name: string): boolean => NAME_PATTERN.test(name);

/** What createTenant refuses in its arguments, which a preview job fails for instead. */
export function projectOptionsProblem(o: { name?: string; cloud: string; region: string; plan: string }): string | undefined {
  if (o.name !== undefined && !isValidName(o.name)) return invalidInput.name(o.name);
  if (!CLOUDS.includes(o.cloud)) return invalidInput.cloud(o.cloud, CLOUDS);
  if (!PLANS.includes(o.plan)) return invalidInput.plan(o.plan, PLANS);
  if (o.region.trim() === '') return invalidInput.region();
  return undefined;
}

/** The keys the project's metadata refers to that its env lacks: while there are any, the metadata is inconsistent. */
export const missingMetadataEnv = (record: ProjectRecord): string[] =>
  (record.metadataEnv ?? []).filter((key) => !Object.hasOwn(record.env, key));

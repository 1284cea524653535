import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sourceResolver } from '../config/load.js';
import type { CreateOptions, ValueSource } from '../config/types.js';
import { UserError } from '../errors.js';
import { FileRefused, readSmallFile, writeFileAtomically } from '../util/files.js';
import { isRecord } from '../util/records.js';
import { HCR_VERSION } from '../version.js';
import { DELETION_REFUSALS, type DeletionRefusal, type KeyChange, type Plan, type PlanSummary, type ProjectPlan } from './types.js';
import { summarize } from './plan.js';
import type { ValueResolver } from './values.js';

/**
 * A saved plan (`hcr plan --out FILE`) is DESIGN.md's plan JSON with a header in front and, per
 * sensitive add/change, where the value comes from and a slow, salted hash of it — never the
 * value. `hcr apply FILE` resolves every such value again and refuses the whole apply unless each
 * one still hashes to what was reviewed.
 */

/**
 * This file format; bumped whenever an older hcr could misread a newer file. Format 2 added
 * project deletions and the summary's refused_delete_projects; format 1 files (which hold neither)
 * are still read, so that a plan saved just before an upgrade can be applied after it.
 */
export const SAVED_PLAN_FORMAT = 2;
const READABLE_FORMATS: readonly unknown[] = [1, SAVED_PLAN_FORMAT];
/** Saved plans larger than this are refused unread; a plan changing every key of 1000 projects is a few MiB. */
const MAX_SAVED_PLAN_BYTES = 64 * 1024 * 1024;

/**
 * scrypt with N=2^14, r=8, p=1 (what its author recommends for interactive logins, and Node's
 * default): 16 MiB and tens of milliseconds per guess, so a leaked plan file does not let anyone
 * test guesses at a weak secret cheaply, while a plan with dozens of distinct secrets still hashes
 * in about a second, several at a time on libuv's threadpool. Costlier settings (N=2^17: 128 MiB,
 * above Node's default memory cap) would make every plan and apply wait for little gain: most
 * values here are random tokens, which no guessing reaches anyway.
 * One random salt per file makes every file's hashes different (no precomputed tables, no linking
 * the same secret across files), and lets a value shared by several entries be stretched once.
 * Each entry's hash is then an HMAC of its project and key under that stretched value, so the file
 * does not even show which entries share a value (the same secret reused in production and
 * staging is worth hiding), and a hash moved to another entry no longer matches.
 */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const;
const STRETCHED_BYTES = 32;
const SALT_BYTES = 16;
const SCHEME = `scrypt(N=${SCRYPT.N},r=${SCRYPT.r},p=${SCRYPT.p},len=${STRETCHED_BYTES})+hmac-sha256(project,key)`;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** base64url lengths (unpadded) of the salt and of an HMAC-SHA256. */
const SALT_CHARS = Math.ceil((SALT_BYTES * 4) / 3);
const HASH_CHARS = Math.ceil((32 * 4) / 3);

interface SavedEntry {
  key: string;
  action: KeyChange['action'];
  sensitive: boolean;
  before?: string;
  after?: string;
  source?: ValueSource;
  value_hash?: string;
}

interface SavedProject {
  name: string;
  tenantId?: string;
  hash?: string;
  action: ProjectPlan['action'];
  env: SavedEntry[];
  unmanaged: number;
  create?: CreateOptions;
  refused?: DeletionRefusal;
}

/** The file as written; its last three fields are the `plan --format json` document's. */
interface SavedPlanFile {
  hcr_saved_plan: typeof SAVED_PLAN_FORMAT;
  hcr_version: string;
  endpoint: string;
  planned_at: string;
  value_hashing: { scheme: string; salt: string };
  format_version: 1;
  projects: SavedProject[];
  summary: PlanSummary;
}

/** A saved plan read back and checked: the Plan to apply and what its sensitive values must hash to. */
export interface SavedPlan {
  plan: Plan;
  hcrVersion: string;
  endpoint: string;
  plannedAt: string;
  salt: Buffer;
  /** Every sensitive add/change: where apply reads its value again, and what that must hash to. */
  reviewed: ReviewedValue[];
}

export interface ReviewedValue {
  project: string;
  key: string;
  source: ValueSource;
  hash: Buffer;
}

const entryId = (project: string, key: string): string => JSON.stringify([project, key]);

const needsValue = (change: KeyChange): boolean => change.sensitive && change.action !== 'remove';

/** Hashes values under one salt; a value met again reuses its scrypt result instead of paying for it twice. */
class ValueHasher {
  private readonly stretched = new Map<string, Promise<Buffer>>();
  constructor(private readonly salt: Buffer) {}

  async hash(project: string, key: string, value: string): Promise<Buffer> {
    let secret = this.stretched.get(value);
    if (!secret) {
      // The async scrypt runs on the threadpool, so the entries of a plan are hashed in parallel.
      secret = new Promise<Buffer>((done, fail) =>
        scrypt(value, this.salt, STRETCHED_BYTES, SCRYPT, (err, out) => (err ? fail(err) : done(out))),
      );
      this.stretched.set(value, secret);
    }
    return createHmac('sha256', await secret)
      .update(entryId(project, key))
      .digest();
  }
}

/**
 * Writes `plan` to `path` as a saved plan made against `endpoint`. `values` gives the sensitive
 * values to hash (they are never written). The file is created with mode 0600 beside its final
 * name and renamed over it, so a reader sees the old file or the whole new one, never a torn one.
 */
export async function writeSavedPlan(path: string, display: string, plan: Plan, values: ValueResolver, endpoint: string): Promise<void> {
  const salt = randomBytes(SALT_BYTES);
  const hasher = new ValueHasher(salt);
  const projects = await Promise.all(
    plan.projects.map(async (p): Promise<SavedProject> => ({
      name: p.name,
      ...(p.tenantId === undefined ? {} : { tenantId: p.tenantId }),
      ...(p.hash === undefined ? {} : { hash: p.hash }),
      action: p.action,
      env: await Promise.all(p.env.map((change) => savedEntry(hasher, p.name, change, values))),
      unmanaged: p.unmanaged,
      ...(p.create === undefined ? {} : { create: p.create }),
      ...(p.refused === undefined ? {} : { refused: p.refused }),
    })),
  );
  const file: SavedPlanFile = {
    hcr_saved_plan: SAVED_PLAN_FORMAT,
    hcr_version: HCR_VERSION,
    endpoint,
    planned_at: new Date().toISOString(),
    value_hashing: { scheme: SCHEME, salt: salt.toString('base64url') },
    format_version: plan.format_version,
    projects,
    summary: plan.summary,
  };
  await writePrivately(path, display, `${JSON.stringify(file, null, 2)}\n`);
}

async function savedEntry(hasher: ValueHasher, project: string, change: KeyChange, values: ValueResolver): Promise<SavedEntry> {
  const { key, action } = change;
  if (!change.sensitive) return { key, action, sensitive: false, before: change.before, after: change.after };
  if (!needsValue(change)) return { key, action, sensitive: true };
  if (!change.source) throw new Error(`the plan has no source for the sensitive ${project}.${key}`);
  const hash = await hasher.hash(project, key, values(project, change));
  return { key, action, sensitive: true, source: change.source, value_hash: hash.toString('base64url') };
}

async function writePrivately(path: string, display: string, text: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new UserError(`--out ${display} is a directory; name the file to write, e.g. --out ${join(display, 'hcr.plan')}`);
  }
  try {
    await writeFileAtomically(path, text, { overwrite: true, mode: 0o600 });
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserError(
      `cannot write the plan to ${display}: ${missing ? `the directory ${dirname(display)} does not exist` : (err as Error).message}`,
    );
  }
}

/**
 * Reads and checks a saved plan. Anything that is not one, in a format this hcr does not read, or
 * whose structure is off in any way (the file is input: it may be truncated, hand-edited or
 * something else entirely) is a UserError naming the file and the place, never a crash.
 */
export async function readSavedPlan(path: string, display: string): Promise<SavedPlan> {
  const refuse = (why: string): never => {
    throw new UserError(`${display} is not a saved plan: ${why}`);
  };
  let bytes: Buffer;
  try {
    bytes = readSmallFile(path, MAX_SAVED_PLAN_BYTES).bytes;
  } catch (err) {
    if (!(err instanceof FileRefused)) throw err;
    if (err.kind === 'missing') throw new UserError(`${display}: no such file; save a plan with \`hcr plan --out ${display}\``);
    if (err.kind === 'directory') return refuse('it is a directory');
    throw new UserError(`cannot read ${display}: ${err.reason}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse('it is not text');
  }
  if (text.trim() === '') return refuse('it is empty; it may be truncated, or not written by `hcr plan --out FILE`');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error, and a file read by mistake (a .env,
    // a key) may be all secrets: the message says what the file is not, never what is in it.
    const yaml = /^\s*(#|version\s*:|projects\s*:|defaults\s*:)/m.test(text);
    return refuse(
      yaml
        ? 'it is YAML, not a plan saved by `hcr plan --out FILE`; to plan and apply a desired-state file, use `hcr apply -f FILE`'
        : 'it is not JSON (its content is not shown); it may be truncated, or not written by `hcr plan --out FILE`',
    );
  }
  if (!isRecord(data) || !Object.hasOwn(data, 'hcr_saved_plan')) {
    return refuse(
      isRecord(data) && Object.hasOwn(data, 'format_version') && Object.hasOwn(data, 'projects')
        ? 'it is the JSON view of a plan (`hcr plan --format json`), which holds neither the endpoint nor the hashes apply checks; save a plan with `hcr plan --out FILE`'
        : 'it is JSON, but not a plan saved by `hcr plan --out FILE`',
    );
  }
  if (!READABLE_FORMATS.includes(data.hcr_saved_plan)) {
    const by = typeof data.hcr_version === 'string' ? ` by hcr ${data.hcr_version}` : '';
    throw new UserError(
      `${display} is a saved plan in format ${JSON.stringify(data.hcr_saved_plan)} (written${by}); this hcr (${HCR_VERSION}) reads formats ${READABLE_FORMATS.join(' and ')} only. ` +
        'Make the plan again with this hcr, or apply it with the hcr that made it.',
    );
  }
  try {
    return parseSavedPlan(data, data.hcr_saved_plan as number);
  } catch (err) {
    if (err instanceof Malformed) return refuse(`${err.message}; it was changed after \`hcr plan --out\` wrote it, or is damaged`);
    throw err;
  }
}

/** Refuses a plan made against another Hasura Cloud than the one this run would write to. */
export function checkEndpoint(saved: SavedPlan, display: string, endpoint: string): void {
  if (saved.endpoint === endpoint) return;
  throw new UserError(
    `${display} was planned against ${saved.endpoint}, but this apply would write to ${endpoint}; nothing was written. ` +
      'A saved plan applies only to the endpoint it was made against: set --endpoint or HASURA_CLOUD_ENDPOINT to that one, or make a new plan.',
  );
}

/** `plan.hcr: planned by hcr 0.1.0 at 2025-…Z against https://…` */
export function describeSavedPlan(saved: SavedPlan, display: string): string {
  return `${display}: planned by hcr ${saved.hcrVersion} at ${saved.plannedAt} against ${saved.endpoint}`;
}

/**
 * Resolves every sensitive value of the plan again (from the environment, or its file) and checks
 * each against its hash, all before anything is written. Any value that differs or cannot be read
 * refuses the whole apply, naming project, key and source, never a value. Each value read is
 * passed to `register` (for the redactor) first.
 */
export async function verifiedValues(
  saved: SavedPlan,
  display: string,
  options: { cwd: string; env: Record<string, string | undefined>; register(value: string): void },
): Promise<ValueResolver> {
  const hasher = new ValueHasher(saved.salt);
  const resolveSource = sourceResolver(options);
  const values = new Map<string, string>();
  const problems = await Promise.all(
    saved.reviewed.map(async ({ project, key, source, hash }): Promise<string | undefined> => {
      const where = `${project} ${key} (${describeSource(source)})`;
      let value: string;
      try {
        value = await resolveSource(source);
      } catch (err) {
        if (err instanceof UserError) return `${where}: ${err.message}`;
        throw err;
      }
      options.register(value);
      if (!timingSafeEqual(await hasher.hash(project, key, value), hash))
        return `${where}: the value is not the one this plan was made with`;
      values.set(entryId(project, key), value);
      return undefined;
    }),
  );
  const refused = problems.filter((p) => p !== undefined);
  if (refused.length > 0) {
    throw new UserError(
      `${display} was not applied; nothing was written. ${refused.length === 1 ? 'A sensitive value differs' : `${refused.length} sensitive values differ`} from the plan or cannot be read:\n` +
        `${refused.map((p) => `  ${p}`).join('\n')}\n` +
        'Apply only ever writes the values that were reviewed: make a new plan with the values you mean, review it, and apply that.',
    );
  }
  return (project, change) => {
    if (!change.sensitive && change.after !== undefined) return change.after;
    const value = values.get(entryId(project, change.key));
    if (value === undefined) throw new Error(`no verified value for ${project}.${change.key}`);
    return value;
  };
}

function describeSource(source: ValueSource): string {
  if ('fromEnv' in source) return `from env ${source.fromEnv}`;
  if ('fromSops' in source) return `from sops ${source.fromSops}, named in ${source.file}`;
  if ('fromFile' in source) return `from file ${source.fromFile}, named in ${source.file}`;
  return `from ${source.file}, ${source.project}.${source.key}`;
}

// ---- Reading the structure ------------------------------------------------------------------

/** A structural problem at a place in the file; readSavedPlan turns it into a UserError. */
class Malformed extends Error {}

type Fields = Record<string, unknown>;

const malformed = (at: string, what: string): never => {
  throw new Malformed(`${at}: ${what}`);
};

/** An object with exactly the `required` fields and, of the `optional` ones, any. */
function fields(value: unknown, at: string, required: readonly string[], optional: readonly string[] = []): Fields {
  if (!isRecord(value)) return malformed(at, 'expected an object');
  const known = new Set([...required, ...optional]);
  for (const name of Object.keys(value)) if (!known.has(name)) malformed(at, `unexpected field ${JSON.stringify(name)}`);
  for (const name of required) if (!Object.hasOwn(value, name)) malformed(at, `missing field ${JSON.stringify(name)}`);
  return value;
}

function text(value: unknown, at: string): string {
  return typeof value === 'string' ? value : malformed(at, `expected a string, found ${describe(value)}`);
}

function nonEmpty(value: unknown, at: string): string {
  const s = text(value, at);
  return s === '' ? malformed(at, 'expected a non-empty string') : s;
}

function optionalText(value: unknown, at: string): string | undefined {
  return value === undefined ? undefined : nonEmpty(value, at);
}

function count(value: unknown, at: string): number {
  return Number.isSafeInteger(value) && (value as number) >= 0
    ? (value as number)
    : malformed(at, `expected a whole number of 0 or more, found ${describe(value)}`);
}

function oneOf<T extends string>(value: unknown, at: string, choices: readonly T[]): T {
  return choices.includes(value as T)
    ? (value as T)
    : malformed(at, `expected one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, found ${describe(value)}`);
}

function list(value: unknown, at: string): unknown[] {
  return Array.isArray(value) ? value : malformed(at, `expected a list, found ${describe(value)}`);
}

function base64url(value: unknown, at: string, chars: number): string {
  const s = text(value, at);
  return s.length === chars && BASE64URL.test(s) ? s : malformed(at, `expected ${chars} base64url characters`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

function parseSavedPlan(data: Fields, format: number): SavedPlan {
  const top = fields(data, '(top level)', [
    'hcr_saved_plan',
    'hcr_version',
    'endpoint',
    'planned_at',
    'value_hashing',
    'format_version',
    'projects',
    'summary',
  ]);
  const hcrVersion = nonEmpty(top.hcr_version, 'hcr_version');
  const endpoint = nonEmpty(top.endpoint, 'endpoint');
  if (!URL.canParse(endpoint)) malformed('endpoint', `${describe(endpoint)} is not a URL`);
  const plannedAt = nonEmpty(top.planned_at, 'planned_at');
  if (Number.isNaN(Date.parse(plannedAt))) malformed('planned_at', `${describe(plannedAt)} is not a time`);
  const hashing = fields(top.value_hashing, 'value_hashing', ['scheme', 'salt']);
  if (hashing.scheme !== SCHEME) malformed('value_hashing.scheme', `expected ${JSON.stringify(SCHEME)}, found ${describe(hashing.scheme)}`);
  const salt = Buffer.from(base64url(hashing.salt, 'value_hashing.salt', SALT_CHARS), 'base64url');
  if (top.format_version !== 1) malformed('format_version', `expected 1, found ${describe(top.format_version)}`);

  const reviewed: ReviewedValue[] = [];
  const names = new Set<string>();
  const projects = list(top.projects, 'projects').map((raw, i) => {
    const project = parseProject(raw, `projects[${i}]`, reviewed);
    if (names.has(project.name)) malformed(`projects[${i}].name`, `project ${JSON.stringify(project.name)} appears twice`);
    if (format === 1 && project.action === 'delete') malformed(`projects[${i}].action`, 'a format 1 plan deletes no project');
    names.add(project.name);
    return project;
  });
  const summary = parseSummary(top.summary, format);
  const plan: Plan = { format_version: 1, projects, summary };
  const counted = summarize(projects);
  if (JSON.stringify(counted) !== JSON.stringify(summary)) {
    malformed('summary', `says ${JSON.stringify(summary)}, but the projects hold ${JSON.stringify(counted)}`);
  }
  return { plan, hcrVersion, endpoint, plannedAt, salt, reviewed };
}

const SUMMARY_KEYS: readonly (keyof PlanSummary)[] = [
  'add',
  'change',
  'remove',
  'create_projects',
  'delete_projects',
  'refused_delete_projects',
];

function parseSummary(raw: unknown, format: number): PlanSummary {
  // Format 1 had no deletions, so no count of refused ones.
  const keys = format === 1 ? SUMMARY_KEYS.filter((k) => k !== 'refused_delete_projects') : SUMMARY_KEYS;
  const s = fields(raw, 'summary', keys);
  const summary: PlanSummary = { add: 0, change: 0, remove: 0, create_projects: 0, delete_projects: 0, refused_delete_projects: 0 };
  for (const k of keys) summary[k] = count(s[k], `summary.${k}`);
  return summary;
}

const PROJECT_ACTIONS = ['create', 'update', 'delete', 'no-op'] as const;

function parseProject(raw: unknown, at: string, reviewed: ReviewedValue[]): ProjectPlan {
  const p = fields(raw, at, ['name', 'action', 'env', 'unmanaged'], ['tenantId', 'hash', 'create', 'refused']);
  const projectName = nonEmpty(p.name, `${at}.name`);
  const action = oneOf(p.action, `${at}.action`, PROJECT_ACTIONS);
  const keys = new Set<string>();
  const env = list(p.env, `${at}.env`).map((entry, i) => {
    const change = parseEntry(entry, `${at}.env[${i}]`, projectName, reviewed);
    if (keys.has(change.key)) malformed(`${at}.env[${i}].key`, `${JSON.stringify(change.key)} appears twice`);
    if (action === 'create' && change.action !== 'add') malformed(`${at}.env[${i}].action`, 'a project to create can only have keys added');
    keys.add(change.key);
    return change;
  });
  const tenantId = optionalText(p.tenantId, `${at}.tenantId`);
  const hash = optionalText(p.hash, `${at}.hash`);
  const project: ProjectPlan = { name: projectName, action, env, unmanaged: count(p.unmanaged, `${at}.unmanaged`) };
  if (action === 'create') {
    if (tenantId !== undefined || hash !== undefined) malformed(at, 'a project to create has no tenantId or hash yet');
    const c = fields(p.create, `${at}.create`, ['cloud', 'region'], ['plan']);
    const plan = optionalText(c.plan, `${at}.create.plan`);
    return {
      ...project,
      create: {
        cloud: nonEmpty(c.cloud, `${at}.create.cloud`),
        region: nonEmpty(c.region, `${at}.create.region`),
        ...(plan === undefined ? {} : { plan }),
      },
    };
  }
  if (p.create !== undefined)
    malformed(`${at}.create`, `only a project to create has one, not one to ${action === 'no-op' ? 'leave alone' : action}`);
  if (action === 'delete') {
    if (tenantId === undefined || hash === undefined) malformed(at, 'a project to delete needs the tenantId and the hash the plan read');
    if (env.length > 0) malformed(`${at}.env`, 'a project to delete has no key changes');
    const refused = p.refused === undefined ? {} : { refused: oneOf(p.refused, `${at}.refused`, DELETION_REFUSALS) };
    return { ...project, tenantId, hash, ...refused };
  }
  if (p.refused !== undefined) malformed(`${at}.refused`, 'only a deletion can be refused');
  if ((action === 'no-op') !== (env.length === 0))
    malformed(`${at}.action`, action === 'no-op' ? '"no-op" but it lists changes' : '"update" but it lists no change');
  // A project to destroy that is already gone is a no-op without a tenant.
  if (action === 'no-op' && tenantId === undefined && hash === undefined) return project;
  if (tenantId === undefined || hash === undefined) malformed(at, 'an existing project needs the tenantId and the hash the plan read');
  return { ...project, tenantId, hash };
}

function parseEntry(raw: unknown, at: string, project: string, reviewed: ReviewedValue[]): KeyChange {
  if (!isRecord(raw)) return malformed(at, 'expected an object');
  const key = nonEmpty(raw.key, `${at}.key`);
  const action = oneOf(raw.action, `${at}.action`, ['add', 'change', 'remove'] as const);
  if (typeof raw.sensitive !== 'boolean') return malformed(`${at}.sensitive`, `expected true or false, found ${describe(raw.sensitive)}`);
  if (raw.sensitive) {
    if (Object.hasOwn(raw, 'before') || Object.hasOwn(raw, 'after')) {
      return malformed(at, 'a sensitive entry holds a value (before/after), which hcr never writes to a plan');
    }
    if (action === 'remove') {
      fields(raw, at, ['key', 'action', 'sensitive']);
      return { key, action, sensitive: true };
    }
    const e = fields(raw, at, ['key', 'action', 'sensitive', 'source', 'value_hash']);
    const source = parseSource(e.source, `${at}.source`);
    reviewed.push({ project, key, source, hash: Buffer.from(base64url(e.value_hash, `${at}.value_hash`, HASH_CHARS), 'base64url') });
    return { key, action, sensitive: true, source };
  }
  const values = { add: ['after'], change: ['before', 'after'], remove: ['before'] }[action];
  const e = fields(raw, at, ['key', 'action', 'sensitive', ...values]);
  const before = e.before === undefined ? {} : { before: text(e.before, `${at}.before`) };
  const after = e.after === undefined ? {} : { after: text(e.after, `${at}.after`) };
  return { key, action, sensitive: false, ...before, ...after };
}

function parseSource(raw: unknown, at: string): ValueSource {
  if (isRecord(raw) && Object.hasOwn(raw, 'fromEnv')) return { fromEnv: nonEmpty(fields(raw, at, ['fromEnv']).fromEnv, `${at}.fromEnv`) };
  for (const kind of ['fromSops', 'fromFile'] as const) {
    if (!isRecord(raw) || !Object.hasOwn(raw, kind)) continue;
    const s = fields(raw, at, [kind, 'file']);
    const file = nonEmpty(s.file, `${at}.file`);
    return kind === 'fromSops'
      ? { fromSops: nonEmpty(s.fromSops, `${at}.fromSops`), file }
      : { fromFile: nonEmpty(s.fromFile, `${at}.fromFile`), file };
  }
  const s = fields(raw, at, ['file', 'project', 'key']);
  return { file: nonEmpty(s.file, `${at}.file`), project: nonEmpty(s.project, `${at}.project`), key: nonEmpty(s.key, `${at}.key`) };
}

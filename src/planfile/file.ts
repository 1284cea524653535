import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createEntry } from '../config/create.js';
import { UserError } from '../errors.js';
import type { KeyChange, Plan } from '../plan/types.js';
import type { ValueResolver } from '../plan/values.js';
import { FileRefused, readSmallFile, writeFileAtomically } from '../util/files.js';
import { isRecord } from '../util/records.js';
import { HCR_VERSION } from '../version.js';
import { checkSavedPlan } from './check.js';
import { READABLE_FORMATS, SAVED_PLAN_FORMAT, type SavedEntry, type SavedPlan, type SavedPlanFile, type SavedProject } from './format.js';
import { HASHING_SCHEME, newSalt, ValueHasher } from './hash.js';
import { Malformed } from './schema.js';

/** Saved plans larger than this are refused unread; a plan changing every key of 1000 projects is a few MiB. */
const MAX_SAVED_PLAN_BYTES = 64 * 1024 * 1024;

/**
 * Writes `plan` to `path` as a saved plan made against `endpoint`. `values` gives the sensitive
 * values to hash (they are never written). The file is private (0600) and written atomically: a
 * reader sees the old file or the whole new one, never a torn one.
 */
export async function writeSavedPlan(path: string, display: string, plan: Plan, values: ValueResolver, endpoint: string): Promise<void> {
  const salt = newSalt();
  const hasher = new ValueHasher(salt);
  const projects = await Promise.all(
    plan.projects.map(async (p): Promise<SavedProject> => ({
      name: p.name,
      ...(p.tenantId === undefined ? {} : { tenantId: p.tenantId }),
      ...(p.hash === undefined ? {} : { hash: p.hash }),
      action: p.action,
      env: await Promise.all(p.env.map((change) => savedEntry(hasher, p.name, change, values))),
      unmanaged: p.unmanaged,
      ...(p.create === undefined ? {} : { create: createEntry(p.create) }),
      ...(p.refused === undefined ? {} : { refused: p.refused }),
    })),
  );
  const file: SavedPlanFile = {
    hcr_saved_plan: SAVED_PLAN_FORMAT,
    hcr_version: HCR_VERSION,
    endpoint,
    planned_at: new Date().toISOString(),
    value_hashing: { scheme: HASHING_SCHEME, salt: salt.toString('base64url') },
    format_version: plan.format_version,
    projects,
    summary: plan.summary,
  };
  await writePrivately(path, display, `${JSON.stringify(file, null, 2)}\n`);
}

async function savedEntry(hasher: ValueHasher, project: string, change: KeyChange, values: ValueResolver): Promise<SavedEntry> {
  const { key, action } = change;
  if (!change.sensitive) return { key, action, sensitive: false, before: change.before, after: change.after };
  if (action === 'remove') return { key, action, sensitive: true };
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
  if (!(READABLE_FORMATS as readonly unknown[]).includes(data.hcr_saved_plan)) {
    const by = typeof data.hcr_version === 'string' ? ` by hcr ${data.hcr_version}` : '';
    throw new UserError(
      `${display} is a saved plan in format ${JSON.stringify(data.hcr_saved_plan)} (written${by}); this hcr (${HCR_VERSION}) reads formats ${READABLE_FORMATS.join(' and ')} only. ` +
        'Make the plan again with this hcr, or apply it with the hcr that made it.',
    );
  }
  try {
    return checkSavedPlan(data);
  } catch (err) {
    if (err instanceof Malformed) return refuse(`${err.message}; it was changed after \`hcr plan --out\` wrote it, or is damaged`);
    throw err;
  }
}

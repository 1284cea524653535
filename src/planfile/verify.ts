import { timingSafeEqual } from 'node:crypto';
import { sourceResolver } from '../config/load.js';
import type { ValueSource } from '../config/types.js';
import { UserError } from '../errors.js';
import type { ValueResolver } from '../plan/values.js';
import type { SavedPlan } from './format.js';
import { entryId, ValueHasher } from './hash.js';

/** Refuses a plan made against another Hasura Cloud than the one this run would write to. */
export function checkEndpoint(saved: SavedPlan, display: string, endpoint: string): void {
  if (saved.endpoint === endpoint) return;
  throw new UserError(
    `${display} was planned against ${saved.endpoint}, but this apply would write to ${endpoint}; nothing was written. ` +
      'A saved plan applies only to the endpoint it was made against: set --endpoint or HASURA_CLOUD_ENDPOINT to that one, or make a new plan.',
  );
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

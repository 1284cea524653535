import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A generated fleet: desired-state files of `projects` projects with `keys` keys each (1000
 * projects a file, as hcr refuses files over 5 MiB), and the live env the emulator is seeded with. Every project's keys: 5 from defaults (one of them fromEnv),
 * its own admin secret (fromEnv), one `{ value, sensitive: false }`, and plain settings for the rest.
 */
export interface Fixture {
  /** The directory of the YAML files. */
  dir: string;
  names: string[];
  /** The fromEnv variables the desired state reads (hcr's environment). */
  env: Record<string, string>;
  /** Each project's live env, equal to the desired one except in the changed projects. */
  live: Map<string, Record<string, string>>;
  /** How many projects differ from git: 1 in 10, each by one changed value and one missing key. */
  changed: number;
}

/** Defaults, the admin secret and FEATURE_FLAGS, and at least SETTING_01 and SETTING_02 (which the changed projects need). */
export const MIN_KEYS = 9;
const CHANGED_EVERY = 10;
const PROJECTS_PER_FILE = 1000;

const DEFAULT_ENV = {
  HASURA_GRAPHQL_ENABLE_CONSOLE: 'false',
  HASURA_GRAPHQL_CORS_DOMAIN: 'https://app.example.com',
  HASURA_GRAPHQL_UNAUTHORIZED_ROLE: 'anonymous',
  LOG_LEVEL: 'info',
};
const WEBHOOK_SECRET = 'webhook-secret-7f3a91c2';

const nameOf = (i: number): string => `app-${String(i).padStart(5, '0')}`;
const secretVariable = (i: number): string => `APP_${String(i).padStart(5, '0')}_ADMIN_SECRET`;
const setting = (n: number): string => `SETTING_${String(n).padStart(3, '0')}`;

function ownValues(i: number, keys: number): Record<string, string> {
  const env: Record<string, string> = {};
  const settings = keys - Object.keys(DEFAULT_ENV).length - 3;
  for (let n = 1; n <= settings; n++) env[setting(n)] = `https://svc-${n}.${nameOf(i)}.example.com/v1`;
  return env;
}

function projectYaml(i: number, keys: number): string[] {
  const lines = [`  ${nameOf(i)}:`, '    env:', `      HASURA_GRAPHQL_ADMIN_SECRET: { fromEnv: ${secretVariable(i)} }`];
  lines.push(`      FEATURE_FLAGS: { value: "checkout,search", sensitive: false }`);
  for (const [key, value] of Object.entries(ownValues(i, keys))) lines.push(`      ${key}: ${value}`);
  return lines;
}

function liveEnv(i: number, keys: number, secret: string): Record<string, string> {
  const env: Record<string, string> = {
    ...DEFAULT_ENV,
    WEBHOOK_SECRET,
    HASURA_GRAPHQL_ADMIN_SECRET: secret,
    FEATURE_FLAGS: 'checkout,search',
    ...ownValues(i, keys),
  };
  if (i % CHANGED_EVERY === 0) {
    env[setting(1)] = 'https://old.example.com';
    delete env[setting(2)];
  }
  return env;
}

/** Writes the files into `dir`, the first with the defaults. */
export async function writeFixture(dir: string, projects: number, keys: number): Promise<Fixture> {
  if (keys < MIN_KEYS) throw new Error(`--keys must be ${MIN_KEYS} or more`);
  await mkdir(dir, { recursive: true });
  // An ignore glob every project shares, as real fleets keep hcr away from their database URLs.
  const defaults = ['defaults:', '  ignore: ["PG_*"]', '  env:'];
  for (const [key, value] of Object.entries(DEFAULT_ENV)) defaults.push(`    ${key}: ${JSON.stringify(value)}`);
  defaults.push('    WEBHOOK_SECRET: { fromEnv: WEBHOOK_SECRET }');

  const names: string[] = [];
  const env: Record<string, string> = { WEBHOOK_SECRET };
  const live = new Map<string, Record<string, string>>();
  for (let first = 0; first < projects; first += PROJECTS_PER_FILE) {
    const lines = ['version: 1', ...(first === 0 ? defaults : []), 'projects:'];
    for (let i = first; i < Math.min(projects, first + PROJECTS_PER_FILE); i++) {
      const secret = `admin-secret-${i}-c0ffee`;
      names.push(nameOf(i));
      env[secretVariable(i)] = secret;
      live.set(nameOf(i), liveEnv(i, keys, secret));
      lines.push(...projectYaml(i, keys));
    }
    await writeFile(join(dir, `projects-${String(first / PROJECTS_PER_FILE).padStart(2, '0')}.yaml`), `${lines.join('\n')}\n`);
  }
  return { dir, names, env, live, changed: Math.ceil(projects / CHANGED_EVERY) };
}

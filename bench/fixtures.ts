import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A generated desired state and the live state it is planned against. Every project ends up with
 * 30 keys: 4 from defaults (one of them fromEnv) and 26 of its own (one fromEnv, one
 * `{ value, sensitive: false }`, 24 plain strings).
 */
export interface Fixture {
  /** Where the YAML files are: one of defaults, the projects split over the others. */
  dir: string;
  names: string[];
  /** The fromEnv variables the desired state reads. */
  env: Record<string, string>;
  /** Each project's live env, differing from the desired one in the ways `liveEnv` describes. */
  live: Map<string, Record<string, string>>;
}

const OWN_SETTINGS = 24;
const DEFAULT_ENV = {
  HASURA_GRAPHQL_ENABLE_CONSOLE: 'false',
  HASURA_GRAPHQL_CORS_DOMAIN: 'https://app.example.com',
  LOG_LEVEL: 'info',
};
const WEBHOOK_SECRET = 'webhook-secret-7f3a91c2';

const nameOf = (i: number): string => `app-${String(i).padStart(4, '0')}`;
const secretVariable = (i: number): string => `APP_${String(i).padStart(4, '0')}_ADMIN_SECRET`;
const setting = (n: number): string => `SETTING_${String(n).padStart(2, '0')}`;
const prunes = (i: number): boolean => i % 4 === 0;
const removes = (i: number): boolean => i % 6 === 0;

function ownValues(i: number): Record<string, string> {
  const env: Record<string, string> = { FEATURE_FLAGS: 'checkout,search' };
  for (let n = 1; n <= OWN_SETTINGS; n++) env[setting(n)] = `https://svc-${n}.${nameOf(i)}.example.com/v1`;
  return env;
}

function projectYaml(i: number): string {
  const lines = [`  ${nameOf(i)}:`];
  if (prunes(i)) lines.push('    prune: true', '    ignore: ["PG_*"]');
  if (removes(i)) lines.push('    remove: [OLD_FEATURE]');
  lines.push('    env:', `      HASURA_GRAPHQL_ADMIN_SECRET: { fromEnv: ${secretVariable(i)} }`);
  for (const [key, value] of Object.entries(ownValues(i))) {
    lines.push(key === 'FEATURE_FLAGS' ? `      ${key}: { value: ${JSON.stringify(value)}, sensitive: false }` : `      ${key}: ${JSON.stringify(value)}`);
  }
  return lines.join('\n');
}

/**
 * What the service holds: 1 in 5 projects already right; the others with one key changed, one
 * missing, a rotated admin secret in 1 of 10 (a sensitive change), a stray key that `prune`
 * deletes, a key that `remove` deletes; every project with a PG_ key hcr leaves alone.
 */
function liveEnv(i: number, secret: string): Record<string, string> {
  const env: Record<string, string> = {
    ...DEFAULT_ENV,
    WEBHOOK_SECRET,
    HASURA_GRAPHQL_ADMIN_SECRET: secret,
    ...ownValues(i),
    PG_DATABASE_URL: `postgres://db.internal/${nameOf(i)}`,
  };
  if (i % 5 === 0) return env;
  env[setting(1)] = 'https://old.example.com';
  delete env[setting(2)];
  if (i % 10 === 1) env.HASURA_GRAPHQL_ADMIN_SECRET = `${secret}-rotated`;
  if (prunes(i)) env.STALE_FLAG = 'yes';
  if (removes(i)) env.OLD_FEATURE = 'on';
  return env;
}

/** Writes `projects` projects over `files` files (plus one of defaults) into `dir`. */
export async function writeFixture(dir: string, projects: number, files: number): Promise<Fixture> {
  await mkdir(dir, { recursive: true });
  const defaults = Object.entries(DEFAULT_ENV).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`);
  await writeFile(
    join(dir, 'defaults.yaml'),
    ['version: 1', 'defaults:', '  env:', ...defaults, '    WEBHOOK_SECRET: { fromEnv: WEBHOOK_SECRET }', ''].join('\n'),
  );

  const names: string[] = [];
  const env: Record<string, string> = { WEBHOOK_SECRET };
  const live = new Map<string, Record<string, string>>();
  const perFile = Math.ceil(projects / files);
  for (let f = 0; f < files; f++) {
    const blocks: string[] = [];
    for (let i = f * perFile; i < Math.min(projects, (f + 1) * perFile); i++) {
      const secret = `admin-secret-${i}-c0ffee`;
      names.push(nameOf(i));
      env[secretVariable(i)] = secret;
      live.set(nameOf(i), liveEnv(i, secret));
      blocks.push(projectYaml(i));
    }
    await writeFile(join(dir, `projects-${String(f).padStart(2, '0')}.yaml`), ['version: 1', 'projects:', ...blocks, ''].join('\n'));
  }
  return { dir, names, env, live };
}

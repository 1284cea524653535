import { UserError } from '../errors.js';
import { PLANS } from './records.js';

/**
 * Rough edges of the real service (docs/hasura-cloud-api.md), each off unless asked for, so that
 * a client can be tried against every one of them. Unlike faults, they are not random: the service
 * has been seen to behave this way every time.
 */
export interface Quirks {
  /** createTenant ignores the name asked for and picks a random one. */
  createRenames?: boolean;
  /** createTenant with a non-empty `envs` fails with GenericServerError on these plans, creating nothing (#9731). */
  createEnvsFail?: readonly string[];
  /** A preview-app job builds the project without the env of its payload, whose metadata then is inconsistent (#9731). */
  previewDropsEnv?: boolean;
  /**
   * `tenant` answers the undocumented fields seen in #9731 (`health_status`, `status { ... }`,
   * `active_status_reason`); without this quirk the schema is cloud-api.graphql's, which refuses them.
   */
  statusFields?: boolean;
}

/** The `--quirks` words, what each sets, and the line `hcr emulator --help` shows for it. */
const WORDS = {
  'create-renames': 'createTenant ignores the name asked for and picks a random one (as --create-ignores-name)',
  'create-envs-fail=PLAN': 'createTenant with envs fails with GenericServerError on PLAN, creating nothing (repeat for more plans)',
  'preview-drops-env': 'preview-app jobs build the project without the env they were given; its metadata is then inconsistent',
  'status-fields':
    'tenant answers health_status, status { is_active has_inconsistent_metadata message updated_at } and active_status_reason; without it they are refused as unknown fields',
} as const;

export const QUIRKS_HELP = Object.entries(WORDS)
  .map(([word, what]) => `  ${word}: ${what}`)
  .join('\n');

/** `create-envs-fail=cloud_free,preview-drops-env` (items of several flags are merged). */
export function parseQuirks(items: readonly string[]): Quirks {
  const quirks: Quirks = {};
  const failing: string[] = [];
  for (const item of items.flatMap((i) => i.split(',')).map((i) => i.trim())) {
    if (item === '') continue;
    const [word, value] = item.split('=', 2) as [string, string | undefined];
    if (word === 'create-envs-fail') {
      if (value === undefined || !PLANS.includes(value)) {
        throw new UserError(`--quirks ${item}: name the plan, one of ${PLANS.map((p) => `create-envs-fail=${p}`).join(', ')}`);
      }
      failing.push(value);
      continue;
    }
    if (value !== undefined) throw new UserError(`--quirks ${item}: ${word} takes no value`);
    if (word === 'create-renames') quirks.createRenames = true;
    else if (word === 'preview-drops-env') quirks.previewDropsEnv = true;
    else if (word === 'status-fields') quirks.statusFields = true;
    else throw new UserError(`--quirks: unknown quirk ${JSON.stringify(word)}; known: ${Object.keys(WORDS).join(', ')}`);
  }
  if (failing.length > 0) quirks.createEnvsFail = [...new Set(failing)];
  return quirks;
}

/** The `--quirks` words that give these quirks: what the emulator says it reproduces. */
export function quirkWords(quirks: Quirks): string[] {
  return [
    ...(quirks.createRenames ? ['create-renames'] : []),
    ...(quirks.createEnvsFail ?? []).map((plan) => `create-envs-fail=${plan}`),
    ...(quirks.previewDropsEnv ? ['preview-drops-env'] : []),
    ...(quirks.statusFields ? ['status-fields'] : []),
  ];
}

import type { Argv } from 'yargs';
import type { CloudClient } from '../cloud/client.js';
import { CloudError } from '../cloud/errors.js';
import type { TenantStatus } from '../cloud/types.js';
import { compareKeys } from '../plan/diff.js';
import type { LiveState } from '../state/types.js';
import type { Context, GlobalArgs } from './context.js';

/** `--status`, for plan and drift. */
export function statusOption<T extends GlobalArgs>(y: Argv<T>) {
  return y.option('status', {
    type: 'boolean',
    default: false,
    describe:
      "Also print each project's health and metadata consistency on stderr, from Hasura Cloud's undocumented tenant fields " +
      '(information only: never changes the plan, its views or the exit code)',
  });
}

/**
 * Asks for the undocumented tenant status fields of the live projects in a request of their own,
 * and prints what came back on stderr. The fields are optional extras whose meaning is not
 * documented (docs/hasura-cloud-api.md): a service that refuses them, or any failure to get them, is one line of
 * information, never an error of the command.
 */
export async function printStatus(ctx: Context, client: CloudClient, live: LiveState): Promise<void> {
  const projects = [...live].sort(([a], [b]) => compareKeys(a, b));
  if (projects.length === 0) return;
  let statuses: TenantStatus[];
  try {
    statuses = await client.getTenantStatuses(projects.map(([, project]) => project.tenantId));
  } catch (err) {
    if (!(err instanceof CloudError)) throw err;
    ctx.log(`Status not shown: Hasura Cloud did not answer its undocumented tenant status fields (${err.message}).`);
    return;
  }
  const byTenant = new Map(statuses.map((status) => [status.tenantId, status]));
  const width = Math.max(...projects.map(([name]) => name.length));
  const lines = projects.flatMap(([name, project]) => {
    const status = byTenant.get(project.tenantId);
    const head = `  ${name.padEnd(width)}  `;
    if (!status) return [`${head}no status answered`];
    return [
      `${head}${summary(status)}`,
      ...(status.inconsistentMetadata ? [`  ${' '.repeat(width)}  ! inconsistent metadata: ${status.message ?? 'no reason given'}`] : []),
    ];
  });
  ctx.log(["Status (Hasura Cloud's undocumented tenant fields; information only):", ...lines].join('\n'));
}

function summary(status: TenantStatus): string {
  const parts = [
    status.active === null ? undefined : status.active ? 'active' : 'NOT ACTIVE',
    status.isActive === false && status.active !== false ? 'status: not active' : undefined,
    status.health === null ? undefined : `health ${status.health}`,
    status.inconsistentMetadata === false ? 'metadata consistent' : undefined,
    status.inconsistentMetadata === false && status.message !== null ? `message: ${status.message}` : undefined,
  ];
  const said = parts.filter((part) => part !== undefined);
  return said.length > 0 ? said.join(', ') : 'no status answered';
}

/** Shapes of the Hasura Cloud API as the rest of hcr sees them (see docs/hasura-cloud-api.md). */

export interface TenantRef {
  id: string;
  maintenance_mode?: boolean;
}

export interface ProjectRef {
  id: string;
  name: string;
  endpoint: string;
  tenant: TenantRef | null;
}

/**
 * The undocumented tenant status fields (docs/hasura-cloud-api.md): optional extras whose
 * meaning is not documented, shown as information only.
 */
export interface TenantStatus {
  tenantId: string;
  active: boolean | null;
  /** `health_status` as the service words it; its type is not documented, so anything else is shown as JSON. */
  health: string | null;
  isActive: boolean | null;
  inconsistentMetadata: boolean | null;
  message: string | null;
}

/** A tenant's env as getTenantEnv / updateTenantEnv / deleteTenantEnv answer it. */
export interface TenantEnv {
  hash: string;
  env: Record<string, string>;
}

export interface CreateTenantInput {
  cloud: string;
  region: string;
  /** The API's `plan` argument: `cloud_free`, `cloud_payg`. */
  billingPlan?: string;
  name?: string;
  envs: Record<string, string>;
}

export interface CreatedTenant {
  tenantId: string;
  /** The name the service gave, which may differ from the one asked for (docs/hasura-cloud-api.md). */
  name: string;
}

export interface PreviewAppInput {
  githubPersonalAccessToken: string;
  githubRepoDetails: { owner: string; repo: string; branch: string; directory: string };
  projectOptions: {
    cloud: string;
    region: string;
    plan: string;
    name: string;
    envVars: { key: string; value: string }[];
  };
}

export interface JobEvent {
  id: string;
  event_type: string;
  public_event_data: unknown;
  error: string | null;
}

export interface Job {
  id: string;
  status: string;
  tasks: { id: string; name: string; task_events: JobEvent[] }[];
}

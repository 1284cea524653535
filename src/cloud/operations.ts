import { Kind, parse } from 'graphql';

/** A named GraphQL document; `name` is what the service sees as `operationName`. */
export interface Operation {
  readonly name: string;
  readonly mutation: boolean;
  readonly document: string;
  /** For a batched read: how many reads the document carries. */
  readonly batch?: number;
}

function define(document: string): Operation {
  const [definition, ...rest] = parse(document).definitions;
  if (definition?.kind !== Kind.OPERATION_DEFINITION || !definition.name || rest.length > 0) {
    throw new Error(`a cloud operation must be exactly one named operation:\n${document}`);
  }
  return { name: definition.name.value, mutation: definition.operation === 'mutation', document };
}

const PROJECT_FIELDS = 'id name endpoint tenant { id maintenance_mode }';
const TENANT_ENV_FIELDS = 'hash envVars';

export const FIND_PROJECTS_BY_NAME = define(`
  query findProjectsByName($names: [String!]!) {
    projects(where: { name: { _in: $names } }) { ${PROJECT_FIELDS} }
  }
`);

export const FIND_PROJECTS = define(`
  query findProjects($names: [String!]!, $tenantIds: [uuid!]!) {
    projects(where: { _or: [{ name: { _in: $names } }, { tenant: { id: { _in: $tenantIds } } }] }) { ${PROJECT_FIELDS} }
  }
`);

export const LIST_PROJECTS = define(`
  query listProjects {
    projects(order_by: [{ name: asc }]) { ${PROJECT_FIELDS} }
  }
`);

/** Newest first: a project just created is in the first rows even of an answer the service cuts short. */
export const LIST_PROJECTS_IN_REGION = define(`
  query listProjectsInRegion($region: String!) {
    projects(where: { tenant: { region: { _eq: $region } } }, order_by: [{ created_at: desc }]) { ${PROJECT_FIELDS} }
  }
`);

export const GET_PROJECT = define(`
  query getProject($id: uuid!) {
    projects_by_pk(id: $id) { ${PROJECT_FIELDS} }
  }
`);

/**
 * The undocumented tenant fields a real client's query showed (docs/hasura-cloud-api.md), alone
 * in their own request: a service that does not know them refuses the whole document.
 */
export const GET_TENANT_STATUSES = define(`
  query getTenantStatuses($ids: [uuid!]!) {
    tenant(where: { id: { _in: $ids } }) { id active health_status status { is_active has_inconsistent_metadata message } }
  }
`);

export const GET_TENANT_ENV = define(`
  query getTenantEnv($tenantId: uuid!) {
    getTenantEnv(tenantId: $tenantId) { ${TENANT_ENV_FIELDS} }
  }
`);

/** A batched read: its aliases, which are also the names of its variables, in order. */
export interface BatchedRead extends Operation {
  readonly aliases: readonly string[];
}

const batchedReads = new Map<number, BatchedRead>();

/**
 * `size` getTenantEnv fields in one document, aliased `t0`, `t1`, ... each with its own variable
 * of the same name: the answer to each read is found by its alias, as the answer itself does not
 * name the tenant.
 */
export function getTenantEnvs(size: number): BatchedRead {
  let operation = batchedReads.get(size);
  if (!operation) {
    const aliases = Array.from({ length: size }, (_, i) => `t${i}`);
    const variables = aliases.map((alias) => `$${alias}: uuid!`).join(', ');
    const fields = aliases.map((alias) => `${alias}: getTenantEnv(tenantId: $${alias}) { ${TENANT_ENV_FIELDS} }`).join('\n    ');
    operation = { ...define(`\n  query getTenantEnvs(${variables}) {\n    ${fields}\n  }\n`), batch: size, aliases };
    batchedReads.set(size, operation);
  }
  return operation;
}

export const UPDATE_TENANT_ENV = define(`
  mutation updateTenantEnv($tenantId: uuid!, $currentHash: String!, $envs: [UpdateEnvObject!]!) {
    updateTenantEnv(tenantId: $tenantId, currentHash: $currentHash, envs: $envs) { ${TENANT_ENV_FIELDS} }
  }
`);

export const DELETE_TENANT_ENV = define(`
  mutation deleteTenantEnv($tenantId: uuid!, $currentHash: String!, $deleteEnvs: [String!]!) {
    deleteTenantEnv(tenantId: $tenantId, currentHash: $currentHash, deleteEnvs: $deleteEnvs) { ${TENANT_ENV_FIELDS} }
  }
`);

export const CREATE_TENANT = define(`
  mutation createTenant($cloud: String!, $region: String!, $envs: [UpdateEnvsObject], $name: String, $plan: String) {
    createTenant(cloud: $cloud, region: $region, envs: $envs, name: $name, plan: $plan) { id name }
  }
`);

export const DELETE_TENANT = define(`
  mutation deleteTenant($tenantId: uuid!) {
    deleteTenant(tenantId: $tenantId) { status }
  }
`);

export const UPDATE_TENANT_NAME = define(`
  mutation updateTenantName($tenantId: uuid!, $name: String!) {
    updateTenantName(tenantId: $tenantId, name: $name) { tenant_id }
  }
`);

export const CREATE_GITHUB_PREVIEW_APP = define(`
  mutation createGitHubPreviewApp($payload: CreateGithubPreviewAppInputPayload!) {
    createGitHubPreviewApp(payload: $payload) { githubPreviewAppJobID }
  }
`);

export const GET_JOB = define(`
  query getJob($id: uuid!) {
    jobs_by_pk(id: $id) {
      id status
      tasks(order_by: [{ created_at: asc }]) {
        id name
        task_events(order_by: [{ created_at: asc }]) { id event_type public_event_data error }
      }
    }
  }
`);

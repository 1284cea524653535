import { readFileSync } from 'node:fs';
import {
  GraphQLError,
  GraphQLObjectType,
  GraphQLScalarType,
  Kind,
  buildASTSchema,
  parse,
  print,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { serverErrorJson } from './errors.js';
import { SERVER_ERROR, tenantHealth, uuidNotString } from './messages.js';
import { packageFile } from '../paths.js';
import type { PreviewAppPayload } from './preview.js';
import { list, normalizeUuid, type ListArgs, type Table } from './query.js';
import type { Quirks } from './quirks.js';
import {
  DEFAULT_PLAN,
  endpointOf,
  missingMetadataEnv,
  type EnvEntry,
  type EnvState,
  type JobRecord,
  type ProjectRecord,
  type TaskEventRecord,
  type TaskRecord,
} from './records.js';
import type { Store } from './store.js';

/** What every resolver gets: the state, a way to start a preview job's clock, and the quirks in force. */
// A type alias, not an interface, so that it fits graphql-http's Record-shaped context type.
export type ResolverContext = {
  store: Store;
  previewJobCreated(jobId: string): void;
  quirks(): Readonly<Quirks>;
};

type Resolver<A> = GraphQLFieldResolver<unknown, ResolverContext, A>;

// Read at run time from src/, which the package ships it in: the bundle in dist/ holds only code.
const SDL_FILE = packageFile('src/emulator/schema.graphql');

const projectsTable: Table<ProjectRecord> = {
  columns: {
    id: { type: 'uuid', get: (r) => r.projectId },
    name: { type: 'String', get: (r) => r.name },
    created_at: { type: 'timestamptz', get: (r) => r.createdAt },
  },
};

const tenantTable: Table<ProjectRecord> = {
  columns: {
    id: { type: 'uuid', get: (r) => r.tenantId },
    slug: { type: 'String', get: (r) => r.name },
    project_id: { type: 'uuid', get: (r) => r.projectId },
    region: { type: 'String', get: (r) => r.region },
    active: { type: 'Boolean', get: () => true },
    maintenance_mode: { type: 'Boolean', get: (r) => r.maintenance },
    created_at: { type: 'timestamptz', get: (r) => r.createdAt },
  },
};
projectsTable.relations = { tenant: { table: tenantTable, get: (r) => r } };

const timestamps = <R extends { createdAt: string; updatedAt?: string }>(): Table<R> => ({
  columns: {
    created_at: { type: 'timestamptz', get: (r) => r.createdAt },
    updated_at: { type: 'timestamptz', get: (r) => r.updatedAt ?? r.createdAt },
  },
});
const tasksTable = timestamps<TaskRecord>();
const eventsTable = timestamps<TaskEventRecord>();

/** Where a field's arguments are in the document, in Hasura's error-path notation. */
function argsPath(info: GraphQLResolveInfo): string {
  const keys: string[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) {
    if (typeof p.key === 'string') keys.unshift(p.key);
  }
  return `$${keys.map((k) => `.selectionSet.${k}`).join('')}.args`;
}

// Views: plain objects shaped like the GraphQL types. Relationships are functions, which
// graphql-js's default resolver calls, so nested selections are built only when asked for.
const projectView = (r: ProjectRecord) => ({
  id: r.projectId,
  name: r.name,
  endpoint: endpointOf(r.name),
  created_at: r.createdAt,
  tenant: () => tenantView(r),
});

const tenantView = (r: ProjectRecord) => ({
  id: r.tenantId,
  slug: r.name,
  cloud: r.cloud,
  region: r.region,
  project_id: r.projectId,
  project: () => projectView(r),
  active: true,
  maintenance_mode: r.maintenance,
  status: null,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
  // Only the status-fields schema has these fields (and resolves `status` from `statusObject`).
  health_status: () => (missingMetadataEnv(r).length > 0 ? tenantHealth.inconsistent : tenantHealth.ok),
  active_status_reason: null,
  statusObject: () => {
    const missing = missingMetadataEnv(r);
    return {
      is_active: true,
      has_inconsistent_metadata: missing.length > 0,
      message: missing.length > 0 ? tenantHealth.missingEnv(missing) : null,
      updated_at: r.updatedAt,
    };
  },
});

const envView = (s: EnvState) => ({ hash: s.hash, envVars: { environment: s.env } });

const eventView = (e: TaskEventRecord) => ({
  id: e.id,
  event_type: e.eventType,
  public_event_data: e.publicEventData,
  error: e.error,
  github_detail: null,
  created_at: e.createdAt,
  updated_at: e.createdAt,
});

const taskView = (t: TaskRecord) => ({
  id: t.id,
  name: t.name,
  cloud: t.cloud,
  region: t.region,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
  task_events: (args: ListArgs, _ctx: unknown, info: GraphQLResolveInfo) =>
    list(eventsTable, t.events, args, argsPath(info)).map(eventView),
});

const jobView = (j: JobRecord) => ({
  id: j.id,
  status: j.status,
  created_at: j.createdAt,
  tasks: (args: ListArgs, _ctx: unknown, info: GraphQLResolveInfo) => list(tasksTable, j.tasks, args, argsPath(info)).map(taskView),
});

const uuidArg = (value: string, info: GraphQLResolveInfo, name: string) => normalizeUuid(value, () => `${argsPath(info)}.${name}`);

type ById = { id: string };
type ByTenant = { tenantId: string };
type EnvWrite<K extends string, V> = ByTenant & { currentHash: string } & Record<K, V>;
interface CreateTenantArgs {
  cloud: string;
  region: string;
  envs?: (EnvEntry | null)[] | null;
  name?: string | null;
  plan?: string | null;
}

// Argument types are what the schema's argument definitions coerce to.
const queries: Record<string, Resolver<any>> = {
  projects: (_, args: ListArgs, { store }, info) => list(projectsTable, store.listProjects(), args, argsPath(info)).map(projectView),
  projects_by_pk: (_, { id }: ById, { store }, info) => {
    const found = store.getProject(uuidArg(id, info, 'id'));
    return found ? projectView(found) : null;
  },
  tenant: (_, args: ListArgs, { store }, info) => list(tenantTable, store.listProjects(), args, argsPath(info)).map(tenantView),
  tenant_by_pk: (_, { id }: ById, { store }, info) => {
    const found = store.getTenant(uuidArg(id, info, 'id'));
    return found ? tenantView(found) : null;
  },
  getTenantEnv: (_, { tenantId }: ByTenant, { store }, info) => envView(store.getEnv(uuidArg(tenantId, info, 'tenantId'))),
  jobs_by_pk: (_, { id }: ById, { store }, info) => {
    const found = store.getJob(uuidArg(id, info, 'id'));
    return found ? jobView(found) : null;
  },
};

const mutations: Record<string, Resolver<any>> = {
  createTenant: (_, a: CreateTenantArgs, { store, quirks }) => {
    const { createRenames, createEnvsFail = [] } = quirks();
    if (createEnvsFail.includes(a.plan ?? DEFAULT_PLAN) && a.envs?.some((e) => e !== null)) {
      throw new GraphQLError(SERVER_ERROR.message, { extensions: serverErrorJson().extensions });
    }
    const created = store.createProject({
      cloud: a.cloud,
      region: a.region,
      name: createRenames ? undefined : (a.name ?? undefined),
      plan: a.plan ?? undefined,
      env: a.envs ?? undefined,
    });
    const record = store.getTenant(created.tenantId);
    return { id: created.tenantId, name: created.name, tenant: record ? tenantView(record) : null };
  },
  deleteTenant: (_, { tenantId }: ByTenant, { store }, info) => {
    store.deleteTenant(uuidArg(tenantId, info, 'tenantId'));
    return { status: 'deleted' };
  },
  updateTenantName: (_, { tenantId, name }: ByTenant & { name: string }, { store }, info) => {
    const record = store.renameTenant(uuidArg(tenantId, info, 'tenantId'), name);
    return { tenant_id: record.tenantId, tenant: tenantView(record) };
  },
  updateTenantEnv: (_, { tenantId, currentHash, envs }: EnvWrite<'envs', EnvEntry[]>, { store }, info) =>
    envView(store.updateEnv(uuidArg(tenantId, info, 'tenantId'), currentHash, envs)),
  deleteTenantEnv: (_, { tenantId, currentHash, deleteEnvs }: EnvWrite<'deleteEnvs', string[]>, { store }, info) =>
    envView(store.deleteEnv(uuidArg(tenantId, info, 'tenantId'), currentHash, deleteEnvs)),
  createGitHubPreviewApp: (_, { payload }: { payload?: PreviewAppPayload | null }, { store, previewJobCreated, quirks }) => {
    const jobId = store.createPreviewJob(payload ?? null, { dropEnv: quirks().previewDropsEnv === true });
    previewJobCreated(jobId);
    return { githubPreviewAppJobID: jobId };
  },
};

/**
 * Hasura's uuid is a string scalar: any string passes GraphQL validation (real clients even
 * declare non-uuid defaults) and Postgres rejects a malformed one when it is used.
 */
function configureUuid(uuid: GraphQLScalarType): void {
  uuid.parseValue = (value) => {
    if (typeof value !== 'string') throw new GraphQLError(uuidNotString(JSON.stringify(value)));
    return value;
  };
  uuid.parseLiteral = (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError(uuidNotString(print(ast)));
    return ast.value;
  };
}

function attach(type: GraphQLObjectType | null | undefined, resolvers: Record<string, Resolver<any>>): void {
  const fields = type?.getFields() ?? {};
  for (const [name, resolve] of Object.entries(resolvers)) {
    const field = fields[name];
    if (!field) throw new Error(`schema.graphql has no root field ${name}`);
    field.resolve = resolve;
  }
}

/**
 * The tenant type as a real client's query shows it (#9731), for the status-fields quirk: three
 * more fields, and `status` an object where cloud-api.graphql (written before that query was
 * known) has a String. Every other type and field stays as schema.graphql has it.
 */
const STATUS_TYPE = parse(`
  type tenant_status { is_active: Boolean!, has_inconsistent_metadata: Boolean!, message: String, updated_at: timestamptz }
  extend type tenant { health_status: String, active_status_reason: String }
`);

function withStatusFields(document: DocumentNode): DocumentNode {
  const definitions = document.definitions.map((d): DefinitionNode => {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION || d.name.value !== 'tenant') return d;
    const fields = d.fields?.map((f): FieldDefinitionNode =>
      f.name.value === 'status' ? { ...f, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'tenant_status' } } } : f,
    );
    if (!fields?.some((f) => f.name.value === 'status')) throw new Error('schema.graphql has no tenant.status');
    return { ...d, fields };
  });
  return { ...document, definitions: [...definitions, ...STATUS_TYPE.definitions] };
}

function build(document: DocumentNode): GraphQLSchema {
  const schema = buildASTSchema(document);
  const uuid = schema.getType('uuid');
  if (!(uuid instanceof GraphQLScalarType)) throw new Error('schema.graphql has no uuid scalar');
  configureUuid(uuid);
  attach(schema.getQueryType(), queries);
  attach(schema.getMutationType(), mutations);
  return schema;
}

/**
 * The executable schema: schema.graphql plus the resolvers above, or with `statusFields` the
 * variant that answers the undocumented tenant fields. Each is built once per process.
 */
export const emulatorSchema: (options?: { statusFields?: boolean }) => GraphQLSchema = (() => {
  const built = new Map<boolean, GraphQLSchema>();
  return ({ statusFields = false } = {}) => {
    let schema = built.get(statusFields);
    if (schema) return schema;
    const document = parse(readFileSync(SDL_FILE, 'utf8'));
    schema = build(statusFields ? withStatusFields(document) : document);
    if (statusFields) {
      const tenant = schema.getType('tenant');
      const status = tenant instanceof GraphQLObjectType ? tenant.getFields().status : undefined;
      if (!status) throw new Error('the status-fields schema has no tenant.status');
      status.resolve = (source: ReturnType<typeof tenantView>) => source.statusObject();
    }
    built.set(statusFields, schema);
    return schema;
  };
})();

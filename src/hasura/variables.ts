import { SOURCES, type Source } from './sources.js';

/**
 * The engine's server variables (Hasura GraphQL Engine v2): how each value is parsed, its default,
 * and what Hasura Cloud does with it. Tags are those of sources.ts; [F] stated, [I] inferred.
 */

export type ValueType =
  | 'bool' // ENV `FromEnv Bool` [F]
  | 'int' // ENV `FromEnv Int`: Haskell `read` [F]
  | 'nonneg-int' // ENV `Refined NonNegative`, BatchSize, RefetchInterval [F]
  | 'positive-int' // ENV `Refined Positive Int` [F]
  | 'port' // ENV `FromEnv Port`: 0 to 65535 [F]
  | 'nonneg-seconds' // ENV `FromEnv NominalDiffTime`: a Double [F], NonNegative [F]
  | 'enum'
  | 'csv-enum' // ENV: splitOn "," then strip each item [F]
  | 'cors' // CORS `readCorsDomains` [F]
  | 'json' // ENV `J.eitherDecode` [F]
  | 'jwt' // ENV `FromEnv JWTConfig = readJson` [F]
  | 'jwt-list' // ENV `FromEnv [JWTConfig] = readJson` [F]
  | 'admin-secrets' // a JSON array of strings (REF, ADMIN_SECRETS_DOC) [F]
  | 'role' // ENV `FromEnv RoleName`: not empty [F]
  | 'url' // not parsed at startup [I]
  | 'string';

/** What Hasura Cloud does with the variable (REF "Supported in" and Cloud notes). */
export type CloudSupport = 'supported' | 'unsupported' | 'managed';

export interface Variable {
  name: string;
  type: ValueType;
  /** enum / csv-enum: the values the engine accepts. */
  values?: readonly string[];
  /** enum: compared exactly (otherwise trimmed and in any case). */
  exact?: boolean;
  /** csv-enum: items only some versions or editions accept (hasura/version-dependent). */
  someVersions?: readonly string[];
  /** csv-enum: other versions or editions know more items, so an unknown one may be fine there. */
  open?: boolean;
  default?: string;
  /**
   * Whether the engine surely exits on a value it cannot parse. False where that is inferred (an
   * Enterprise-only variable, a deprecated one): such findings are warnings, not errors.
   */
  fatal: boolean;
  /** Never quoted in a message, whatever the desired state says about sensitivity. */
  secret?: boolean;
  cloud: CloudSupport;
  /** Hasura Cloud accepts only these values (LOG_LEVEL: info). */
  cloudValues?: readonly string[];
  /** What to use instead, for a deprecated variable. */
  deprecated?: string;
  /** Where its name, parser and default are known from. */
  sources: readonly Source[];
}

type Options = Omit<Variable, 'name' | 'type' | 'fatal' | 'cloud' | 'sources'> & {
  fatal?: boolean;
  cloud?: CloudSupport;
  sources?: readonly Source[];
};

const PREFIX = 'HASURA_GRAPHQL_';

/** Parsed by the open-source engine, so a bad value is fatal, and supported on Cloud, unless said. */
const v = (name: string, type: ValueType, options: Options = {}): Variable => ({
  name: PREFIX + name,
  type,
  fatal: true,
  cloud: 'supported',
  sources: [SOURCES.SERVE, SOURCES.ENV, SOURCES.REF],
  ...options,
});

/** Named by the reference only (not in the engine source read): what it says of the type. */
const REF_ONLY = { sources: [SOURCES.REF] };

/** Enterprise Edition only (REF): whether and how Cloud's build parses it is not documented [I]. */
const ee = (name: string, type: ValueType, options: Options = {}): Variable =>
  v(name, type, { fatal: false, cloud: 'unsupported', ...REF_ONLY, ...options });

/** v1 database settings: deprecated after v2.0; still parsed (SERVE parseConnParams) but of no effect once metadata exists (UPGRADE_V2) [F]; fatal [I]. */
const v1 = (name: string, type: ValueType, options: Options = {}): Variable =>
  v(name, type, {
    fatal: false,
    deprecated: 'the database settings in metadata',
    sources: [SOURCES.SERVE, SOURCES.REF, SOURCES.UPGRADE_V2],
    ...options,
  });

// ENV readAPI: toUpper . strip; METRICS is in the newest code [F].
const APIS = ['metadata', 'graphql', 'pgdump', 'developer', 'config', 'metrics'] as const;

const VARIABLES: readonly Variable[] = [
  // graphql-engine command (REF)
  v('DATABASE_URL', 'url', { fatal: false, cloud: 'unsupported', sources: [SOURCES.REF, SOURCES.UPGRADE_V2] }),
  v('METADATA_DATABASE_URL', 'url', { fatal: false, cloud: 'managed' }), // REF, config-examples: controlled by Hasura Cloud [F]
  // serve (SERVE, REF)
  v('ADMIN_SECRET', 'string', { fatal: false, secret: true }), // ENV: no validation, hashed [F]; Cloud generates one (REF) [F]
  v('ACCESS_KEY', 'string', { fatal: false, secret: true, deprecated: 'HASURA_GRAPHQL_ADMIN_SECRET' }), // SERVE accessKeyOption [F]
  v('ADMIN_SECRETS', 'admin-secrets', { fatal: false, secret: true, sources: [SOURCES.REF, SOURCES.ADMIN_SECRETS_DOC] }), // REF: EE; Cloud docs document it [F]; parse [I]
  v('AUTH_HOOK', 'url', { fatal: false }), // not validated at startup [I]
  v('AUTH_HOOK_MODE', 'enum', { values: ['GET', 'POST'], exact: true, default: 'GET' }), // ENV: exactly "GET" / "POST" [F]
  v('AUTH_HOOK_TYPE', 'enum', {
    values: ['GET', 'POST'],
    exact: true,
    fatal: false,
    deprecated: 'HASURA_GRAPHQL_AUTH_HOOK_MODE',
    sources: [SOURCES.INIT, SOURCES.ENV],
  }), // INIT legacy alias [F]
  v('AUTH_HOOK_SEND_REQUEST_BODY', 'bool', { default: 'true' }),
  v('JWT_SECRET', 'jwt', { secret: true, sources: [SOURCES.SERVE, SOURCES.ENV, SOURCES.JWT, SOURCES.REF] }),
  v('JWT_SECRETS', 'jwt-list', { secret: true, sources: [SOURCES.ENV, SOURCES.JWT, SOURCES.REF, SOURCES.JWT_SECRETS_DOC] }), // REF: EE, Cloud; ignored by OSS (#9276) [F]
  v('UNAUTHORIZED_ROLE', 'role'),
  v('CORS_DOMAIN', 'cors', { default: '*', sources: [SOURCES.SERVE, SOURCES.CORS, SOURCES.REF] }), // Cloud default * (REF) [F]
  v('DISABLE_CORS', 'bool', { default: 'false', cloud: 'unsupported' }),
  v('WS_READ_COOKIE', 'bool', { default: 'false', cloud: 'unsupported' }),
  v('ENABLE_CONSOLE', 'bool', { default: 'false', cloud: 'unsupported' }), // REF: Cloud "Console is always enabled" [F]
  v('CONSOLE_ASSETS_DIR', 'string', { cloud: 'unsupported' }),
  v('DEV_MODE', 'bool', { default: 'false' }),
  v('ADMIN_INTERNAL_ERRORS', 'bool', { default: 'true' }),
  v('ENABLE_TELEMETRY', 'bool', { default: 'true', cloud: 'unsupported' }),
  v('ENABLE_ALLOWLIST', 'bool', { default: 'false' }),
  v('ENABLED_APIS', 'csv-enum', { values: APIS, default: 'metadata,graphql,pgdump,config' }), // SERVE enabledAPIsOption [F]
  v('ENABLED_LOG_TYPES', 'csv-enum', {
    // LOG: the code's string is validate-insert-input-log, REF says validate-input-log [F]; EE builds
    // (and Hasura Cloud's) have further types, e.g. api-limit-log (logging docs) [F].
    values: [
      'startup',
      'http-log',
      'webhook-log',
      'websocket-log',
      'query-log',
      'execution-log',
      'livequery-poller-log',
      'action-handler-log',
      'data-connector-log',
      'jwk-refresh-log',
      'validate-insert-input-log',
    ],
    someVersions: ['validate-input-log', 'api-limit-log'],
    open: true,
    default: 'startup,http-log,webhook-log,websocket-log,jwk-refresh-log',
    cloud: 'unsupported',
    sources: [SOURCES.SERVE, SOURCES.LOG, SOURCES.REF],
  }),
  v('LOG_LEVEL', 'enum', { values: ['debug', 'info', 'warn', 'error'], default: 'info', cloudValues: ['info'] }), // ENV toLower . strip [F]
  v('STRINGIFY_NUMERIC_TYPES', 'bool', { default: 'false' }),
  v('BIGQUERY_STRING_NUMERIC_INPUT', 'bool', { default: 'false', cloud: 'unsupported', ...REF_ONLY }),
  v('V1_BOOLEAN_NULL_COLLAPSE', 'bool', { default: 'false' }),
  v('BACKWARDS_COMPAT_NULL_IN_NONNULLABLE_VARIABLES', 'bool', { default: 'false', ...REF_ONLY }),
  v('REMOTE_SCHEMA_SKIP_NULLS', 'bool', { default: 'false' }),
  v('REMOTE_SCHEMA_PRIORITIZE_DATA', 'bool', { default: 'false', ...REF_ONLY }),
  v('ENABLE_REMOTE_SCHEMA_PERMISSIONS', 'bool', { default: 'false' }),
  v('INFER_FUNCTION_PERMISSIONS', 'bool', { default: 'true' }),
  v('EXPERIMENTAL_FEATURES', 'csv-enum', {
    // TYPES ExperimentalFeature keys [F]; REF adds remove_empty_subscription_responses; the list
    // grows with versions (ENV builds the accepted list from the enum) [F].
    values: [
      'inherited_roles',
      'optimize_permission_filters',
      'naming_convention',
      'streaming_subscriptions',
      'apollo_federation',
      'hide_update_many_fields',
      'bigquery_string_numeric_input',
      'hide_aggregation_predicates',
      'hide_stream_fields',
      'group_by_aggregations',
      'disable_postgres_arrays',
    ],
    someVersions: ['remove_empty_subscription_responses'],
    open: true,
    sources: [SOURCES.SERVE, SOURCES.ENV, SOURCES.TYPES, SOURCES.REF],
  }),
  // ENV parseNamingConventionFromText; the case rule is not stated [I], so any case passes.
  v('DEFAULT_NAMING_CONVENTION', 'enum', { values: ['hasura-default', 'graphql-default'], default: 'hasura-default' }),
  v('ENABLE_APOLLO_FEDERATION', 'bool', { default: 'false' }),
  v('ENABLE_MAINTENANCE_MODE', 'bool', { default: 'false' }),
  v('ENABLE_METADATA_QUERY_LOGGING', 'bool', { default: 'false', cloud: 'unsupported' }),
  v('ENABLE_TRIGGERS_ERROR_LOG_LEVEL', 'bool', { default: 'false', cloud: 'unsupported' }),
  v('CLOSE_WEBSOCKETS_ON_METADATA_CHANGE', 'bool', { default: 'true' }),
  v('CONNECTION_COMPRESSION', 'bool', { default: 'false', cloud: 'unsupported' }),
  v('CONFIGURED_HEADER_PRECEDENCE', 'bool', { default: 'false', ...REF_ONLY }),
  v('DISABLE_NATIVE_QUERY_VALIDATION', 'bool', { default: 'false', ...REF_ONLY }),
  v('WEBSOCKET_KEEPALIVE', 'nonneg-int', { default: '5', cloud: 'unsupported' }),
  v('WEBSOCKET_CONNECTION_INIT_TIMEOUT', 'nonneg-int', { default: '3', cloud: 'unsupported' }),
  v('LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL', 'nonneg-int', { default: '1000' }),
  v('LIVE_QUERIES_MULTIPLEXED_BATCH_SIZE', 'nonneg-int', { default: '100' }),
  v('STREAMING_QUERIES_MULTIPLEXED_REFETCH_INTERVAL', 'nonneg-int', { default: '1000', cloud: 'unsupported' }),
  v('STREAMING_QUERIES_MULTIPLEXED_BATCH_SIZE', 'nonneg-int', { default: '100', cloud: 'unsupported' }),
  v('EVENTS_HTTP_POOL_SIZE', 'positive-int', { default: '100' }),
  v('EVENTS_FETCH_BATCH_SIZE', 'nonneg-int', { default: '100' }),
  v('EVENTS_FETCH_INTERVAL', 'nonneg-int', { default: '1000', cloud: 'unsupported' }),
  v('ASYNC_ACTIONS_FETCH_INTERVAL', 'nonneg-int', { default: '1000' }),
  v('ASYNC_ACTIONS_FETCH_BATCH_SIZE', 'int', { default: '10' }),
  v('GRACEFUL_SHUTDOWN_TIMEOUT', 'nonneg-int', { default: '60', cloud: 'unsupported' }),
  v('SCHEMA_SYNC_POLL_INTERVAL', 'nonneg-int', { default: '1000', cloud: 'unsupported' }),
  v('MAX_TOTAL_HEADER_LENGTH', 'int', { default: '1048576', cloud: 'unsupported' }),
  v('METADATA_DATABASE_EXTENSIONS_SCHEMA', 'string', { default: 'public', cloud: 'unsupported' }),
  v('METADATA_DEFAULTS', 'json', { sources: [SOURCES.SERVE, SOURCES.ENV] }), // not in REF
  v('SERVER_HOST', 'string', { default: '*', cloud: 'managed' }), // REF: managed by Hasura Cloud [F]
  v('SERVER_PORT', 'port', { default: '8080', cloud: 'managed' }),
  v('DYNAMIC_SECRETS_ALLOWED_PATH_PREFIX', 'string', { cloud: 'unsupported', ...REF_ONLY }),
  v('ENABLE_PERSISTED_QUERIES', 'bool', { default: 'false', cloud: 'unsupported' }), // in SERVE; REF: EE
  v('PERSISTED_QUERIES_TTL', 'int', { default: '5', cloud: 'unsupported' }),
  // Enterprise Edition (REF "Supported in"); some also on Cloud.
  ee('ENABLE_QUERY_TRACING', 'bool', { default: 'false', cloud: 'supported' }),
  ee('MAX_CACHE_SIZE', 'int', { default: '1', cloud: 'supported' }),
  ee('CACHE_MAX_ENTRY_TTL', 'int', { default: '3600' }),
  ee('REDIS_URL', 'string'),
  ee('REDIS_TIMEOUT', 'int'),
  ee('REDIS_TLS_HOSTNAME', 'string'),
  ee('REDIS_TLS_SHARED_CA_STORE_PATH', 'string'),
  ee('RATE_LIMIT_REDIS_URL', 'string'),
  ee('RATE_LIMIT_REDIS_TLS_HOSTNAME', 'string'),
  ee('RATE_LIMIT_REDIS_USE_TLS', 'bool', { default: 'false' }),
  ee('SSO_PROVIDERS', 'json'),
  ee('METRICS_ENABLE_HIGH_CARDINALITY_LABELS', 'bool', { default: 'true' }),
  ee('ENABLE_LOG_COMPRESSION', 'bool', { default: 'false' }),
  ee('CONNECTIONS_PER_READ_REPLICA', 'int', { default: '50' }),
  ee('PG_SSL_CERTIFICATE_PATH', 'string'),
  // Deprecated v1 database settings (REF, UPGRADE_V2).
  v1('PG_CONNECTIONS', 'nonneg-int', { default: '50' }),
  v1('PG_TIMEOUT', 'nonneg-int', { default: '180' }),
  v1('NO_OF_RETRIES', 'int', { default: '1' }),
  v1('PG_CONN_LIFETIME', 'nonneg-seconds', { default: '600' }),
  v1('PG_POOL_TIMEOUT', 'nonneg-seconds'),
  v1('PG_STRIPES', 'nonneg-int', { default: '1' }),
  v1('USE_PREPARED_STATEMENTS', 'bool', { default: 'true' }),
  v1('TX_ISOLATION', 'enum', { values: ['read-committed', 'repeatable-read', 'serializable'], default: 'read-committed' }),
  v1('READ_REPLICA_URL', 'url'),
  v1('READ_REPLICA_URLS', 'url'),
  v1('STRIPES_PER_READ_REPLICA', 'int'),
  v1('QUERY_PLAN_CACHE_SIZE', 'int', { deprecated: 'nothing: the engine reads it and ignores it' }),
];

const BY_NAME: ReadonlyMap<string, Variable> = new Map(VARIABLES.map((variable) => [variable.name, variable]));

/** Every variable hcr knows, in catalogue order. */
export const KNOWN_VARIABLES: readonly Variable[] = VARIABLES;

export function variable(name: string): Variable | undefined {
  return BY_NAME.get(name);
}

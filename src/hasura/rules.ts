import { SOURCES, type Source } from './sources.js';

export type Level = 'error' | 'warning' | 'info';
/** What `checks:` may set a rule to. */
export type Setting = Level | 'off';
export const SETTINGS: readonly Setting[] = ['off', 'info', 'warning', 'error'];

/**
 * - `engine`: what the engine does with a value or a combination (refuses to start, ignores it).
 * - `advice`: names and Hasura Cloud specifics, about keys the desired state declares.
 * - `production`: Hasura's production checklist, for projects marked `production: true`.
 */
export type RuleGroup = 'engine' | 'advice' | 'production';

export interface Rule {
  id: RuleId;
  level: Level;
  group: RuleGroup;
  /** One line: what the rule catches. */
  title: string;
  /** Why it matters, in a few sentences. */
  description: string;
  /** How to fix what it reports. */
  help: string;
  sources: readonly Source[];
}

export const RULE_IDS = [
  'hasura/bool',
  'hasura/number',
  'hasura/enum',
  'hasura/list',
  'hasura/cors-domain',
  'hasura/json',
  'hasura/jwt-secret',
  'hasura/empty-role',
  'hasura/webhook-and-jwt',
  'hasura/auth-without-admin-secret',
  'hasura/unauthorized-role-with-webhook',
  'hasura/ws-read-cookie',
  'hasura/unknown-name',
  'hasura/version-dependent',
  'hasura/admin-secrets',
  'hasura/secret-and-secrets',
  'hasura/jwt-field',
  'hasura/jwt-key-type',
  'hasura/jwt-audience',
  'hasura/jwt-issuer',
  'hasura/cors-empty',
  'hasura/cors-path',
  'hasura/cloud-managed',
  'hasura/cloud-unsupported',
  'hasura/deprecated',
  'hasura/admin-secret',
  'hasura/console',
  'hasura/dev-mode',
  'hasura/cors-wildcard',
  'hasura/enabled-apis',
  'hasura/allowlist',
  'hasura/telemetry',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

const EXITS = 'The engine reads every HASURA_GRAPHQL_* variable at startup and exits on one it cannot parse';

const RULE_LIST: readonly Rule[] = [
  {
    id: 'hasura/bool',
    level: 'error',
    group: 'engine',
    title: 'A boolean the engine cannot read (such as 1, 0, on, off or an empty value)',
    description: `${EXITS}: a boolean is true, t, yes or y, or false, f, no or n, in any case, and nothing else.`,
    help: 'Write "true" or "false" (quoted in YAML).',
    sources: [SOURCES.ENV],
  },
  {
    id: 'hasura/number',
    level: 'error',
    group: 'engine',
    title: 'A number the engine cannot read, or out of its range (a negative size, a port above 65535)',
    description: `${EXITS}: numbers are plain whole numbers (no units, no 1e3), some of them 0 or more, a port 0 to 65535; a few are seconds with a fraction.`,
    help: 'Write the number alone, in the unit the variable is documented in (usually milliseconds or seconds).',
    sources: [SOURCES.ENV, SOURCES.SERVE],
  },
  {
    id: 'hasura/enum',
    level: 'error',
    group: 'engine',
    title: 'A value outside a fixed set (AUTH_HOOK_MODE, LOG_LEVEL, DEFAULT_NAMING_CONVENTION, TX_ISOLATION)',
    description: `${EXITS}: these variables take one of a few values; AUTH_HOOK_MODE takes exactly GET or POST, in capitals.`,
    help: 'Use one of the values the message lists.',
    sources: [SOURCES.ENV, SOURCES.REF],
  },
  {
    id: 'hasura/list',
    level: 'error',
    group: 'engine',
    title: 'An unknown or empty item in ENABLED_APIS, EXPERIMENTAL_FEATURES or ENABLED_LOG_TYPES',
    description: `${EXITS}: lists are split on commas and each item trimmed; one item the engine does not know, or an empty one (a trailing or doubled comma), stops it.`,
    help: 'Remove the item, or correct its spelling; separate items with single commas.',
    sources: [SOURCES.ENV, SOURCES.LOG, SOURCES.TYPES],
  },
  {
    id: 'hasura/cors-domain',
    level: 'error',
    group: 'engine',
    title: 'A CORS origin without a scheme (app.example.com instead of https://app.example.com)',
    description: `${EXITS}: CORS_DOMAIN is * alone, or a comma-separated list of origins, each scheme://[*.]host[:port]; a missing scheme stops the engine (invalid domain).`,
    help: 'Write each origin with its scheme: https://app.example.com, https://*.example.com, http://localhost:3000; or * alone.',
    sources: [SOURCES.CORS, SOURCES.REF],
  },
  {
    id: 'hasura/json',
    level: 'error',
    group: 'engine',
    title: 'Invalid JSON in a JSON variable (JWT_SECRET, JWT_SECRETS, METADATA_DEFAULTS)',
    description: `${EXITS}: JSON variables are decoded strictly; a raw line break inside a string (a PEM key pasted as is), a single quote or a trailing comma stops it.`,
    help: 'Write the value as strict JSON: double quotes, and \\n for each line break inside a string (a PEM key).',
    sources: [SOURCES.ENV],
  },
  {
    id: 'hasura/jwt-secret',
    level: 'error',
    group: 'engine',
    title: 'A JWT config the engine refuses (key and jwk_url, type, key length, PEM, claims, header)',
    description:
      `${EXITS}: a JWT config has exactly one of key and jwk_url; type is required with key and is one of the supported algorithms; ` +
      'an HMAC key has at least 32, 48 or 64 bytes (HS256, HS384, HS512); an RSA, EC or Ed25519 key is a PEM public key or certificate; ' +
      'claims_namespace and claims_namespace_path exclude each other; claims_map has x-hasura-allowed-roles and x-hasura-default-role; header.type is Authorization, Cookie or CustomHeader.',
    help: 'Fix the field the message names. The value itself is never shown: hcr treats JWT configs as secrets.',
    sources: [SOURCES.JWT, SOURCES.JWTI, SOURCES.JWT_DOC],
  },
  {
    id: 'hasura/empty-role',
    level: 'error',
    group: 'engine',
    title: 'An empty UNAUTHORIZED_ROLE',
    description: `${EXITS}: a role name must not be empty (empty string not allowed).`,
    help: 'Name the role (e.g. anonymous), or remove the variable.',
    sources: [SOURCES.ENV],
  },
  {
    id: 'hasura/webhook-and-jwt',
    level: 'error',
    group: 'engine',
    title: 'AUTH_HOOK together with JWT_SECRET or JWT_SECRETS',
    description: 'The engine refuses to start: Both webhook and JWT mode cannot be enabled at the same time.',
    help: 'Keep one authentication mode: remove AUTH_HOOK or the JWT secret.',
    sources: [SOURCES.AUTH],
  },
  {
    id: 'hasura/auth-without-admin-secret',
    level: 'error',
    group: 'engine',
    title: 'AUTH_HOOK, a JWT secret or UNAUTHORIZED_ROLE without an admin secret',
    description:
      'The engine refuses to start when a webhook, a JWT secret or an unauthorized role is set without ADMIN_SECRET (or ADMIN_SECRETS). ' +
      'hcr checks the env a project will have after apply, so removing the admin secret of a project with a JWT secret is refused.',
    help: 'Keep (or set) HASURA_GRAPHQL_ADMIN_SECRET; Hasura Cloud generates one when it creates a project.',
    sources: [SOURCES.AUTH, SOURCES.REF],
  },
  {
    id: 'hasura/unauthorized-role-with-webhook',
    level: 'error',
    group: 'engine',
    title: 'UNAUTHORIZED_ROLE together with AUTH_HOOK',
    description:
      'The engine refuses to start: the unauthorized role is not allowed when an auth webhook is set (the webhook decides the role of every request).',
    help: 'Remove UNAUTHORIZED_ROLE and let the webhook return the anonymous role.',
    sources: [SOURCES.AUTH],
  },
  {
    id: 'hasura/ws-read-cookie',
    level: 'error',
    group: 'engine',
    title: 'WS_READ_COOKIE=true without DISABLE_CORS=true',
    description: 'The engine refuses to start: HASURA_GRAPHQL_WS_READ_COOKIE can only be used when CORS is disabled.',
    help: 'Remove WS_READ_COOKIE, or also set DISABLE_CORS to true (both are for self-hosted engines; Hasura Cloud does not support them).',
    sources: [SOURCES.INIT, SOURCES.REF],
  },
  {
    id: 'hasura/unknown-name',
    level: 'warning',
    group: 'advice',
    title: 'A HASURA_GRAPHQL_* name the engine does not read (a typo such as ENABLE_CONSOLLE)',
    description: 'The engine looks up the names it knows and silently ignores every other one, so a misspelt setting keeps its default.',
    help: 'Correct the name (the message suggests the closest one). Name your own variables without the HASURA_ prefix.',
    sources: [SOURCES.SERVE, SOURCES.REF],
  },
  {
    id: 'hasura/version-dependent',
    level: 'warning',
    group: 'engine',
    title: 'A list item that some engine versions accept and others refuse',
    description:
      'The experimental features and log types the engine knows change between versions and editions (the docs name validate-input-log, the code validate-insert-input-log); ' +
      'an item the running version does not know stops it.',
    help: 'Check the item against the engine version of the project; remove it if unsure.',
    sources: [SOURCES.TYPES, SOURCES.LOG, SOURCES.REF],
  },
  {
    id: 'hasura/admin-secrets',
    level: 'warning',
    group: 'engine',
    title: 'ADMIN_SECRETS that is not a JSON array of strings',
    description:
      'ADMIN_SECRETS takes a JSON array of strings, e.g. ["secret-1","secret-2"]. How an engine that cannot read it behaves is not documented.',
    help: 'Write a JSON array of strings.',
    sources: [SOURCES.ADMIN_SECRETS_DOC, SOURCES.REF],
  },
  {
    id: 'hasura/secret-and-secrets',
    level: 'warning',
    group: 'engine',
    title: 'Both ADMIN_SECRET and ADMIN_SECRETS, or both JWT_SECRET and JWT_SECRETS',
    description:
      'Current docs say the plural wins and the singular is ignored; older Hasura Cloud docs said the engine refuses to start with both. Either way one of them does nothing.',
    help: 'Keep one: the plural form for several secrets.',
    sources: [SOURCES.ADMIN_SECRETS_DOC, SOURCES.JWT_SECRETS_DOC],
  },
  {
    id: 'hasura/jwt-field',
    level: 'warning',
    group: 'engine',
    title: 'An unknown field in a JWT config (such as claims_namspace)',
    description:
      'The engine ignores fields of the JWT config it does not know, so a misspelt claims_namespace or audience silently keeps its default.',
    help: 'Correct the field name (the message suggests the closest one).',
    sources: [SOURCES.JWT],
  },
  {
    id: 'hasura/jwt-key-type',
    level: 'warning',
    group: 'engine',
    title: 'A JWT key whose kind does not match its type (an EC key with RS256)',
    description: 'The engine reads any RSA, EC or Ed25519 public key whatever the type says, then fails to verify every token.',
    help: 'Set type to the key’s algorithm (RS* for RSA, ES256/ES384/ES512 for P-256/P-384/P-521, Ed25519), or use the matching key.',
    sources: [SOURCES.JWTI],
  },
  {
    id: 'hasura/jwt-audience',
    level: 'warning',
    group: 'engine',
    title: 'A JWK set shared between tenants (Firebase, Google) without audience',
    description:
      'Providers such as Firebase sign every project’s tokens with the same keys: without audience, a token issued for any other project is accepted. Hasura calls this a major security vulnerability.',
    help: 'Set audience (and issuer) to your project’s id, e.g. "audience": "my-firebase-project".',
    sources: [SOURCES.JWT_DOC],
  },
  {
    id: 'hasura/jwt-issuer',
    level: 'warning',
    group: 'engine',
    title: 'Several JWT secrets, some without issuer',
    description:
      'With several JWT secrets the engine picks one by the token’s header and issuer; a config without issuer matches any issuer, so a token can match two configs and is refused (Multiple JWTs found). Older Hasura Cloud versions refused to start.',
    help: 'Give each JWT secret its issuer.',
    sources: [SOURCES.JWT_SECRETS_DOC, SOURCES.JWT],
  },
  {
    id: 'hasura/cors-empty',
    level: 'warning',
    group: 'engine',
    title: 'An empty CORS_DOMAIN',
    description:
      'The reference says an empty value blocks every other domain, while the parser reads it as one empty origin, which it refuses. What a given version does is not certain.',
    help: 'List the allowed origins; to block every browser origin but the console, list only the origins you need.',
    sources: [SOURCES.REF, SOURCES.CORS],
  },
  {
    id: 'hasura/cors-path',
    level: 'warning',
    group: 'engine',
    title: 'A CORS origin with a path (https://app.example.com/)',
    description:
      'An origin is scheme, host and port; the engine accepts a path after it but no browser origin ever matches it, so the site is refused.',
    help: 'Drop the path and the trailing slash: https://app.example.com.',
    sources: [SOURCES.CORS],
  },
  {
    id: 'hasura/cloud-managed',
    level: 'info',
    group: 'advice',
    title: 'A variable Hasura Cloud sets itself (METADATA_DATABASE_URL, SERVER_HOST, SERVER_PORT, a LOG_LEVEL other than info)',
    description: 'Hasura Cloud controls the metadata database, the host and port the engine listens on, and the log level (info only).',
    help: 'Leave the variable to Hasura Cloud; remove it from the desired state.',
    sources: [SOURCES.REF],
  },
  {
    id: 'hasura/cloud-unsupported',
    level: 'info',
    group: 'advice',
    title: 'A variable the reference does not list as supported on Hasura Cloud',
    description: 'The reference lists it for Community or Enterprise Edition only (self-hosted); on Hasura Cloud it may have no effect.',
    help: 'Check that the setting does what you expect on Hasura Cloud, or remove it.',
    sources: [SOURCES.REF],
  },
  {
    id: 'hasura/deprecated',
    level: 'info',
    group: 'advice',
    title: 'A deprecated variable (ACCESS_KEY, AUTH_HOOK_TYPE, v1 database settings)',
    description: 'Old names still read for compatibility, and v1 database settings that have no effect once metadata is initialised.',
    help: 'Use the name the message gives, or configure the database in metadata.',
    sources: [SOURCES.SERVE, SOURCES.UPGRADE_V2],
  },
  {
    id: 'hasura/admin-secret',
    level: 'error',
    group: 'production',
    title: 'Production: no admin secret (live or desired)',
    description:
      'Without an admin secret every request is an admin request. The production checklist starts with setting one, a long string.',
    help: 'Keep HASURA_GRAPHQL_ADMIN_SECRET set, e.g. { fromEnv: PROD_ADMIN_SECRET }.',
    sources: [SOURCES.CHK, SOURCES.AUTH],
  },
  {
    id: 'hasura/console',
    level: 'error',
    group: 'production',
    title: 'Production: ENABLE_CONSOLE is true',
    description:
      'The production checklist disables the console served by the engine. (Hasura Cloud serves its console from cloud.hasura.io either way.)',
    help: 'Set HASURA_GRAPHQL_ENABLE_CONSOLE to "false", or remove it.',
    sources: [SOURCES.CHK],
  },
  {
    id: 'hasura/dev-mode',
    level: 'error',
    group: 'production',
    title: 'Production: DEV_MODE is true',
    description: 'Dev mode sends internal errors, SQL included, to every client. The production checklist keeps it off.',
    help: 'Set HASURA_GRAPHQL_DEV_MODE to "false", or remove it (admins still get internal errors: ADMIN_INTERNAL_ERRORS).',
    sources: [SOURCES.CHK],
  },
  {
    id: 'hasura/cors-wildcard',
    level: 'error',
    group: 'production',
    title: 'Production: CORS allows every origin (* or unset: Hasura Cloud defaults to *)',
    description: 'The production checklist restricts CORS to the domains of your apps.',
    help: 'Set HASURA_GRAPHQL_CORS_DOMAIN to your origins, e.g. https://app.example.com, https://*.example.com.',
    sources: [SOURCES.CHK, SOURCES.SEC, SOURCES.REF],
  },
  {
    id: 'hasura/enabled-apis',
    level: 'error',
    group: 'production',
    title: 'Production: ENABLED_APIS exposes pgdump or developer (unset: the default includes pgdump)',
    description:
      'The production checklist disables the APIs production does not need. pgdump dumps the database and developer exposes internals; ' +
      'metadata and config stay allowed, as deployments (hasura metadata apply) and the Cloud console need them.',
    help: 'Set HASURA_GRAPHQL_ENABLED_APIS, e.g. to graphql,metadata (or graphql alone if nothing deploys metadata through it).',
    sources: [SOURCES.CHK, SOURCES.SERVE],
  },
  {
    id: 'hasura/allowlist',
    level: 'warning',
    group: 'production',
    title: 'Production: the allow list is off',
    description: 'The production checklist restricts non-admin requests to an allow list of operations.',
    help: 'Set HASURA_GRAPHQL_ENABLE_ALLOWLIST to "true" once your operations are in the allow list, or turn this rule off.',
    sources: [SOURCES.CHK, SOURCES.SEC],
  },
  {
    id: 'hasura/telemetry',
    level: 'warning',
    group: 'production',
    title: 'Production: telemetry is on (the default)',
    description: 'The engine sends anonymous telemetry unless ENABLE_TELEMETRY is false.',
    help: 'Set HASURA_GRAPHQL_ENABLE_TELEMETRY to "false", or turn this rule off.',
    sources: [SOURCES.REF],
  },
];

export const RULES: ReadonlyMap<RuleId, Rule> = new Map(RULE_LIST.map((rule) => [rule.id, rule]));

/** What a check found, before `checks:` levels: `weak` when the engine only probably refuses it. */
export interface Problem {
  rule: RuleId;
  message: string;
  key?: string;
  weak?: boolean;
}

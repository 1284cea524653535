import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkEnv, type CheckOptions, type EnvEntry } from '../../src/hasura/check.js';
import { RULES } from '../../src/hasura/rules.js';
import { KNOWN_VARIABLES } from '../../src/hasura/variables.js';

const G = (name: string) => `HASURA_GRAPHQL_${name}`;
const ADMIN = { [G('ADMIN_SECRET')]: 'an-admin-secret-that-is-long-enough' };
const HS256 = JSON.stringify({ type: 'HS256', key: 'k'.repeat(32) });
const ES256 = JSON.stringify({ type: 'ES256', key: readFileSync(new URL('../fixtures/hasura/keys/ec-p256.pem', import.meta.url), 'utf8') });

function env(values: Record<string, string>, more: Partial<EnvEntry> = {}): Map<string, EnvEntry> {
  return new Map(Object.entries(values).map(([key, value]) => [key, { value, sensitive: false, declared: true, ...more }]));
}

const check = (values: Record<string, string>, options: Partial<CheckOptions> = {}) =>
  checkEnv(env(values), { production: false, ...options });
const rulesOf = (values: Record<string, string>, options: Partial<CheckOptions> = {}) =>
  check(values, options).map((f) => `${f.level} ${f.rule}`);

describe('values the engine refuses at startup: errors, from its own parsers', () => {
  it.each([
    ['hasura/bool', G('DEV_MODE'), ['1', '0', 'on', 'off', '', ' true', 'enabled']],
    ['hasura/bool', G('ENABLE_ALLOWLIST'), ['1']],
    ['hasura/number', G('LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL'), ['1s', '1e3', '1.5', '', '-1', 'fast']],
    ['hasura/number', G('SERVER_PORT'), ['65536', '-1', '8080.0']],
    ['hasura/number', G('EVENTS_HTTP_POOL_SIZE'), ['0', '-3']],
    ['hasura/enum', G('AUTH_HOOK_MODE'), ['get', 'Post', ' POST', 'PUT', '']],
    ['hasura/enum', G('LOG_LEVEL'), ['verbose', 'warning', '']],
    ['hasura/enum', G('DEFAULT_NAMING_CONVENTION'), ['camelCase', 'graphql_default']],
    ['hasura/list', G('ENABLED_APIS'), ['graphql,', 'graphql,,metadata', '', 'graphql, rest', 'gql']],
    ['hasura/list', G('EXPERIMENTAL_FEATURES'), ['naming_convention,']],
    [
      'hasura/cors-domain',
      G('CORS_DOMAIN'),
      ['app.example.com', 'https://a.com, b.com', '*, https://a.com', ' *', 'https://a.com,', '//app.com'],
    ],
    ['hasura/json', G('METADATA_DEFAULTS'), ['{', "{'a':1}", '']],
    ['hasura/json', G('JWT_SECRET'), ['{"type":"HS256","key":"abc', '{"type":"RS256","key":"-----BEGIN PUBLIC KEY-----\nMIIB"}']],
    ['hasura/jwt-secret', G('JWT_SECRET'), ['{"type":"HS256","key":"twenty-characters!!"}', '[]', '{"key":"x"}']],
    ['hasura/jwt-secret', G('JWT_SECRETS'), ['{"type":"HS256","key":"twenty-characters!!"}']],
    ['hasura/empty-role', G('UNAUTHORIZED_ROLE'), ['']],
  ])('%s: %s', (rule, key, values) => {
    for (const value of values) {
      const findings = check({ ...ADMIN, [key]: value });
      expect(findings, `${key}=${JSON.stringify(value)}`).toContainEqual(expect.objectContaining({ rule, level: 'error', key }));
    }
  });
});

describe('values the engine accepts: no false alarm', () => {
  it.each([
    [G('DEV_MODE'), ['true', 'TRUE', 'True', 'Yes', 'y', 'f', 'F', 'NO', 'false']],
    [G('LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL'), ['1000', '0', ' 500 ', '0x10']],
    [G('SERVER_PORT'), ['0', '8080', '65535']],
    [G('PG_CONN_LIFETIME'), ['600', '0', '2.5', '1e3']],
    [G('AUTH_HOOK_MODE'), ['GET', 'POST']],
    [G('LOG_LEVEL'), ['info', 'INFO', ' info ']],
    [G('ENABLED_APIS'), ['graphql', 'graphql,metadata', 'GRAPHQL , Metadata', 'metadata,graphql,pgdump,config,metrics,developer']],
    [G('EXPERIMENTAL_FEATURES'), ['naming_convention, streaming_subscriptions', 'INHERITED_ROLES']],
    [G('ENABLED_LOG_TYPES'), ['startup, http-log, webhook-log, websocket-log, query-log']],
    [
      G('CORS_DOMAIN'),
      [
        '*',
        'https://app.example.com',
        'https://*.example.com, http://localhost:3000',
        'https://*.foo.bar.com:8080, http://*.localhost, http://example.com',
        'capacitor://localhost, ionic://localhost, app-scheme+v2.x://host',
        'HTTPS://APP.EXAMPLE.COM',
      ],
    ],
    [G('UNAUTHORIZED_ROLE'), ['anonymous', 'public']],
    [G('JWT_SECRET'), [HS256, ES256, '{"jwk_url":"https://example.auth0.com/.well-known/jwks.json"}']],
    [G('JWT_SECRETS'), [`[${HS256}]`, '[]']],
    [G('ADMIN_SECRETS'), ['["secret-1","secret-2"]']],
    [G('METADATA_DEFAULTS'), ['{"backend_configs":{}}']],
    [G('ADMIN_SECRET'), ['', 'x', '{not json']],
    [G('AUTH_HOOK_SEND_REQUEST_BODY'), ['false']],
  ])('%s', (key, values) => {
    for (const value of values) {
      // Cloud support and deprecations are notes (info), not alarms.
      const findings = check({ ...(key.includes('ADMIN') ? {} : ADMIN), [key]: value }).filter((f) => f.level !== 'info');
      expect(findings, `${key}=${JSON.stringify(value)}`).toEqual([]);
    }
  });

  it('leaves every key that does not start with HASURA_ alone, whatever its value', () => {
    expect(check({ DEV_MODE: '1', PG_DATABASE_URL: 'not a url', CORS_DOMAIN: 'app.com', JWT_SECRET: '{', ENABLE_CONSOLLE: 'x' })).toEqual(
      [],
    );
  });

  it('knows the variables Hasura Cloud manages and sets itself, and says nothing of live ones', () => {
    const live = env(
      { [G('METADATA_DATABASE_URL')]: 'postgres://cloud', [G('ADMIN_SECRET')]: 'generated', [G('SERVER_PORT')]: '8080' },
      { declared: false },
    );
    expect(checkEnv(live, { production: false })).toEqual([]);
    expect(rulesOf({ [G('METADATA_DATABASE_URL')]: 'postgres://mine' })).toEqual(['info hasura/cloud-managed']);
  });
});

describe('variables whose refusal is inferred, not stated: warnings', () => {
  it.each([
    [G('RATE_LIMIT_REDIS_USE_TLS'), '1', 'hasura/bool'], // Enterprise Edition only
    [G('USE_PREPARED_STATEMENTS'), 'on', 'hasura/bool'], // v1, deprecated
    [G('PG_CONNECTIONS'), '-5', 'hasura/number'],
    [G('ADMIN_SECRETS'), 'secret-1,secret-2', 'hasura/admin-secrets'],
    [G('CORS_DOMAIN'), '', 'hasura/cors-empty'],
    [G('CORS_DOMAIN'), 'https://app.example.com/', 'hasura/cors-path'],
    [G('ENABLED_LOG_TYPES'), 'startup, validate-input-log', 'hasura/version-dependent'],
    [G('ENABLED_LOG_TYPES'), 'startup, api-limit-log', 'hasura/version-dependent'],
    [G('EXPERIMENTAL_FEATURES'), 'remove_empty_subscription_responses', 'hasura/version-dependent'],
    [G('EXPERIMENTAL_FEATURES'), 'streaming_subscription', 'hasura/version-dependent'],
  ])('%s=%j: %s', (key, value, rule) => {
    expect(check({ ...ADMIN, [key]: value })).toContainEqual(expect.objectContaining({ rule, level: 'warning', key }));
  });
});

describe('names', () => {
  it.each([
    [G('ENABLE_CONSOLLE'), G('ENABLE_CONSOLE')],
    [G('SECRET'), G('ADMIN_SECRET')],
    ['HASURA_GRAPHL_DEV_MODE', G('DEV_MODE')],
    ['hasura_graphql_dev_mode', G('DEV_MODE')],
    [G('CORS_DOMAINS'), G('CORS_DOMAIN')],
    [G('POOL_TIMEOUT'), G('PG_POOL_TIMEOUT')], // the reference's name; the engine reads PG_POOL_TIMEOUT
  ])('%s: did you mean %s?', (key, meant) => {
    expect(check({ [key]: 'true' })).toEqual([
      {
        rule: 'hasura/unknown-name',
        level: 'warning',
        key,
        message: `is not a variable the engine reads, so it does nothing — did you mean ${meant}?`,
      },
    ]);
  });

  it('warns of a HASURA_GRAPHQL_ name with no close match, and leaves other HASURA_ names far from any alone', () => {
    expect(rulesOf({ [G('MY_FEATURE_FLAG_XYZ')]: 'x' })).toEqual(['warning hasura/unknown-name']);
    expect(rulesOf({ HASURA_PROJECT_OWNER: 'team-a' })).toEqual([]);
  });

  it('points at deprecated names and variables Hasura Cloud does not support', () => {
    expect(check({ [G('ACCESS_KEY')]: 'k', [G('WEBSOCKET_KEEPALIVE')]: '10' })).toEqual([
      { rule: 'hasura/deprecated', level: 'info', key: G('ACCESS_KEY'), message: 'is deprecated; use HASURA_GRAPHQL_ADMIN_SECRET' },
      expect.objectContaining({ rule: 'hasura/cloud-unsupported', level: 'info', key: G('WEBSOCKET_KEEPALIVE') }),
    ]);
    expect(check({ [G('LOG_LEVEL')]: 'debug' })).toEqual([
      { rule: 'hasura/cloud-managed', level: 'info', key: G('LOG_LEVEL'), message: 'can only be info on Hasura Cloud' },
    ]);
  });
});

describe('combinations the engine refuses (AUTH setupAuthMode, INIT)', () => {
  it.each([
    ['a webhook with a JWT secret', { ...ADMIN, [G('AUTH_HOOK')]: 'https://auth', [G('JWT_SECRET')]: HS256 }, 'hasura/webhook-and-jwt'],
    [
      'a webhook with JWT_SECRETS',
      { ...ADMIN, [G('AUTH_HOOK')]: 'https://auth', [G('JWT_SECRETS')]: `[${HS256}]` },
      'hasura/webhook-and-jwt',
    ],
    ['a JWT secret without an admin secret', { [G('JWT_SECRET')]: HS256 }, 'hasura/auth-without-admin-secret'],
    ['a webhook without an admin secret', { [G('AUTH_HOOK')]: 'https://auth' }, 'hasura/auth-without-admin-secret'],
    ['an unauthorized role without an admin secret', { [G('UNAUTHORIZED_ROLE')]: 'anonymous' }, 'hasura/auth-without-admin-secret'],
    ['an empty ADMIN_SECRETS array', { [G('ADMIN_SECRETS')]: '[]', [G('JWT_SECRET')]: HS256 }, 'hasura/auth-without-admin-secret'],
    [
      'an unauthorized role with a webhook',
      { ...ADMIN, [G('UNAUTHORIZED_ROLE')]: 'anon', [G('AUTH_HOOK')]: 'https://auth' },
      'hasura/unauthorized-role-with-webhook',
    ],
    ['WS_READ_COOKIE without DISABLE_CORS', { [G('WS_READ_COOKIE')]: 'true' }, 'hasura/ws-read-cookie'],
    ['WS_READ_COOKIE with DISABLE_CORS false', { [G('WS_READ_COOKIE')]: 'YES', [G('DISABLE_CORS')]: 'false' }, 'hasura/ws-read-cookie'],
  ])('%s', (_, values, rule) => {
    expect(check(values)).toContainEqual(expect.objectContaining({ rule, level: 'error' }));
  });

  it.each([
    ['an admin secret with a JWT secret', { ...ADMIN, [G('JWT_SECRET')]: HS256 }],
    ['ADMIN_SECRETS with a webhook', { [G('ADMIN_SECRETS')]: '["a","b"]', [G('AUTH_HOOK')]: 'https://auth' }],
    ['the deprecated ACCESS_KEY with an unauthorized role', { [G('ACCESS_KEY')]: 'k', [G('UNAUTHORIZED_ROLE')]: 'anon' }],
    ['WS_READ_COOKIE with DISABLE_CORS', { [G('WS_READ_COOKIE')]: 'true', [G('DISABLE_CORS')]: 'T' }],
    ['WS_READ_COOKIE false', { [G('WS_READ_COOKIE')]: 'false' }],
  ])('accepts %s', (_, values) => {
    expect(check(values).filter((f) => f.level !== 'info')).toEqual([]);
  });

  it('warns when both the singular and the plural secret are set', () => {
    expect(rulesOf({ ...ADMIN, [G('ADMIN_SECRETS')]: '["a"]', [G('JWT_SECRET')]: HS256, [G('JWT_SECRETS')]: `[${HS256}]` })).toEqual([
      'warning hasura/secret-and-secrets',
      'warning hasura/secret-and-secrets',
    ]);
  });
});

describe('the desired state alone (validate): what it does not mention is unknown', () => {
  const partial = (absent: string[] = []) => ({ partial: { absent: new Set(absent) } });

  it('does not assume a missing admin secret, DISABLE_CORS or CORS_DOMAIN', () => {
    expect(rulesOf({ [G('JWT_SECRET')]: HS256, [G('WS_READ_COOKIE')]: 'true' }, { production: true, ...partial() })).toEqual([
      'info hasura/cloud-unsupported',
    ]);
  });

  it('knows a removed key is absent', () => {
    expect(rulesOf({ [G('JWT_SECRET')]: HS256 }, partial([G('ADMIN_SECRET')]))).toEqual([]);
    expect(rulesOf({ [G('JWT_SECRET')]: HS256 }, partial([G('ADMIN_SECRET'), G('ADMIN_SECRETS'), G('ACCESS_KEY')]))).toEqual([
      'error hasura/auth-without-admin-secret',
    ]);
  });

  it('still checks what both sides of a combination declare', () => {
    expect(rulesOf({ ...ADMIN, [G('AUTH_HOOK')]: 'https://a', [G('JWT_SECRET')]: HS256 }, partial())).toEqual([
      'error hasura/webhook-and-jwt',
    ]);
  });
});

describe('production (the production checklist)', () => {
  const good = {
    ...ADMIN,
    [G('CORS_DOMAIN')]: 'https://app.example.com',
    [G('ENABLED_APIS')]: 'graphql,metadata',
    [G('ENABLE_ALLOWLIST')]: 'true',
    [G('ENABLE_TELEMETRY')]: 'false',
  };

  it('passes a project that follows it', () => {
    expect(check(good, { production: true }).filter((f) => f.level !== 'info')).toEqual([]);
  });

  it('reports each item, errors first', () => {
    expect(rulesOf({ [G('ENABLE_CONSOLE')]: 'true', [G('DEV_MODE')]: 'TRUE' }, { production: true })).toEqual([
      'error hasura/admin-secret',
      'error hasura/console',
      'error hasura/dev-mode',
      'error hasura/cors-wildcard',
      'error hasura/enabled-apis',
      'warning hasura/allowlist',
      'warning hasura/telemetry',
      'info hasura/cloud-unsupported',
    ]);
  });

  it.each([
    [G('CORS_DOMAIN'), '*', 'hasura/cors-wildcard'],
    [G('ENABLED_APIS'), 'graphql,pgdump', 'hasura/enabled-apis'],
    [G('ENABLED_APIS'), 'graphql, DEVELOPER', 'hasura/enabled-apis'],
    [G('ADMIN_SECRET'), '', 'hasura/admin-secret'],
  ])('%s=%j: %s', (key, value, rule) => {
    expect(check({ ...good, [key]: value }, { production: true })).toContainEqual(expect.objectContaining({ rule, key }));
  });

  it('is off without production, unless checks: sets a rule', () => {
    expect(rulesOf({ [G('DEV_MODE')]: 'true' })).toEqual([]);
    expect(rulesOf({ [G('DEV_MODE')]: 'true' }, { levels: { 'hasura/dev-mode': 'warning' } })).toEqual(['warning hasura/dev-mode']);
  });
});

describe('levels (checks:)', () => {
  it('turns a rule off, or sets its level', () => {
    const values = { [G('DEV_MODE')]: '1', [G('ENABLE_CONSOLLE')]: 'true' };
    expect(rulesOf(values, { levels: { 'hasura/bool': 'warning', 'hasura/unknown-name': 'off' } })).toEqual(['warning hasura/bool']);
    expect(rulesOf(values, { levels: { 'hasura/unknown-name': 'error' } })).toEqual(['error hasura/bool', 'error hasura/unknown-name']);
    expect(
      rulesOf(
        { ...ADMIN, [G('CORS_DOMAIN')]: '*' },
        {
          production: true,
          levels: { 'hasura/cors-wildcard': 'off', 'hasura/enabled-apis': 'off', 'hasura/allowlist': 'off', 'hasura/telemetry': 'off' },
        },
      ),
    ).toEqual([]);
  });
});

describe('live values hcr leaves alone (declared: false)', () => {
  it('reports only what stops the engine, and the production rules', () => {
    const live = env(
      { [G('DEV_MODE')]: '1', [G('ENABLE_CONSOLLE')]: 'x', [G('CORS_DOMAIN')]: 'https://a.com/', [G('ENABLE_CONSOLE')]: 'true' },
      { declared: false },
    );
    expect(
      checkEnv(live, { production: true, levels: { 'hasura/enabled-apis': 'off' } }).map((f) => `${f.level} ${f.rule} ${f.key ?? ''}`),
    ).toEqual([
      `error hasura/bool ${G('DEV_MODE')}`,
      'error hasura/admin-secret ',
      `error hasura/console ${G('ENABLE_CONSOLE')}`,
      'warning hasura/allowlist ',
      'warning hasura/telemetry ',
    ]);
  });
});

describe('secrets stay secret', () => {
  const CANARY = 'canary-7f3e91d2';

  it('never quotes a sensitive value, or any part of a secret variable', () => {
    const sensitive = (values: Record<string, string>) => checkEnv(env(values, { sensitive: true }), { production: true });
    const findings = [
      ...sensitive({
        [G('DEV_MODE')]: CANARY,
        [G('CORS_DOMAIN')]: `${CANARY}.com`,
        [G('ENABLED_APIS')]: `graphql,${CANARY}`,
        [G('LOG_LEVEL')]: CANARY,
      }),
      ...check({ [G('JWT_SECRET')]: JSON.stringify({ type: CANARY, key: CANARY, [CANARY]: 1, header: { type: CANARY } }) }),
      ...check({ [G('JWT_SECRET')]: `{"type":"HS256","key":"${CANARY}` }),
      ...check({ [G('JWT_SECRETS')]: JSON.stringify([{ type: 'RS256', key: `-----BEGIN ${CANARY}-----\n${CANARY}\n` }]) }),
      ...check({ [G('ADMIN_SECRETS')]: CANARY }),
    ];
    expect(findings.length).toBeGreaterThan(8);
    for (const finding of findings) expect(finding.message).not.toContain(CANARY);
  });

  it('quotes a plain value, so that a reader sees what is wrong', () => {
    expect(check({ [G('DEV_MODE')]: '1' })[0]!.message).toContain('"1"');
  });
});

describe('the catalogue', () => {
  it('names each variable once, with its sources, and the values of every enum and list', () => {
    const names = KNOWN_VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of KNOWN_VARIABLES) {
      expect(v.name, v.name).toMatch(/^HASURA_GRAPHQL_[A-Z0-9_]+$/);
      expect(v.sources.length, v.name).toBeGreaterThan(0);
      if (v.type === 'enum' || v.type === 'csv-enum') expect(v.values?.length, v.name).toBeGreaterThan(1);
    }
  });
});

describe('the registry', () => {
  it('has a title, description, help and source for each rule, and production rules only in their group', () => {
    for (const rule of RULES.values()) {
      expect(rule.title && rule.description && rule.help, rule.id).toBeTruthy();
      expect(rule.sources.length, rule.id).toBeGreaterThan(0);
      expect(rule.id.startsWith('hasura/')).toBe(true);
    }
  });
});

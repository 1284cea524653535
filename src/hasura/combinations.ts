import type { EnvView } from './env.js';
import type { Problem } from './rules.js';
import { parseBool, parseJson, splitList } from './values.js';

const K = (name: string) => `HASURA_GRAPHQL_${name}`;
const ADMIN_SECRET = K('ADMIN_SECRET');
const ADMIN_SECRETS = K('ADMIN_SECRETS');
const ACCESS_KEY = K('ACCESS_KEY');
const AUTH_HOOK = K('AUTH_HOOK');
const JWT_SECRET = K('JWT_SECRET');
const JWT_SECRETS = K('JWT_SECRETS');
const UNAUTHORIZED_ROLE = K('UNAUTHORIZED_ROLE');
const WS_READ_COOKIE = K('WS_READ_COOKIE');
const DISABLE_CORS = K('DISABLE_CORS');
const CORS_DOMAIN = K('CORS_DOMAIN');
const ENABLE_CONSOLE = K('ENABLE_CONSOLE');
const DEV_MODE = K('DEV_MODE');
const ENABLED_APIS = K('ENABLED_APIS');
const ENABLE_ALLOWLIST = K('ENABLE_ALLOWLIST');
const ENABLE_TELEMETRY = K('ENABLE_TELEMETRY');

/** true, false, or undefined when the env does not tell (validate, for a key the file does not mention). */
type Known = boolean | undefined;

function any(...values: Known[]): Known {
  return values.includes(true) ? true : values.every((v) => v === false) ? false : undefined;
}

/** A plural secret counts when set to anything but an empty JSON array (one the engine cannot read counts: its own rule reports it). */
function plural(view: EnvView, key: string): Known {
  const has = view.has(key);
  if (has !== true) return has;
  const parsed = parseJson(view.value(key)!);
  return !('json' in parsed && Array.isArray(parsed.json) && parsed.json.length === 0);
}

/** INIT/AUTH: ADMIN_SECRET, its deprecated alias ACCESS_KEY, or ADMIN_SECRETS [F]. */
function adminSecret(view: EnvView): Known {
  return any(view.has(ADMIN_SECRET), view.has(ACCESS_KEY), plural(view, ADMIN_SECRETS));
}

function jwt(view: EnvView): Known {
  return any(view.has(JWT_SECRET), plural(view, JWT_SECRETS));
}

function bool(view: EnvView, key: string): boolean | undefined {
  const value = view.value(key);
  return value === undefined ? undefined : parseBool(value);
}

/** The auth combinations AUTH `setupAuthMode` refuses, and INIT's WS_READ_COOKIE guard [F]. */
export function combinationProblems(view: EnvView): Problem[] {
  const problems: Problem[] = [];
  const hook = view.has(AUTH_HOOK);
  const jwtSet = jwt(view);
  const role = view.has(UNAUTHORIZED_ROLE);
  if (hook && jwtSet) {
    problems.push({
      rule: 'hasura/webhook-and-jwt',
      message: `${AUTH_HOOK} and a JWT secret are both set: the engine refuses to start (Both webhook and JWT mode cannot be enabled at the same time)`,
    });
  }
  if (adminSecret(view) === false) {
    const needing = [...(hook ? [AUTH_HOOK] : []), ...(jwtSet ? ['a JWT secret'] : []), ...(role ? [UNAUTHORIZED_ROLE] : [])];
    if (needing.length > 0) {
      problems.push({
        rule: 'hasura/auth-without-admin-secret',
        message: `${needing.join(' and ')} ${needing.length === 1 ? 'is' : 'are'} set without an admin secret (${ADMIN_SECRET} or ${ADMIN_SECRETS}): the engine refuses to start`,
      });
    }
  }
  if (role && hook) {
    problems.push({
      rule: 'hasura/unauthorized-role-with-webhook',
      message: `${UNAUTHORIZED_ROLE} is set together with ${AUTH_HOOK}: the engine refuses to start (the webhook decides every role)`,
    });
  }
  // A DISABLE_CORS the engine cannot read is reported by its own rule.
  const corsDisabled = view.has(DISABLE_CORS) === false ? false : bool(view, DISABLE_CORS);
  if (bool(view, WS_READ_COOKIE) === true && corsDisabled === false) {
    problems.push({
      rule: 'hasura/ws-read-cookie',
      message: `${WS_READ_COOKIE} is true while CORS is enabled: the engine refuses to start (WS_READ_COOKIE can only be used when CORS is disabled)`,
    });
  }
  for (const [one, many] of [
    [ADMIN_SECRET, ADMIN_SECRETS],
    [JWT_SECRET, JWT_SECRETS],
  ] as const) {
    if (view.has(one) && view.has(many)) {
      problems.push({
        rule: 'hasura/secret-and-secrets',
        message: `${one} and ${many} are both set: current engines use ${many} alone, older Hasura Cloud engines refused to start`,
      });
    }
  }
  return problems;
}

/**
 * A boolean the checklist wants `wanted`: a finding when it is set otherwise, or, when its default
 * (SERVE) is not `wanted`, when it is unset — `unset` says what that means.
 */
function checklistSwitch(view: EnvView, rule: Problem['rule'], key: string, wanted: boolean, set: string, unset?: string): Problem[] {
  const has = view.has(key);
  if (has === false && unset !== undefined) return [{ rule, message: `${key} is not set, so ${unset}` }];
  return has && bool(view, key) === !wanted ? [{ rule, key, message: set }] : [];
}

/** Hasura's production checklist (CHK), for what env vars control. */
export function productionProblems(view: EnvView): Problem[] {
  const problems: Problem[] = [];
  if (adminSecret(view) === false) {
    problems.push({ rule: 'hasura/admin-secret', message: `no admin secret is set (${ADMIN_SECRET}): every request is an admin request` });
  } else if (view.value(ADMIN_SECRET) === '') {
    problems.push({ rule: 'hasura/admin-secret', key: ADMIN_SECRET, message: 'is empty; production needs a long random secret' });
  }
  problems.push(
    ...checklistSwitch(view, 'hasura/console', ENABLE_CONSOLE, false, 'is true; the production checklist keeps the console off'),
    ...checklistSwitch(view, 'hasura/dev-mode', DEV_MODE, false, 'is true: internal errors and SQL reach every client'),
  );
  if (bool(view, DISABLE_CORS) !== true) {
    const cors = view.has(CORS_DOMAIN);
    if (cors === false) {
      problems.push({ rule: 'hasura/cors-wildcard', message: `${CORS_DOMAIN} is not set, so Hasura Cloud allows every origin (*)` });
    } else if (cors && view.value(CORS_DOMAIN) === '*') {
      problems.push({
        rule: 'hasura/cors-wildcard',
        key: CORS_DOMAIN,
        message: 'is *: every origin may call the API; list your apps’ origins',
      });
    }
  }
  const apis = view.has(ENABLED_APIS);
  if (apis === false) {
    problems.push({
      rule: 'hasura/enabled-apis',
      message: `${ENABLED_APIS} is not set, and its default (metadata,graphql,pgdump,config) exposes pgdump, a dump of the database`,
    });
  } else if (apis) {
    const exposed = ['pgdump', 'developer'].filter((api) =>
      splitList(view.value(ENABLED_APIS)!).some((item) => item.toLowerCase() === api),
    );
    if (exposed.length > 0) {
      problems.push({
        rule: 'hasura/enabled-apis',
        key: ENABLED_APIS,
        message: `exposes ${exposed.join(' and ')}, which production does not need`,
      });
    }
  }
  problems.push(
    ...checklistSwitch(
      view,
      'hasura/allowlist',
      ENABLE_ALLOWLIST,
      true,
      'is false: any operation is accepted, not only those in the allow list',
      'the allow list is off',
    ),
    ...checklistSwitch(view, 'hasura/telemetry', ENABLE_TELEMETRY, false, 'is true: the engine sends telemetry', 'telemetry is on'),
  );
  return problems;
}

import { isRecord } from '../util/records.js';
import { didYouMean, quoteList } from '../util/words.js';
import { readPublicKey, type KeyKind } from './pem.js';
import type { RuleId } from './rules.js';
import { isJsonPath, isStringOrUri, jsonKind, type Json } from './values.js';

/**
 * What is wrong with one JWT config. Messages name fields, never their values: a JWT config is a
 * secret (its key), so nothing of it is quoted, not even the fields that are not.
 */
export interface JwtProblem {
  rule: Extract<RuleId, `hasura/jwt-${string}`>;
  message: string;
}

// JWT `instance FromJSON JWTConfig`: the fields it looks up; any other is ignored [F] (lookups only).
const FIELDS = [
  'type',
  'key',
  'jwk_url',
  'claims_namespace',
  'claims_namespace_path',
  'claims_format',
  'claims_map',
  'audience',
  'issuer',
  'allowed_skew',
  'header',
];

// JWT `parseKey`: exactly these, case-sensitive; PS256, PS384, Ed448 are not supported [F].
const HMAC_BITS: Record<string, number> = { HS256: 256, HS384: 384, HS512: 512 };
const PEM_TYPES = ['RS256', 'RS384', 'RS512', 'Ed25519', 'ES256', 'ES384', 'ES512'];
const ALGORITHMS = [...Object.keys(HMAC_BITS), ...PEM_TYPES];

// JWT: claims_map must hold both, looked up by these exact keys [F].
const ALLOWED_ROLES = 'x-hasura-allowed-roles';
const DEFAULT_ROLE = 'x-hasura-default-role';

/**
 * JWK sets shared by every tenant of the provider (Firebase / Google Identity): without an
 * audience any of their tokens is accepted (JWT_DOC "Audience Security Vulnerability") [F].
 */
const SHARED_JWKS_HOSTS = ['www.googleapis.com', 'securetoken.google.com'];

/** JWT_SECRET: one JWT config object (an array here is refused, #9276) [F]. */
export function checkJwtSecret(json: Json): JwtProblem[] {
  if (!isRecord(json)) return [secret(`must be a JSON object (one JWT config), not ${jsonKind(json)}${notObjectHint(json)}`)];
  return checkJwtConfig(json, '');
}

/** JWT_SECRETS: a JSON array of JWT config objects (ENV `FromEnv [JWTConfig]`) [F]. */
export function checkJwtSecrets(json: Json): JwtProblem[] {
  if (!Array.isArray(json)) {
    return [secret(`must be a JSON array of JWT configs, not ${jsonKind(json)}${isRecord(json) ? ' — write [ {…} ]' : ''}`)];
  }
  const problems = json.flatMap((config, i) => {
    const where = `config ${i + 1} of ${json.length}: `;
    return isRecord(config) ? checkJwtConfig(config, where) : [secret(`${where}must be a JSON object, not ${jsonKind(config)}`)];
  });
  // MULTI_JWT: tokens are matched to configs by issuer; a config without one matches any token [F].
  const withoutIssuer = json.flatMap((config, i) => (isRecord(config) && typeof config.issuer !== 'string' ? [i + 1] : []));
  if (json.length > 1 && withoutIssuer.length > 0) {
    problems.push({
      rule: 'hasura/jwt-issuer',
      message: `${withoutIssuer.length === 1 ? 'config' : 'configs'} ${withoutIssuer.join(', ')} of ${json.length} ${withoutIssuer.length === 1 ? 'has' : 'have'} no issuer, so a token may match two configs and be refused (Multiple JWTs found)`,
    });
  }
  return problems;
}

function notObjectHint(json: Json): string {
  if (Array.isArray(json)) return ' — several configs go in HASURA_GRAPHQL_JWT_SECRETS';
  return typeof json === 'string' ? ' (is the JSON quoted twice?)' : '';
}

function checkJwtConfig(config: { [key: string]: Json }, where: string): JwtProblem[] {
  const problems: JwtProblem[] = [];
  const fail = (message: string) => problems.push(secret(where + message));
  // aeson `.:?` reads null as absent [F].
  const field = (name: string): Json | undefined => (config[name] === null ? undefined : config[name]);

  for (const name of Object.keys(config)) {
    if (FIELDS.includes(name)) continue;
    // A name is quoted only when it is close to a field's: a malformed config may hold a key where a name should be.
    const guess = didYouMean(name, FIELDS);
    problems.push({
      rule: 'hasura/jwt-field',
      message: `${where}${guess ? `the field ${JSON.stringify(name)}` : 'a field'} is not one the engine reads, so it is ignored${guess ? ` — did you mean "${guess}"?` : ''}`,
    });
  }

  const key = field('key');
  const jwkUrl = field('jwk_url');
  if (key === undefined && jwkUrl === undefined) fail('has neither key nor jwk_url (key and jwk_url both cannot be empty)');
  if (key !== undefined && jwkUrl !== undefined) fail('has both key and jwk_url; keep one (key, jwk_url both cannot be present)');
  if (jwkUrl !== undefined) problems.push(...checkJwkUrl(jwkUrl, field('audience') !== undefined, where));
  if (key !== undefined && jwkUrl === undefined) problems.push(...checkKey(key, field('type'), where));

  const namespace = field('claims_namespace');
  const namespacePath = field('claims_namespace_path');
  if (namespace !== undefined && namespacePath !== undefined) fail('sets both claims_namespace and claims_namespace_path; keep one');
  if (namespace !== undefined && typeof namespace !== 'string') fail(`claims_namespace must be a string, not ${jsonKind(namespace)}`);
  if (namespacePath !== undefined && !(typeof namespacePath === 'string' && isJsonPath(namespacePath))) {
    fail('claims_namespace_path is not a JSON path the engine reads (e.g. $.hasura.claims, $["https://hasura.io/jwt/claims"])');
  }
  const format = field('claims_format');
  if (format !== undefined && format !== 'json' && format !== 'stringified_json')
    fail('claims_format must be "json" or "stringified_json"');
  const claimsMap = field('claims_map');
  if (claimsMap !== undefined) problems.push(...checkClaimsMap(claimsMap, where).map(secret));

  const audience = field('audience');
  if (audience !== undefined && !isAudience(audience)) {
    fail('audience must be a string or an array of strings; one with a ":" must be a URI');
  }
  const issuer = field('issuer');
  if (issuer !== undefined && !(typeof issuer === 'string' && isStringOrUri(issuer)))
    fail('issuer must be a string; one with a ":" must be a URI');
  const skew = field('allowed_skew');
  if (skew !== undefined && typeof skew !== 'number') fail(`allowed_skew must be a number of seconds, not ${jsonKind(skew)}`);
  const header = field('header');
  if (header !== undefined) {
    const problem = headerProblem(header);
    if (problem) fail(problem);
  }
  return problems;
}

function secret(message: string): JwtProblem {
  return { rule: 'hasura/jwt-secret', message };
}

function isAudience(json: Json): boolean {
  const items = Array.isArray(json) ? json : [json];
  return items.every((item) => typeof item === 'string' && isStringOrUri(item));
}

/** The engine fetches the JWK set at startup and exits if it cannot (AUTH `mkJwtCtx`) [F]: an http(s) URL. */
function checkJwkUrl(jwkUrl: Json, hasAudience: boolean, where: string): JwtProblem[] {
  const url = typeof jwkUrl === 'string' && URL.canParse(jwkUrl) ? new URL(jwkUrl) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return [secret(`${where}jwk_url must be an http(s) URL of a JWK set, which the engine fetches at startup`)];
  }
  if (!hasAudience && SHARED_JWKS_HOSTS.includes(url.hostname)) {
    return [
      {
        rule: 'hasura/jwt-audience',
        message: `${where}jwk_url is a JWK set Google shares between all Firebase / Identity Platform projects, and audience is not set: tokens of any other project are accepted`,
      },
    ];
  }
  return [];
}

/** JWT `parseKey` with JWTI's `parseHmacKey` and `fromRawPem` [F]; `type` is read only with `key` [F]. */
function checkKey(key: Json, type: Json | undefined, where: string): JwtProblem[] {
  if (typeof key !== 'string') return [secret(`${where}key must be a string, not ${jsonKind(key)}`)];
  if (type === undefined) return [secret(`${where}has key but no type; with key, type is required (e.g. "HS256" or "RS256")`)];
  if (typeof type !== 'string' || !ALGORITHMS.includes(type)) {
    const guess = typeof type === 'string' ? didYouMean(type, ALGORITHMS) : undefined;
    return [
      secret(
        `${where}type is not an algorithm the engine supports (${ALGORITHMS.join(', ')}; exactly so, case-sensitive)${guess ? ` — did you mean "${guess}"?` : ''}`,
      ),
    ];
  }
  const bits = HMAC_BITS[type];
  if (bits !== undefined) {
    // parseHmacKey: the UTF-8 bytes of the key, at least bits / 8 [F].
    const bytes = Buffer.byteLength(key, 'utf8');
    const needed = bits / 8;
    return bytes >= needed
      ? []
      : [secret(`${where}the ${type} key is ${bytes} bytes long; the engine needs at least ${needed} (Key size too small)`)];
  }
  const read = readPublicKey(key);
  if ('problem' in read) return [secret(`${where}the ${type} key ${read.problem}`)];
  const expected = expectedKind(type);
  if (!sameKind(read, expected)) {
    return [
      {
        rule: 'hasura/jwt-key-type',
        message: `${where}type is ${type} but the key is ${describeKind(read)}: the engine loads it, then cannot verify a single token`,
      },
    ];
  }
  return [];
}

function expectedKind(type: string): KeyKind {
  if (type.startsWith('RS')) return { kind: 'rsa' };
  if (type === 'Ed25519') return { kind: 'ed25519' };
  return { kind: 'ec', curve: ({ ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' } as const)[type as 'ES256']! };
}

function sameKind(a: KeyKind, b: KeyKind): boolean {
  return a.kind === b.kind && (a.kind !== 'ec' || b.kind !== 'ec' || a.curve === b.curve);
}

function describeKind(key: KeyKind): string {
  return key.kind === 'rsa' ? 'an RSA key' : key.kind === 'ed25519' ? 'an Ed25519 key' : `an EC ${key.curve} key`;
}

/** JWT `FromJSON JWTCustomClaimsMap` and `JWTCustomClaimsMapValueG` [F]. */
function checkClaimsMap(map: Json, where: string): string[] {
  if (!isRecord(map)) return [`${where}claims_map must be a JSON object, not ${jsonKind(map)}`];
  const problems: string[] = [];
  for (const claim of [ALLOWED_ROLES, DEFAULT_ROLE]) {
    if (!Object.hasOwn(map, claim))
      problems.push(`${where}claims_map has no ${claim} (${claim} is expected but not found; keys are exact, lower case)`);
  }
  for (const [claim, value] of Object.entries(map)) {
    const expected = claim === ALLOWED_ROLES ? 'roles' : claim === DEFAULT_ROLE ? 'role' : 'string';
    if (!claimValueOk(value, expected)) {
      const literal = { roles: 'an array of role names', role: 'a role name', string: 'a string' }[expected];
      // Claims are session variables (x-hasura-…); any other key is not quoted, as it could be anything.
      const named = /^x-hasura-[A-Za-z0-9_-]{1,40}$/i.test(claim) ? `the claim ${JSON.stringify(claim)}` : 'a claim';
      problems.push(`${where}in claims_map, ${named} must be ${literal} or {"path": "$.…", "default": …} with a valid JSON path`);
    }
  }
  return problems;
}

function claimValueOk(value: Json, expected: 'roles' | 'role' | 'string'): boolean {
  // RoleName: not empty (ENV/Roles mkRoleName) [F].
  const literalOk = (v: Json): boolean =>
    expected === 'roles'
      ? Array.isArray(v) && v.every((role) => typeof role === 'string' && role !== '')
      : expected === 'role'
        ? typeof v === 'string' && v !== ''
        : typeof v === 'string';
  if (!isRecord(value)) return literalOk(value);
  const { path, default: fallback } = value;
  return typeof path === 'string' && isJsonPath(path) && (fallback === undefined || fallback === null || literalOk(fallback));
}

/** JWT `FromJSON JWTHeader`: type compared in any case; Cookie and CustomHeader need a name [F]. */
function headerProblem(header: Json): string | undefined {
  const expected = `header must be {"type": "Authorization"}, {"type": "Cookie", "name": …} or {"type": "CustomHeader", "name": …}`;
  if (!isRecord(header) || typeof header.type !== 'string') return expected;
  const type = header.type.toLowerCase();
  if (type === 'authorization') return undefined;
  if (type !== 'cookie' && type !== 'customheader') return `header.type must be ${quoteList(['Authorization', 'Cookie', 'CustomHeader'])}`;
  return typeof header.name === 'string'
    ? undefined
    : `header of type ${type === 'cookie' ? 'Cookie' : 'CustomHeader'} needs a name (a string)`;
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkJwtSecret, checkJwtSecrets } from '../../src/hasura/jwt.js';
import { readPublicKey } from '../../src/hasura/pem.js';

const key = (name: string) => readFileSync(new URL(`../fixtures/hasura/keys/${name}.pem`, import.meta.url), 'utf8');
const HS256_KEY = 'a'.repeat(32);
const check = (config: unknown) => checkJwtSecret(config as never);
const rules = (config: unknown) => check(config).map((p) => p.rule);

describe('a JWT secret the engine accepts', () => {
  it.each([
    ['HS256 with exactly 32 bytes', { type: 'HS256', key: HS256_KEY }],
    ['HS256 with 16 two-byte characters (32 bytes of UTF-8)', { type: 'HS256', key: 'é'.repeat(16) }],
    ['HS384 with 48 bytes', { type: 'HS384', key: 'k'.repeat(48) }],
    ['HS512 with 64 bytes', { type: 'HS512', key: 'k'.repeat(64) }],
    ['jwk_url without type', { jwk_url: 'https://example.auth0.com/.well-known/jwks.json' }],
    ['jwk_url with a type, which the engine ignores', { type: 'RS256', jwk_url: 'https://example.com/jwks.json' }],
    ['an RSA SubjectPublicKeyInfo', { type: 'RS256', key: key('rsa-spki') }],
    ['an RSA PKCS#1 public key', { type: 'RS512', key: key('rsa-pkcs1') }],
    ['an RSA key in an X.509 certificate', { type: 'RS256', key: key('rsa-cert') }],
    ['an ES256 PEM key', { type: 'ES256', key: key('ec-p256') }],
    ['an ES256 key in an X.509 certificate', { type: 'ES256', key: key('ec-p256-cert') }],
    ['an ES384 PEM key', { type: 'ES384', key: key('ec-p384') }],
    ['an Ed25519 PEM key', { type: 'Ed25519', key: key('ed25519') }],
    ['a PEM key with CRLF line ends', { type: 'RS256', key: key('rsa-spki').replace(/\n/g, '\r\n') }],
    [
      'every optional field',
      {
        type: 'HS256',
        key: HS256_KEY,
        claims_namespace_path: '$.hasura.claims',
        claims_format: 'stringified_json',
        audience: ['my-app', 'urn:example:aud'],
        issuer: 'https://issuer.example.com/',
        allowed_skew: 30,
        header: { type: 'cookie', name: 'token' },
      },
    ],
    [
      'a claims map with paths and literals',
      {
        type: 'HS256',
        key: HS256_KEY,
        claims_map: {
          'x-hasura-allowed-roles': { path: '$.roles', default: ['user'] },
          'x-hasura-default-role': 'user',
          'x-hasura-user-id': { path: "$['sub']" },
          'x-hasura-org': 'acme',
        },
      },
    ],
    ['null for an optional field (aeson reads it as absent)', { type: 'HS256', key: HS256_KEY, jwk_url: null, audience: null }],
    [
      'Firebase with its audience',
      {
        jwk_url: 'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com',
        audience: 'my-project',
        issuer: 'https://securetoken.google.com/my-project',
      },
    ],
  ])('%s', (_, config) => {
    expect(check(config)).toEqual([]);
  });
});

describe('a JWT secret the engine refuses (hasura/jwt-secret)', () => {
  it.each([
    ['an array (#9276)', [{ type: 'HS256', key: HS256_KEY }], /JSON object.*JWT_SECRETS/],
    ['a string (quoted twice)', JSON.stringify({ type: 'HS256', key: HS256_KEY }), /quoted twice/],
    ['neither key nor jwk_url', { type: 'HS256' }, /neither key nor jwk_url/],
    ['both key and jwk_url', { type: 'HS256', key: HS256_KEY, jwk_url: 'https://x.com/jwks' }, /both key and jwk_url/],
    ['key without type', { key: HS256_KEY }, /no type/],
    ['a lower-case type', { type: 'hs256', key: HS256_KEY }, /case-sensitive.*did you mean "HS256"/],
    ['PS256, which the engine does not support', { type: 'PS256', key: key('rsa-spki') }, /not an algorithm/],
    ['a 20-character HS256 key', { type: 'HS256', key: 'k'.repeat(20) }, /20 bytes long; the engine needs at least 32/],
    ['an HS384 key of 47 bytes', { type: 'HS384', key: 'k'.repeat(47) }, /at least 48/],
    ['an HS512 key of 63 bytes', { type: 'HS512', key: 'k'.repeat(63) }, /at least 64/],
    ['a key that is not a string', { type: 'HS256', key: 42 }, /key must be a string/],
    ['an RSA key that is not PEM', { type: 'RS256', key: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA' }, /not a PEM block/],
    ['a PEM key whose line breaks were escaped twice', { type: 'RS256', key: key('rsa-spki').replace(/\n/g, '\\n') }, /escaped twice/],
    ['a private key', { type: 'RS256', key: key('rsa-private') }, /private key/],
    ['a private key under a public label', { type: 'RS256', key: key('private-labelled-public') }, /neither a public key/],
    ['a PEM key with a corrupt body', { type: 'RS256', key: key('rsa-spki').replace(/^M/m, 'M M') }, /not valid base64/],
    [
      'a PEM key without its END line',
      { type: 'RS256', key: key('rsa-spki').replace(/-----END.*/, '') },
      /no -----END …----- line matching/,
    ],
    ['an EC key on secp256k1', { type: 'ES256', key: key('ec-secp256k1') }, /curve the engine does not support/],
    ['an Ed448 key', { type: 'Ed25519', key: key('ed448') }, /ed448 key/],
    ['a jwk_url that is not a URL', { jwk_url: 'jwks.json' }, /jwk_url must be an http\(s\) URL/],
    [
      'both claims namespaces',
      { type: 'HS256', key: HS256_KEY, claims_namespace: 'a', claims_namespace_path: '$.a' },
      /both claims_namespace/,
    ],
    ['a bad claims_namespace_path', { type: 'HS256', key: HS256_KEY, claims_namespace_path: '$..claims' }, /JSON path/],
    ['an unknown claims_format', { type: 'HS256', key: HS256_KEY, claims_format: 'JSON' }, /claims_format/],
    [
      'claims_map without the default role',
      { type: 'HS256', key: HS256_KEY, claims_map: { 'x-hasura-allowed-roles': ['user'] } },
      /no x-hasura-default-role/,
    ],
    [
      'claims_map keys in another case',
      { type: 'HS256', key: HS256_KEY, claims_map: { 'X-Hasura-Allowed-Roles': ['user'], 'x-hasura-default-role': 'user' } },
      /no x-hasura-allowed-roles/,
    ],
    [
      'a claims_map path without path',
      { type: 'HS256', key: HS256_KEY, claims_map: { 'x-hasura-allowed-roles': { default: ['u'] }, 'x-hasura-default-role': 'u' } },
      /x-hasura-allowed-roles" must be an array of role names/,
    ],
    [
      'an empty default role',
      { type: 'HS256', key: HS256_KEY, claims_map: { 'x-hasura-allowed-roles': ['u'], 'x-hasura-default-role': '' } },
      /must be a role name/,
    ],
    ['an unknown header type', { type: 'HS256', key: HS256_KEY, header: { type: 'Bearer' } }, /header.type must be/],
    ['a Cookie header without name', { type: 'HS256', key: HS256_KEY, header: { type: 'Cookie' } }, /needs a name/],
    ['an audience that is a number', { type: 'HS256', key: HS256_KEY, audience: 5 }, /audience/],
    ['an issuer with a colon that is not a URI', { type: 'HS256', key: HS256_KEY, issuer: 'my issuer:1' }, /issuer/],
    ['allowed_skew as a string', { type: 'HS256', key: HS256_KEY, allowed_skew: '30' }, /allowed_skew must be a number/],
  ])('%s', (_, config, why) => {
    const problems = check(config);
    expect(problems.map((p) => p.rule)).toContain('hasura/jwt-secret');
    expect(problems.map((p) => p.message).join('\n')).toMatch(why);
  });
});

describe('JWT advice (warnings)', () => {
  it('names a misspelt field with the one meant (hasura/jwt-field)', () => {
    expect(check({ type: 'HS256', key: HS256_KEY, claims_namspace: 'x' })).toEqual([
      {
        rule: 'hasura/jwt-field',
        message: 'the field "claims_namspace" is not one the engine reads, so it is ignored — did you mean "claims_namespace"?',
      },
    ]);
  });

  it('does not quote a field name that could be a secret', () => {
    const [problem] = check({ type: 'HS256', key: HS256_KEY, 'secret value with spaces 0123456789': 'x' });
    expect(problem!.message).toBe('a field is not one the engine reads, so it is ignored');
  });

  it.each([
    ['an EC key with RS256', 'RS256', 'ec-p256', /type is RS256 but the key is an EC P-256 key/],
    ['an RSA key with ES256', 'ES256', 'rsa-spki', /an RSA key/],
    ['a P-384 key with ES256', 'ES256', 'ec-p384', /EC P-384 key/],
  ])('%s: the key loads but verifies nothing (hasura/jwt-key-type)', (_, type, file, why) => {
    const problems = check({ type, key: key(file) });
    expect(problems.map((p) => p.rule)).toEqual(['hasura/jwt-key-type']);
    expect(problems[0]!.message).toMatch(why);
  });

  it('warns of the Firebase JWK set without audience (hasura/jwt-audience)', () => {
    expect(rules({ jwk_url: 'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com' })).toEqual([
      'hasura/jwt-audience',
    ]);
    expect(rules({ jwk_url: 'https://tenant.auth0.com/.well-known/jwks.json' })).toEqual([]);
  });
});

describe('JWT_SECRETS', () => {
  const config = (issuer?: string) => ({ type: 'HS256', key: HS256_KEY, ...(issuer && { issuer }) });

  it('takes an array of configs, each with its issuer', () => {
    expect(checkJwtSecrets([config('a'), config('b')])).toEqual([]);
    expect(checkJwtSecrets([config()])).toEqual([]);
    expect(checkJwtSecrets([])).toEqual([]);
  });

  it('refuses an object, and names the config at fault', () => {
    expect(checkJwtSecrets(config() as never)[0]!.message).toMatch(/JSON array of JWT configs, not an object — write \[ \{…\} \]/);
    expect(checkJwtSecrets([config('a'), { type: 'HS256', key: 'short' }] as never)[0]!.message).toMatch(
      /^config 2 of 2: the HS256 key is 5 bytes/,
    );
  });

  it('warns when several configs lack an issuer (hasura/jwt-issuer)', () => {
    expect(checkJwtSecrets([config('a'), config()])).toEqual([
      {
        rule: 'hasura/jwt-issuer',
        message: 'config 2 of 2 has no issuer, so a token may match two configs and be refused (Multiple JWTs found)',
      },
    ]);
  });
});

describe('readPublicKey', () => {
  it.each([
    ['rsa-spki', { kind: 'rsa' }],
    ['rsa-pkcs1', { kind: 'rsa' }],
    ['rsa-cert', { kind: 'rsa' }],
    ['ec-p256', { kind: 'ec', curve: 'P-256' }],
    ['ec-p256-cert', { kind: 'ec', curve: 'P-256' }],
    ['ec-p384', { kind: 'ec', curve: 'P-384' }],
    ['ed25519', { kind: 'ed25519' }],
  ])('reads %s', (file, kind) => {
    expect(readPublicKey(key(file))).toEqual(kind);
  });

  it('reads the first PEM block after any text before it, as the engine does', () => {
    expect(readPublicKey(`a comment\n${key('ec-p256')}`)).toEqual({ kind: 'ec', curve: 'P-256' });
  });

  it('never puts any of the key in its answer', () => {
    const broken = key('rsa-spki').replace(/^M/m, 'M M');
    const answer = JSON.stringify(readPublicKey(broken));
    for (const line of broken.split('\n').filter((l) => l.length > 8 && !l.startsWith('-----'))) expect(answer).not.toContain(line);
  });
});

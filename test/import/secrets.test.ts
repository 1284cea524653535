import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { looksSecret } from '../../src/plan/secrets.js';

describe('looksSecret', () => {
  it.each([
    'HASURA_GRAPHQL_ADMIN_SECRET',
    'HASURA_GRAPHQL_JWT_SECRET',
    'PG_DATABASE_URL',
    'HASURA_GRAPHQL_METADATA_DATABASE_URL',
    'GITHUB_TOKEN',
    'SMTP_PASSWORD',
    'STRIPE_API_KEY',
    'HASURA_GRAPHQL_ACCESS_KEY',
    'signing_key',
  ])('a key named %s', (key) => {
    expect(looksSecret(key, 'anything')).toBe(true);
  });

  it.each([
    ['a URL with a password', 'postgres://app:s3cret@db.example.com:5432/shop'],
    ['a Redis URL with only a password', 'redis://:s3cret@cache:6379'],
    ['a URL with a token parameter', 'https://hooks.example.com/in?token=abc123'],
    ['a Slack webhook', 'https://hooks.slack.com/services/T000/B000/XXXXXXXX'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
    ['a Stripe key', 'sk_live_51HxAbCdEfGhIjKl'],
    ['a Stripe webhook secret', 'whsec_0123456789abcdef'],
    ['a GitHub token', 'ghp_0123456789abcdefghij'],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['a JWT secret JSON', '{"type":"HS256","key":"0123456789"}'],
    ['a PEM private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----'],
    ['random base64', 'q8Vn2KxZ7pLw4RtY9mBc1HsD'],
    ['long hex', randomBytes(32).toString('hex')],
  ])('a value that is %s, under any name', (_what, value) => {
    expect(looksSecret('SETTING', value)).toBe(true);
  });

  it.each([
    'https://actions.example.com/v1/hook',
    'postgres://db.example.com:5432/shop',
    'true',
    '010',
    'release-2024-01-15-hotfix-build',
    'ThisIsAVeryLongCamelCaseNameV2',
    'projects/123456789/locations/us',
    randomUUID(),
    '',
  ])('an ordinary value %j under an ordinary name', (value) => {
    expect(looksSecret('SETTING', value)).toBe(false);
  });

  it('catches nearly all random 32-character tokens by their shape alone', () => {
    const caught = Array.from({ length: 500 }, () => looksSecret('ID', randomBytes(24).toString('base64url'))).filter(Boolean);
    expect(caught.length).toBeGreaterThan(450);
  });
});

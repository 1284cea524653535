import { describe, expect, it } from 'vitest';
import { looksSecret } from '../../src/plan/looks-secret.js';
import { seededRandom } from '../reliability/harness.js';

/** `n` bytes from a seeded source: random-looking, and the same (so the same verdicts) every run. */
function seededBytes(random: () => number, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
}

/** A version 4 UUID made of seeded bytes. */
function seededUuid(random: () => number): string {
  const b = seededBytes(random, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}

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
    'SMTP_PASS',
    'DBPASS',
    'LDAP_PASSWD',
    'MYSQL_PWD',
    'PASSWORD_SALT',
    'SALT',
    'HASURA_GRAPHQL_AUTH_HOOK',
    'OAUTH_CLIENT_ID',
    'SESSION_COOKIE_NAME',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'PRIVATE_KEY_PEM',
    'SENTRY_DSN',
    'DSN',
    'AWS_ACCESS_KEY_ID',
    'KEY_FILE',
    'CONNECTION_STRING',
    'WEBHOOK_HMAC',
  ])('a key named %s', (key) => {
    expect(looksSecret(key, 'anything')).toBe(true);
  });

  it.each([
    'SETTING',
    'PUBLIC_URL',
    'LOG_LEVEL',
    'HASURA_GRAPHQL_ENABLE_CONSOLE',
    'COMPASS_URL',
    'KEYBOARD',
    'MONKEY_COUNT',
    'PASSPORT_COUNTRY',
  ])('not a key named %s, for an ordinary value', (key) => {
    expect(looksSecret(key, 'on')).toBe(false);
  });

  it.each([
    ['a URL with a password', 'postgres://app:s3cret@db.example.com:5432/shop'],
    ['a Redis URL with only a password', 'redis://:s3cret@cache:6379'],
    ['a URL of any scheme with a password', 'amqps://guest:guest@mq.internal/vhost'],
    ['a password with a slash in a URL', 'mongodb+srv://u:ab/cd+ef@cluster0.example.net'],
    ['user:pass@ without a scheme', 'app:s3cret@db.example.com:5432'],
    ['user:pass@ after other text', 'connect with admin:hunter2@10.0.0.1 please'],
    ['a URL inside a sentence', 'see https://bob:pw@git.example.com/repo'],
    ['a URL with a token parameter', 'https://hooks.example.com/in?token=abc123'],
    ['a URL with a key parameter', 'https://maps.example.com/api?key=abc123&v=3'],
    ['a libpq connection string', 'host=db.example.com port=5432 user=app password=s3cret dbname=shop'],
    ['a libpq password in quotes', "host=db password='s3 cret'"],
    ['an ODBC connection string', 'Server=db;Database=shop;User Id=app;Password=s3cret;'],
    ['a client_secret field', 'client_id=abc&client_secret=xyz'],
    ['a Bearer header', 'Bearer abc.def.ghi'],
    ['a Basic header', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l'],
    ['a pat header', 'pat 1234abcd'],
    ['an Authorization header line', 'Authorization: Token abc'],
    ['a Bearer token in text', 'curl -H "x: Bearer 0123456789abcdef"'],
    ['a Slack webhook', 'https://hooks.slack.com/services/T000/B000/XXXXXXXX'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
    ['a JWT after a word', 'token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig'],
    [
      'a PASETO token',
      'v2.local.QAxIpVe-ECVNI1z4xQbm_qQYomyT3h8FtV8bxkz8pBJWkT8f7HtlOpbroPDEZUKop_vaglyp76CzYy375cHmKCW8e1CCkV0Lflu4GTDyXMqQdpZMM1E6OaoQW27gaRSvWBrR3IgbFIa0AkuUFw',
    ],
    ['a Stripe key', 'sk_live_51HxAbCdEfGhIjKl'],
    ['a Stripe webhook secret', 'whsec_0123456789abcdef'],
    ['a GitHub token', 'ghp_0123456789abcdefghij'],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['an npm token', 'npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['a PyPI token', 'pypi-AgEIcHlwaS5vcmcCJGE0ZjM1'],
    ['a Hugging Face token', 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz'],
    ['a Shopify access token', 'shpat_0123456789abcdef0123456789abcdef'],
    ['a DigitalOcean token', 'dop_v1_0123456789abcdef0123456789abcdef'],
    ['a Slack app token', 'xapp-1-A0123456789-0123456789012-abcdef'],
    ['a JWT secret JSON', '{"type":"HS256","key":"0123456789"}'],
    ['a JSON document with a secret field', '{"client_email":"a@b.iam","private_key_id":"1"}'],
    ['a JSON document with a camelCase secret field', '{"clientId":"web","clientSecret":"x"}'],
    ['a JSON document with a secret deep inside', '{"providers":[{"name":"a","config":{"apiKey":"k"}}]}'],
    ['a JSON document with a secret-looking string', '{"upstream":"postgres://u:p@h/db"}'],
    ['a JSON Web Key', '{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg"}'],
    ['a JSON list holding a secret', '[{"password":"x"}]'],
    ['a JSON document cut short', '{"password": "hunter2", "user": '],
    ['JSON inside a JSON string', JSON.stringify({ nested: JSON.stringify({ token: 't' }) })],
    ['a PEM private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----'],
    ['a PEM certificate', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'],
    ['an OpenSSH key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----'],
    ['a PGP key block', '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQ\n-----END PGP PRIVATE KEY BLOCK-----'],
    ['random base64', 'q8Vn2KxZ7pLw4RtY9mBc1HsD'],
    ['long hex', seededBytes(seededRandom(5), 32).toString('hex')],
  ])('a value that is %s, under any name', (_what, value) => {
    expect(looksSecret('SETTING', value)).toBe(true);
  });

  it.each([
    'https://actions.example.com/v1/hook',
    'postgres://db.example.com:5432/shop',
    'https://user@example.com/path',
    'support@example.com',
    'mailto:support@example.com',
    'git@github.com:org/repo.git',
    'true',
    'false',
    '010',
    '3.14',
    'release-2024-01-15-hotfix-build',
    'ThisIsAVeryLongCamelCaseNameV2',
    'projects/123456789/locations/us',
    'Basic',
    'the tokenizer is fast',
    'key',
    '{"enabled":true,"level":"debug"}',
    '{"auth":false}',
    '[1, 2, 3]',
    'a=b&c=d',
    'host=db.example.com port=5432 dbname=shop',
    '12:30',
    seededUuid(seededRandom(6)),
    '',
  ])('an ordinary value %j under an ordinary name', (value) => {
    expect(looksSecret('SETTING', value)).toBe(false);
  });

  it('catches nearly all random 32-character tokens by their shape alone', () => {
    const random = seededRandom(7);
    const caught = Array.from({ length: 500 }, () => looksSecret('ID', seededBytes(random, 24).toString('base64url'))).filter(Boolean);
    expect(caught.length).toBeGreaterThan(450);
  });

  // Each is a worst case for one of the patterns: a backtracking one would not finish.
  it.each([
    ['separators and colons', '=a:'.repeat(300_000)],
    ['one long word', `{${'a'.repeat(1_000_000)}`],
    ['scheme after scheme', 'a://b:'.repeat(150_000)],
    ['pairs without a value', ' key'.repeat(250_000)],
    ['lists nested deeply', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['a JSON list of a million items', JSON.stringify(Array.from({ length: 1_000_000 }, (_, i) => i))],
  ])('answers for a megabyte of %s', (_what, value) => {
    expect(typeof looksSecret('SETTING', value)).toBe('boolean');
  });

  it('does not take random printable text for a secret too often', () => {
    const random = seededRandom(11);
    const words = ['alpha', 'beta', 'release', 'on', 'off', 'v2', 'eu-west-1', 'https://example.com/a', '42', 'ok'];
    const samples = Array.from({ length: 500 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 4) }, () => words[Math.floor(random() * words.length)]).join(' '),
    );
    expect(samples.filter((s) => looksSecret('SETTING', s))).toEqual([]);
  });
});

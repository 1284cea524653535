/**
 * Whether a key or value looks like a secret: used where hcr has no declaration to go by (a live
 * value a plan changes or removes, a live project being imported), so it errs on the side of
 * hiding. A false alarm costs a value nobody sees in a plan, or one environment variable to set
 * after an import; a miss puts a secret in a pull-request comment or in git.
 */
const SECRET_NAME = new RegExp(
  [
    'SECRET',
    'PASSWORD',
    'PASSWD',
    'PASSPHRASE',
    '(^|_)PASS(_|$)',
    'PASS$',
    '(^|_)PWD(_|$)',
    '(^|_)SALT(_|$)',
    'TOKEN',
    'API_?KEY',
    'ACCESS_?KEY',
    '(^|_)KEY(_|$)',
    'PRIVATE',
    'CREDENTIAL',
    'AUTH',
    'COOKIE',
    'SIGNING',
    'HMAC',
    'JWT',
    'DSN',
    'DATABASE_URL',
    'DB_URL',
    'CONNECTION_?STRING',
  ].join('|'),
  'i',
);

/** A field of a libpq or ODBC connection string, a query parameter, or a `name=value` pair that holds a secret. */
const SECRET_ASSIGNMENT =
  /(^|[\s;?&,])[\w.-]{0,64}(pass(word|wd)?|pwd|secret|token|api_?key|access_?key|key|sig|signature|auth|credentials?|salt)\s*=\s*(?:'[^']|"[^"]|[^\s&;'"])/i;

const SECRET_VALUE = [
  /[a-z][a-z0-9+.-]{0,31}:\/\/[^\s/?#@:]{0,256}:[^\s@]{1,256}@[^\s@]/i, // a URL with user:password@, any scheme (redis:// often has no user)
  /(^|[\s"'=,;(<])(?!(mailto|sips?|tel|xmpp):)[^\s"'=,;(<>/?#@:]{1,256}:(?!\/)[^\s@]{1,256}@[\w.-]/i, // user:password@host without a scheme (not `scheme://user@`)
  SECRET_ASSIGNMENT,
  /^(bearer|basic|digest|token|pat)\s+\S/i, // an Authorization header's value
  /\bbearer\s+[\w.~+/-]{8,}/i,
  /\bauthorization\s*[:=]/i,
  /\beyJ[\w-]{4,}\.[\w-]{4,}/, // a JWT (or any JWS/JWE): its header is base64 of `{"`
  /\bv[1-4]\.(local|public)\.[\w-]{16,}/, // a PASETO token
  /-----BEGIN [A-Z0-9 ]+-----/, // a PEM block of any kind
  /^https:\/\/hooks\.slack\.com\/services\//, // a Slack webhook URL is its own credential
  /^(sk|pk|rk)_(live|test)_\w{8,}/, // Stripe-style keys
  /^whsec_\w{8,}/, // Stripe webhook signing secrets
  /^sk-[\w-]{20,}/, // OpenAI-style keys
  /^SG\.[\w-]{16,}\.[\w-]{16,}/, // SendGrid
  /^AIza[\w-]{35}$/, // Google API keys
  /^(ghp|gho|ghu|ghs|github_pat|glpat|xox[abpr])[-_]\w{10,}/, // GitHub, GitLab, Slack tokens
  /^(npm_|pypi-|hf_|shp(at|ca|pa|ss)_|dop_v1_|glsa_|xapp-)[\w-]{20,}/, // npm, PyPI, Hugging Face, Shopify, DigitalOcean, Grafana, Slack app tokens
  /^AKIA[0-9A-Z]{16}$/, // AWS access key id
];

/** A field that looks secret in a document that failed to parse as JSON (a JSON Web Key set cut short, JSON5, ...). */
const SECRET_FIELD =
  /(?<![\w-])[\w-]{0,64}(secret|password|passwd|pwd|token|key|credential|auth|private|cookie|salt)[\w-]{0,64}["']?\s*[:=]/i;

/** Long enough that a random token of it is a credential, not an id or a word. */
const RANDOM_TOKEN_MIN_LENGTH = 24;
/** 128 bits in hex (`openssl rand -hex 16`) or more: a key or a digest, and hiding a digest costs little. */
const HEX_TOKEN = /^[0-9a-fA-F]{32,}$/;
/** JSON inside a JSON string inside ...: looked into this deep, and any deeper counts as secret. */
const MAX_JSON_DEPTH = 4;

export function looksSecret(key: string, value?: string): boolean {
  return secretName(key) || (value !== undefined && secretValue(value, 0));
}

/** `HASURA_GRAPHQL_ADMIN_SECRET`, `smtp_pass`, and (for fields of a JSON value) `clientSecret`, `hmacKey`. */
function secretName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}

function secretValue(value: string, depth: number): boolean {
  return SECRET_VALUE.some((re) => re.test(value)) || looksRandom(value) || secretJson(value, depth);
}

/**
 * A JSON document (HASURA_GRAPHQL_JWT_SECRET, a service account, a JSON Web Key) with a field whose
 * name looks secret and that holds something, or any string in it that looks secret, at any depth.
 */
function secretJson(value: string, depth: number): boolean {
  const text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return false;
  if (depth >= MAX_JSON_DEPTH) return true;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return SECRET_FIELD.test(text);
  }
  // A stack, not recursion: a value of 100,000 nested lists must not overflow it.
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (secretValue(node, depth + 1)) return true;
    } else if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
    } else if (node !== null && typeof node === 'object') {
      for (const [field, inner] of Object.entries(node)) {
        if (field === 'kty' || (secretName(field) && holdsSomething(inner))) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

const holdsSomething = (value: unknown): boolean => value !== null && value !== false && value !== '';

const charKind = (ch: string): string => (/[A-Z]/.test(ch) ? 'A' : /[a-z]/.test(ch) ? 'a' : /[0-9]/.test(ch) ? '0' : '-');

/**
 * A generated credential under an innocent name (`SHOP_ID: 9fK2...`): long hex, or one long word
 * of base64 characters with upper case, lower case and at least two digits that switches between
 * them as often as random bytes do. Words, dates and paths switch rarely; CamelCase names switch
 * often but seldom hold two digits. UUIDs (ids, with hyphens) are neither.
 */
function looksRandom(value: string): boolean {
  if (HEX_TOKEN.test(value)) return true;
  if (value.length < RANDOM_TOKEN_MIN_LENGTH || !/^[A-Za-z0-9+/=_-]+$/.test(value)) return false;
  if (!/[A-Z]/.test(value) || !/[a-z]/.test(value) || !/[0-9].*[0-9]/.test(value)) return false;
  let switches = 0;
  for (let i = 1; i < value.length; i++) if (charKind(value[i]!) !== charKind(value[i - 1]!)) switches++;
  // Random base64 switches at about 60% of characters (measured: ~97% of 32-character tokens pass).
  return switches / (value.length - 1) >= 0.4;
}

/**
 * Whether a key or value looks like a secret: used where hcr has no declaration to go by (a live
 * value about to be removed, a live project being imported), so that it errs on the side of hiding.
 * A false alarm costs one environment variable; a miss puts a secret in git.
 */
const SECRET_NAME =
  /(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|SIGNING|JWT|DATABASE_URL|DB_URL|_DSN$|CONNECTION_STRING|(^|_)KEY$)/i;

const SECRET_VALUE = [
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i, // a URL with user:password@ (redis:// often has no user)
  /[?&](password|passwd|pwd|secret|token|api_?key|access_?key|key|sig|signature|auth)=[^&\s]/i, // a URL with a secret query parameter
  /^https:\/\/hooks\.slack\.com\/services\//, // a Slack webhook URL is its own credential
  /^eyJ[\w-]+\.[\w-]+\./, // a JWT
  /-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/,
  /^(sk|pk|rk)_(live|test)_\w{8,}/, // Stripe-style keys
  /^whsec_\w{8,}/, // Stripe webhook signing secrets
  /^sk-[\w-]{20,}/, // OpenAI-style keys
  /^SG\.[\w-]{16,}\.[\w-]{16,}/, // SendGrid
  /^AIza[\w-]{35}$/, // Google API keys
  /^(ghp|gho|ghu|ghs|github_pat|glpat|xox[abpr])[-_]\w{10,}/, // GitHub, GitLab, Slack tokens
  /^AKIA[0-9A-Z]{16}$/, // AWS access key id
  /"(type|alg)"\s*:\s*"(HS|RS|ES|PS|Ed)\w*"/, // HASURA_GRAPHQL_JWT_SECRET's JSON
];

/** Long enough that a random token of it is a credential, not an id or a word. */
const RANDOM_TOKEN_MIN_LENGTH = 24;
/** 128 bits in hex (`openssl rand -hex 16`) or more: a key or a digest, and hiding a digest costs little. */
const HEX_TOKEN = /^[0-9a-fA-F]{32,}$/;

export function looksSecret(key: string, value?: string): boolean {
  if (SECRET_NAME.test(key)) return true;
  return value !== undefined && (SECRET_VALUE.some((re) => re.test(value)) || looksRandom(value));
}

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

/**
 * Whether a key or value looks like a secret: used where hcr has no declaration to go by (a live
 * value about to be removed, a live project being imported), so that it errs on the side of hiding.
 */
const SECRET_NAME =
  /(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|SIGNING|JWT|DATABASE_URL|DB_URL|_DSN$|CONNECTION_STRING|(^|_)KEY$)/i;

const SECRET_VALUE = [
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, // a URL with user:password@
  /^eyJ[\w-]+\.[\w-]+\./, // a JWT
  /-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/,
  /^(sk|pk|rk)_(live|test)_\w{8,}/, // Stripe-style keys
  /^(ghp|gho|ghu|ghs|github_pat|glpat|xox[abpr])[-_]\w{10,}/, // GitHub, GitLab, Slack tokens
  /^AKIA[0-9A-Z]{16}$/, // AWS access key id
  /"(type|alg)"\s*:\s*"(HS|RS|ES|PS|Ed)\w*"/, // HASURA_GRAPHQL_JWT_SECRET's JSON
];

export function looksSecret(key: string, value?: string): boolean {
  if (SECRET_NAME.test(key)) return true;
  return value !== undefined && SECRET_VALUE.some((re) => re.test(value));
}

/**
 * Where hcr's knowledge of the engine comes from. The comments of src/hasura/ cite these tags
 * (`ENV`, `AUTH`, …) beside each fact, with its confidence: [F] stated by the code or docs, [I]
 * inferred from them (a hypothesis: hcr warns rather than refuses on it). Code is cited at its path
 * in hasura/graphql-engine (v2 server).
 */
export interface Source {
  /** What a reader sees: the file and the definition, or the page. */
  label: string;
  url: string;
}

const CODE = 'https://github.com/hasura/graphql-engine/blob/master/server/src-lib/Hasura';
const DOCS = 'https://hasura.io/docs/latest';

const code = (label: string, path: string): Source => ({ label, url: `${CODE}/${path}` });
const page = (label: string, path: string): Source => ({ label, url: `${DOCS}/${path}` });

export const SOURCES = {
  ENV: code('Env.hs (FromEnv instances)', 'Server/Init/Env.hs'),
  SERVE: code('Serve.hs (variable names, defaults)', 'Server/Init/Arg/Command/Serve.hs'),
  INIT: code('Init.hs (mkServeOptions)', 'Server/Init.hs'),
  AUTH: code('Auth.hs (setupAuthMode)', 'Server/Auth.hs'),
  JWT: code('JWT.hs (FromJSON JWTConfig)', 'Server/Auth/JWT.hs'),
  JWTI: code('JWT/Internal.hs (parseHmacKey, fromRawPem)', 'Server/Auth/JWT/Internal.hs'),
  CORS: code('Cors.hs (readCorsDomains)', 'Server/Cors.hs'),
  LOG: code('Logging.hs (EngineLogType)', 'Logging.hs'),
  TYPES: code('Types.hs (ExperimentalFeature)', 'Server/Types.hs'),
  REF: page('Server configuration reference', 'deployment/graphql-engine-flags/reference/'),
  CHK: page('Production checklist', 'deployment/production-checklist/'),
  SEC: page('Security best practices', 'security/security-best-practices/'),
  JWT_DOC: page('JWT authentication', 'auth/authentication/jwt/'),
  ADMIN_SECRETS_DOC: page('Multiple admin secrets', 'auth/authentication/multiple-admin-secrets/'),
  JWT_SECRETS_DOC: page('Multiple JWT secrets', 'auth/authentication/multiple-jwt-secrets/'),
  UPGRADE_V2: page('Upgrading to Hasura v2', 'resources/upgrade-hasura-v2/'),
} satisfies Record<string, Source>;

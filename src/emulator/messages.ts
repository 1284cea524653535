/**
 * Every text the emulator answers with, in one place. Where the real service's wording is
 * known (docs/hasura-cloud-api.md: "confirmed") it is copied; the rest is invented and kept here so that it can
 * be changed in one edit. Clients recognise these loosely and must never depend on the text.
 */

export interface HasuraErrorText {
  message: string;
  code: string;
}

export const SERVER_ERROR: HasuraErrorText = {
  message: 'there was an internal error while serving your request',
  code: 'GenericServerError',
};

export const NOTHING_CHANGED: HasuraErrorText = { message: 'nothing changed in config', code: 'legacyError' };

export const STALE_HASH: HasuraErrorText = {
  message: 'config hash mismatch: the config has changed since it was read (currentHash is stale)',
  code: 'unexpected',
};

export const MAINTENANCE: HasuraErrorText = {
  message: 'project is in maintenance mode: env vars cannot be added, updated or deleted',
  code: 'unexpected',
};

export const TENANT_NOT_FOUND: HasuraErrorText = { message: 'tenant not found', code: 'not-exists' };

export const DUPLICATE_NAME: HasuraErrorText = {
  message: 'Uniqueness violation. duplicate key value violates unique constraint "projects_name_key"',
  code: 'constraint-violation',
};

/** Bad arguments to an action (a name, cloud or plan it does not accept). */
export const INVALID_INPUT_CODE = 'unexpected';

export const invalidInput = {
  name: (name: string) =>
    `invalid project name: ${JSON.stringify(name)}: use 1 to 63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
  cloud: (cloud: string, supported: readonly string[]) => `invalid cloud: ${JSON.stringify(cloud)} (supported: ${supported.join(', ')})`,
  plan: (plan: string, supported: readonly string[]) => `invalid plan: ${JSON.stringify(plan)} (supported: ${supported.join(', ')})`,
  region: () => 'invalid region: it must not be empty',
  emptyField: (field: string) => `${field} must not be empty`,
  missingPayload: () => 'payload is required',
};

/**
 * Why a preview-app job failed or was skipped: the `error` of its last task event. The real
 * service's wording is unknown.
 */
export const previewFailure = {
  owner: (owner: string) => `invalid GitHub repository owner: ${JSON.stringify(owner)}`,
  repo: (repo: string) => `invalid GitHub repository name: ${JSON.stringify(repo)}`,
  branch: (branch: string) => `invalid branch name: ${JSON.stringify(branch)}`,
  directory: (directory: string) => `invalid directory: ${JSON.stringify(directory)}: use a path inside the repository`,
  branchNotFound: (repo: string, branch: string) => `branch ${JSON.stringify(branch)} not found in GitHub repository ${repo}`,
  directoryNotFound: (repo: string, branch: string, directory: string) =>
    `directory ${JSON.stringify(directory)} not found in GitHub repository ${repo} on branch ${JSON.stringify(branch)}`,
  nameTaken: (name: string) => `a project named ${JSON.stringify(name)} already exists and is not a preview app`,
  superseded: (name: string, jobId: string) => `a newer preview app creation for ${JSON.stringify(name)} was scheduled (job ${jobId})`,
};

/**
 * The undocumented tenant status fields (the status-fields quirk). Their meaning and values are
 * unknown (docs/hasura-cloud-api.md): these follow the engine's /healthz answers and the metadata error seen in #9731.
 */
export const tenantHealth = {
  ok: 'OK',
  inconsistent: 'WARN: inconsistent objects in schema',
  missingEnv: (keys: readonly string[]) => `Inconsistent object: Value for environment variables not found: ${keys.join(', ')}`,
};

/** Hasura's own wording for these (confirmed, or as the engine words them). */
export const fieldNotFound = (field: string, type: string) => `field "${field}" not found in type: '${type}'`;
export const INVALID_QUERY: HasuraErrorText = { message: 'not a valid graphql query', code: 'validation-failed' };
export const invalidUuid = (value: string): HasuraErrorText => ({
  message: `invalid input syntax for type uuid: ${JSON.stringify(value)}`,
  code: 'data-exception',
});
export const uuidNotString = (given: string) => `expected a string for type "uuid", got ${given}`;
export const unexpectedNull = (type: string): HasuraErrorText => ({
  message: `unexpected null value for type ${JSON.stringify(type)}`,
  code: 'validation-failed',
});
export const NEGATIVE_INT: HasuraErrorText = { message: 'unexpected negative value', code: 'validation-failed' };
export const noOperation = (operationName: string | undefined): HasuraErrorText => ({
  message:
    operationName === undefined
      ? 'exactly one operation has to be present in the document when operationName is not specified'
      : `no such operation found in the document: ${JSON.stringify(operationName)}`,
  code: 'validation-failed',
});
export const SUBSCRIPTION_OVER_HTTP: HasuraErrorText = {
  message: 'subscriptions are not supported over HTTP',
  code: 'validation-failed',
};

/** Limits the emulator enforces (the real service's limits are not published). */
export const tooDeep = (limit: number): HasuraErrorText => ({
  message: `the query is nested deeper than the limit of ${limit} levels`,
  code: 'validation-failed',
});
export const queryTooLong = (limit: number): HasuraErrorText => ({
  message: `the query is longer than the limit of ${limit} characters`,
  code: 'parse-failed',
});
export const bodyTooLarge = (limit: number): HasuraErrorText => ({
  message: `the request body is larger than the limit of ${limit} bytes`,
  code: 'request-too-large',
});

/** Transport-level problems, answered before any GraphQL is looked at. */
export const INVALID_JSON: HasuraErrorText = {
  message: 'Error in $: Failed reading: not a valid json value',
  code: 'invalid-json',
};
export const BODY_NOT_OBJECT: HasuraErrorText = {
  message: 'Error in $: expected Object, but encountered something else',
  code: 'parse-failed',
};
export const badRequestKey = (key: string, expected: string): HasuraErrorText => ({
  message: `Error in $.${key}: expected ${expected}`,
  code: 'parse-failed',
});
export const MISSING_QUERY: HasuraErrorText = {
  message: `Error in $: key "query" not found`,
  code: 'parse-failed',
};
export const METHOD_NOT_ALLOWED: HasuraErrorText = {
  message: 'only POST requests are accepted on /v1/graphql',
  code: 'not-supported',
};
export const NOT_FOUND: HasuraErrorText = { message: 'resource does not exist', code: 'not-found' };

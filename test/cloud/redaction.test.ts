import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CloudClient } from '../../src/cloud/client.js';
import { CloudError, type CloudErrorKind } from '../../src/cloud/errors.js';
import type { PreviewAppInput } from '../../src/cloud/types.js';
import { Redactor } from '../../src/util/redact.js';
import { graphqlError, post, testClient, TOKEN, useMockService } from './helpers.js';

useMockService();

/** Distinctive values in every variable a call sends: the sensitive ones may not show up in what its error says. */
const TENANT = 'tenant-id-4d1f7a0c';
const HASH = 'hash-value-6b2e9d31';
const SECRET_VALUE = 'super-secret-value-Q9x';
const SECRET_KEY = 'SECRET_KEY_NAME_ZZ';
const PROJECT_NAME = 'secret-project-name-xyz';
const GITHUB_TOKEN = 'ghp_previewTokenSecret123';
/** The per-request timeout of the timeout case; its answer comes a hundred times later. */
const TIMEOUT_MS = 30;

const preview: PreviewAppInput = {
  githubPersonalAccessToken: GITHUB_TOKEN,
  githubRepoDetails: { owner: 'owner-acme-77', repo: 'repo-shop-77', branch: 'branch-feature-77', directory: 'dir-hasura-77' },
  projectOptions: {
    cloud: 'aws',
    region: 'region-77',
    plan: 'plan-77',
    name: PROJECT_NAME,
    envVars: [{ key: SECRET_KEY, value: SECRET_VALUE }],
  },
};

/** Each call, and the values it sends that are sensitive: the token is one for every call. */
const calls: [string, (c: CloudClient) => Promise<unknown>, string[]][] = [
  ['getTenantEnv', (c) => c.getTenantEnv(TENANT), []],
  ['findProjectsByName', (c) => c.findProjectsByName([PROJECT_NAME]), []],
  ['updateTenantEnv', (c) => c.updateTenantEnv(TENANT, HASH, { [SECRET_KEY]: SECRET_VALUE }), [SECRET_VALUE]],
  ['deleteTenantEnv', (c) => c.deleteTenantEnv(TENANT, HASH, [SECRET_KEY]), []],
  [
    'createTenant',
    (c) => c.createTenant({ cloud: 'cloud-77', region: 'region-77', name: PROJECT_NAME, envs: { [SECRET_KEY]: SECRET_VALUE } }),
    [SECRET_VALUE],
  ],
  // The client itself knows the GitHub token for a secret.
  ['createGitHubPreviewApp', (c) => c.createGitHubPreviewApp(preview), [GITHUB_TOKEN, SECRET_VALUE]],
];

/**
 * Every way a call can fail, the kind of error it must give (so that each case tests the path it
 * names), and its replies, set up for as many attempts as a read may make.
 */
const failures: [string, CloudErrorKind, () => void][] = [
  [
    'not authorized (query_root)',
    'not-authorized',
    () => post().times(5).reply(200, graphqlError(`field "x" not found in type: 'query_root'`, 'validation-failed')),
  ],
  [
    'not authorized (mutation_root)',
    'not-authorized',
    () => post().times(5).reply(200, graphqlError(`field "x" not found in type: 'mutation_root'`, 'validation-failed')),
  ],
  [
    'GenericServerError (retried to the end)',
    'server',
    () => post().times(5).reply(200, graphqlError('there was an internal error while serving your request', 'GenericServerError')),
  ],
  ['nothing changed', 'nothing-changed', () => post().times(5).reply(200, graphqlError('nothing changed in config', 'legacyError'))],
  ['a stale hash', 'conflict', () => post().times(5).reply(200, graphqlError('config hash mismatch (currentHash is stale)', 'unexpected'))],
  ['maintenance', 'maintenance', () => post().times(5).reply(200, graphqlError('project is in maintenance mode', 'unexpected'))],
  ['not found', 'not-found', () => post().times(5).reply(200, graphqlError('tenant not found', 'not-exists'))],
  ['an unknown error', 'service', () => post().times(5).reply(200, graphqlError('something odd', 'weird'))],
  [
    'a service that echoes every value it was sent',
    'service',
    () =>
      post()
        .times(5)
        .reply(200, (_uri, body) =>
          graphqlError(`invalid input: ${JSON.stringify((body as { variables: unknown }).variables)}`, 'validation-failed'),
        ),
  ],
  [
    'HTTP 503 that echoes the request',
    'server',
    () =>
      post()
        .times(5)
        .reply(503, (_uri, body) => `upstream failed for ${JSON.stringify(body)}`),
  ],
  ['HTTP 429', 'server', () => post().times(5).reply(429, 'slow down', { 'retry-after': '0' })],
  ['HTTP 401', 'not-authorized', () => post().times(5).reply(401, 'unauthorized')],
  ['HTTP 400 with GraphQL errors', 'service', () => post().times(5).reply(400, graphqlError('bad request'))],
  [
    'a non-JSON 200',
    'service',
    () =>
      post()
        .times(5)
        .reply(200, (_uri, body) => `<html>${JSON.stringify(body)}</html>`, { 'content-type': 'text/html' }),
  ],
  [
    'a malformed answer',
    'service',
    () =>
      post()
        .times(5)
        .reply(200, { data: { getTenantEnv: { hash: 7 } } }),
  ],
  ['a reset connection', 'network', () => post().times(5).replyWithError({ code: 'ECONNRESET' })],
  ['a refused connection', 'network', () => post().times(5).replyWithError({ code: 'ECONNREFUSED' })],
  ['a blocked network', 'network', () => undefined],
  [
    'a timeout',
    'timeout',
    () =>
      post()
        .times(5)
        .delay(TIMEOUT_MS * 100)
        .reply(200, {}),
  ],
];

/** The run's sensitive values, as the CLI gives them to the client; the GitHub token is left for the client to know. */
function secrets(): Redactor {
  const known = new Redactor();
  known.add(SECRET_VALUE);
  return known;
}

describe('no error shows a sensitive value or the token', () => {
  describe.each(failures)('%s', (_failure, kind, fail) => {
    it.each(calls)('%s', async (_operation, call, values) => {
      fail();
      // Only the timeout case may run into the timeout: the others wait for the answer they name.
      const timeoutMs = kind === 'timeout' ? TIMEOUT_MS : 60_000;
      const err = await call(testClient({ timeoutMs, secrets: secrets() }).client).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CloudError);
      expect((err as CloudError).kind).toBe(kind);
      const views = [(err as Error).message, (err as Error).stack ?? '', String(err), JSON.stringify(err), inspect(err, { depth: 10 })];
      for (const view of views) {
        for (const secret of [TOKEN, ...values]) expect(view).not.toContain(secret);
      }
    });
  });

  it('masks what the service echoes but keeps the rest of what it said', async () => {
    post().reply(200, graphqlError(`value "${SECRET_VALUE}" for ${SECRET_KEY} of ${TENANT} is too long`, 'validation-failed'));
    const err = await testClient({ secrets: secrets() })
      .client.updateTenantEnv(TENANT, HASH, { [SECRET_KEY]: SECRET_VALUE, MODE: 'maint' })
      .catch((e: unknown) => e);
    expect((err as CloudError).message).toBe(`updateTenantEnv failed: value "(sensitive)" for ${SECRET_KEY} of ${TENANT} is too long`);
  });

  it('leaves a message whole where no sensitive value is in it: a plain value sent is no secret', async () => {
    post().reply(200, graphqlError('project is in maintenance mode'));
    const err = await testClient({ secrets: secrets() })
      .client.updateTenantEnv(TENANT, HASH, { MODE: 'maint', CLOUD: 'aws' })
      .catch((e: unknown) => e);
    expect((err as CloudError).message).toBe('updateTenantEnv failed: project is in maintenance mode');
  });
});

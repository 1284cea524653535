import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CloudClient } from '../../src/cloud/client.js';
import { CloudError } from '../../src/cloud/errors.js';
import type { PreviewAppInput } from '../../src/cloud/types.js';
import { graphqlError, post, testClient, TOKEN, useMockService } from './helpers.js';

useMockService();

/** Distinctive values in every variable a call sends: none may show up in what its error says. */
const TENANT = 'tenant-id-4d1f7a0c';
const HASH = 'hash-value-6b2e9d31';
const SECRET_VALUE = 'super-secret-value-Q9x';
const SECRET_KEY = 'SECRET_KEY_NAME_ZZ';
const PROJECT_NAME = 'secret-project-name-xyz';
const GITHUB_TOKEN = 'ghp_previewTokenSecret123';

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

const calls: [string, (c: CloudClient) => Promise<unknown>, string[]][] = [
  ['getTenantEnv', (c) => c.getTenantEnv(TENANT), [TENANT]],
  ['findProjectsByName', (c) => c.findProjectsByName([PROJECT_NAME]), [PROJECT_NAME]],
  ['updateTenantEnv', (c) => c.updateTenantEnv(TENANT, HASH, { [SECRET_KEY]: SECRET_VALUE }), [TENANT, HASH, SECRET_KEY, SECRET_VALUE]],
  ['deleteTenantEnv', (c) => c.deleteTenantEnv(TENANT, HASH, [SECRET_KEY]), [TENANT, HASH, SECRET_KEY]],
  [
    'createTenant',
    (c) => c.createTenant({ cloud: 'cloud-77', region: 'region-77', name: PROJECT_NAME, envs: { [SECRET_KEY]: SECRET_VALUE } }),
    ['cloud-77', 'region-77', PROJECT_NAME, SECRET_KEY, SECRET_VALUE],
  ],
  [
    'createGitHubPreviewApp',
    (c) => c.createGitHubPreviewApp(preview),
    [
      GITHUB_TOKEN,
      'owner-acme-77',
      'repo-shop-77',
      'branch-feature-77',
      'dir-hasura-77',
      'region-77',
      PROJECT_NAME,
      SECRET_KEY,
      SECRET_VALUE,
    ],
  ],
];

/** Every way a call can fail; each reply is set up for as many attempts as a read may make. */
const failures: [string, () => void][] = [
  [
    'not authorized (query_root)',
    () => post().times(5).reply(200, graphqlError(`field "x" not found in type: 'query_root'`, 'validation-failed')),
  ],
  [
    'not authorized (mutation_root)',
    () => post().times(5).reply(200, graphqlError(`field "x" not found in type: 'mutation_root'`, 'validation-failed')),
  ],
  [
    'GenericServerError (retried to the end)',
    () => post().times(5).reply(200, graphqlError('there was an internal error while serving your request', 'GenericServerError')),
  ],
  ['nothing changed', () => post().times(5).reply(200, graphqlError('nothing changed in config', 'legacyError'))],
  ['a stale hash', () => post().times(5).reply(200, graphqlError('config hash mismatch (currentHash is stale)', 'unexpected'))],
  ['maintenance', () => post().times(5).reply(200, graphqlError('project is in maintenance mode', 'unexpected'))],
  ['not found', () => post().times(5).reply(200, graphqlError('tenant not found', 'not-exists'))],
  ['an unknown error', () => post().times(5).reply(200, graphqlError('something odd', 'weird'))],
  [
    'a service that echoes every value it was sent',
    () =>
      post()
        .times(5)
        .reply(200, (_uri, body) =>
          graphqlError(`invalid input: ${JSON.stringify((body as { variables: unknown }).variables)}`, 'validation-failed'),
        ),
  ],
  [
    'HTTP 503 that echoes the request',
    () =>
      post()
        .times(5)
        .reply(503, (_uri, body) => `upstream failed for ${JSON.stringify(body)}`),
  ],
  ['HTTP 429', () => post().times(5).reply(429, 'slow down', { 'retry-after': '0' })],
  ['HTTP 401', () => post().times(5).reply(401, 'unauthorized')],
  ['HTTP 400 with GraphQL errors', () => post().times(5).reply(400, graphqlError('bad request'))],
  [
    'a non-JSON 200',
    () =>
      post()
        .times(5)
        .reply(200, (_uri, body) => `<html>${JSON.stringify(body)}</html>`, { 'content-type': 'text/html' }),
  ],
  [
    'a malformed answer',
    () =>
      post()
        .times(5)
        .reply(200, { data: { getTenantEnv: { hash: 7 } } }),
  ],
  ['a reset connection', () => post().times(5).replyWithError({ code: 'ECONNRESET' })],
  ['a refused connection', () => post().times(5).replyWithError({ code: 'ECONNREFUSED' })],
  ['a blocked network', () => undefined],
  ['a timeout', () => post().times(5).delay(500).reply(200, {})],
];

describe('no error shows a request variable or the token', () => {
  describe.each(failures)('%s', (_failure, fail) => {
    it.each(calls)('%s', async (_operation, call, values) => {
      fail();
      const err = await call(testClient({ timeoutMs: 30 }).client).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CloudError);
      const views = [(err as Error).message, (err as Error).stack ?? '', String(err), JSON.stringify(err), inspect(err, { depth: 10 })];
      for (const view of views) {
        for (const secret of [TOKEN, ...values]) expect(view).not.toContain(secret);
      }
    });
  });

  it('masks what the service echoes but keeps the rest of what it said', async () => {
    post().reply(200, graphqlError(`value "${SECRET_VALUE}" for ${SECRET_KEY} is too long`, 'validation-failed'));
    const err = await testClient()
      .client.updateTenantEnv(TENANT, HASH, { [SECRET_KEY]: SECRET_VALUE })
      .catch((e: unknown) => e);
    expect((err as CloudError).message).toBe('updateTenantEnv failed: value "(sensitive)" for (sensitive) is too long');
  });
});

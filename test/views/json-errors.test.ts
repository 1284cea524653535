import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/views/', import.meta.url));
const SECRET = 'admin-secret-canary-7f3a';
const GITHUB_TOKEN = 'ghp_canaryViewsToken0123456789';
const preview = (name = 'pr-1') => [
  'preview',
  'create',
  '--name',
  name,
  '--repo',
  'acme/shop',
  '--branch',
  'main',
  '--poll-interval',
  '0.02',
];

let t: TestEmulator;
/** An endpoint on a port nothing listens on: every request is refused. */
let closed: string;

beforeAll(async () => {
  t = await startTestEmulator({ projects: { shop: { LOG_LEVEL: 'debug' } } });
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((listening) => server.once('listening', listening));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  closed = `http://127.0.0.1:${port}/v1/graphql`;
});
beforeEach(() => {
  t.emulator.requests.length = 0;
});
afterAll(() => t.close());

const hcr = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCli(args, { cwd: FIXTURES, env: { ...t.env, SHOP_ADMIN_SECRET: SECRET, GITHUB_TOKEN, ...env } });

/**
 * A run that failed before it had anything to show: exit 1, and on stdout ONE document that is
 * the error — its kind, a message, the diagnostics behind it — with no stack and no secret; the
 * log (stderr) says it too, for whoever reads the job.
 */
function failure(r: CliResult, kind: string): { message: string; diagnostics: unknown[] } {
  expect(r.code, r.stderr).toBe(1);
  const doc = JSON.parse(r.stdout);
  expect(Object.keys(doc)).toEqual(['format_version', 'error', 'diagnostics']);
  expect(doc.format_version).toBe(1);
  expect(Object.keys(doc.error)).toEqual(['kind', 'message', 'diagnostics']);
  expect(doc.error.kind).toBe(kind);
  expect(r.stdout).not.toMatch(/\n\s+at /);
  for (const secret of [SECRET, GITHUB_TOKEN, t.token]) expect(r.stdout + r.stderr).not.toContain(secret);
  expect(r.stderr).not.toBe('');
  return doc.error;
}

describe('--format json: an error is one JSON document on stdout, for every command that takes it', () => {
  describe('bad input (kind input): the problems at file:line:col, with severity and rule', () => {
    it.each([
      ['plan', ['plan', '-f', 'broken.yaml', '--format', 'json']],
      ['apply', ['apply', '-f', 'broken.yaml', '--auto-approve', '--format', 'json']],
      ['drift', ['drift', '-f', 'broken.yaml', '--format', 'json']],
    ])('%s', async (_command, args) => {
      const error = failure(await hcr(args), 'input');
      expect(error).toEqual({
        kind: 'input',
        message: '1 problem in 1 file',
        diagnostics: [
          {
            severity: 'error',
            rule: null,
            message: 'projects.shop.env.PORT: expected a string, got the number 8080 — quote it: "8080"',
            location: { file: 'broken.yaml', line: 5, col: 13 },
          },
        ],
      });
    });

    it('a project that does not exist is a problem at its place in the file, as state reads it', async () => {
      const error = failure(await hcr(['plan', '-f', 'ghost.yaml', '--format', 'json']), 'input');
      expect(error.diagnostics).toEqual([
        {
          severity: 'error',
          rule: null,
          message: 'project "ghost" does not exist in Hasura Cloud; fix the name, set its tenantId, or add a `create:` block to create it',
          location: { file: 'ghost.yaml', line: 6, col: 3 },
        },
      ]);
    });

    it('apply refused by a Hasura check: the findings with their rule', async () => {
      const error = failure(await hcr(['apply', '-f', 'bad-check.yaml', '--auto-approve', '--format', 'json']), 'input');
      expect(error.message).toMatch(/^1 Hasura check failed in shop; nothing was written\./);
      expect(error.diagnostics).toEqual([
        expect.objectContaining({ severity: 'error', rule: 'hasura/bool', location: { file: 'bad-check.yaml', line: 5, col: 7 } }),
      ]);
    });

    it('show of a file that is no saved plan', async () => {
      const error = failure(await hcr(['show', 'not-a-plan.hcrplan', '--format', 'json']), 'input');
      expect(error.message).toMatch(/^not-a-plan\.hcrplan\b/);
    });

    it('preview create with a broken --env-file: its lines, never a value', async () => {
      const error = failure(await hcr([...preview(), '--env-file', 'broken.env', '--format', 'json']), 'input');
      expect(error.diagnostics).toEqual([
        expect.objectContaining({ severity: 'error', location: { file: 'broken.env', line: 2, col: 1 } }),
      ]);
      expect(t.emulator.requests).toEqual([]);
    });
  });

  describe('a bad command line (kind usage), refused as it is read', () => {
    it.each([
      ['plan', ['plan', '--format', 'json', '--concurrency', '0'], '--concurrency must be a whole number of 1 or more, not 0'],
      ['apply', ['apply', 'x.hcrplan', '--project', 'shop', '--format', 'json'], '--project cannot be used with a saved plan'],
      ['drift', ['drift', '--format', 'json', '--shard', '3/2'], '--shard 3/2: the shard K must be between 1 and 2'],
      ['show', ['show', 'x.hcrplan', '--format', 'json', '--frobnicate'], 'Unknown argument: frobnicate'],
      ['preview create', [...preview('Not_A_Name'), '--format', 'json'], '--name '],
      ['preview create', [...preview(), '--timeout', '0', '--format', 'json'], '--timeout must be a number of seconds above 0'],
    ])('%s: %j', async (_command, args, message) => {
      const error = failure(await hcr(args), 'usage');
      expect(error.message).toContain(message);
      expect(error.diagnostics).toEqual([]);
      expect(t.emulator.requests).toEqual([]);
    });
  });

  describe('auth', () => {
    it.each([
      ['plan', ['plan', '-f', 'shop.yaml', '--format', 'json']],
      ['apply', ['apply', '-f', 'shop.yaml', '--auto-approve', '--format', 'json']],
      ['drift', ['drift', '-f', 'shop.yaml', '--format', 'json']],
      ['preview create', [...preview(), '--format', 'json']],
    ])('%s with a token Hasura Cloud refuses', async (_command, args) => {
      const error = failure(await hcr(args, { HASURA_CLOUD_ACCESS_TOKEN: 'not-the-token' }), 'auth');
      expect(error.message).not.toContain('not-the-token');
    });

    it('plan without a token, before any request', async () => {
      const error = failure(await hcr(['plan', '-f', 'shop.yaml', '--format', 'json'], { HASURA_CLOUD_ACCESS_TOKEN: undefined }), 'auth');
      expect(error.message).toMatch(/^no Hasura Cloud access token/);
    });

    it('preview create without a GitHub token', async () => {
      const error = failure(await hcr([...preview(), '--format', 'json'], { GITHUB_TOKEN: undefined }), 'auth');
      expect(error.message).toMatch(/^no GitHub token/);
    });
  });

  describe('network: Hasura Cloud cannot be reached', () => {
    it.each([
      ['plan', ['plan', '-f', 'shop.yaml', '--retries', '0', '--format', 'json']],
      ['apply', ['apply', '-f', 'shop.yaml', '--auto-approve', '--retries', '0', '--format', 'json']],
      ['drift', ['drift', '-f', 'shop.yaml', '--retries', '0', '--format', 'json']],
      ['preview create', [...preview(), '--format', 'json']],
    ])('%s', async (_command, args) => {
      const error = failure(await hcr(args, { HASURA_CLOUD_ENDPOINT: closed }), 'network');
      expect(error.message).toMatch(/^\w+ failed/);
    });
  });

  it('a run that fails after showing its result keeps it, with the error beside it', async () => {
    const r = await hcr(['plan', '-f', 'bad-check.yaml', '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['format_version', 'error', 'projects', 'summary', 'checks', 'diagnostics']);
    expect(doc.error).toMatchObject({ kind: 'input', message: expect.stringMatching(/^1 Hasura check failed in shop;/) });
    expect(doc.checks).toEqual([expect.objectContaining({ rule: 'hasura/bool', level: 'error' })]);
  });
});

describe('--format markdown: a failure is a comment that says so', () => {
  it('names the command, the kind, the message and the problems, escaped', async () => {
    const r = await hcr(['plan', '-f', 'broken.yaml', '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        '## hcr plan',
        '',
        '> [!CAUTION]',
        '> **hcr plan failed** (input):',
        '> 1 problem in 1 file',
        '',
        '- ❌ **error** projects.shop.env.PORT: expected a string, got the number 8080 — quote it: "8080" (`broken.yaml:5:13`)',
        '',
      ].join('\n'),
    );
  });
});

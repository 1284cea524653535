import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, resolveEndpoint, resolveToken } from '../../src/cloud/auth.js';
import { UserError } from '../../src/errors.js';

const TOKEN = 'hcr-test-token-7f3a9c5e1d';

function userError(run: () => unknown): UserError {
  try {
    run();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('resolveEndpoint', () => {
  it('takes --endpoint, else HASURA_CLOUD_ENDPOINT, else the real service', () => {
    const env = { HASURA_CLOUD_ENDPOINT: 'https://env.example.com/v1/graphql' };
    expect(resolveEndpoint('https://flag.example.com/v1/graphql', env)).toBe('https://flag.example.com/v1/graphql');
    expect(resolveEndpoint(undefined, env)).toBe('https://env.example.com/v1/graphql');
    expect(resolveEndpoint(undefined, { HASURA_CLOUD_ENDPOINT: '' })).toBe(DEFAULT_ENDPOINT);
    expect(resolveEndpoint(undefined, {})).toBe('https://data.pro.hasura.io/v1/graphql');
  });

  it.each([
    'http://localhost:4000/v1/graphql',
    'http://127.0.0.1:4000/v1/graphql',
    'http://127.8.9.10/v1/graphql',
    'http://[::1]:4000/v1/graphql',
    'http://LOCALHOST/v1/graphql',
  ])('allows plain http to the loopback host %s', (url) => {
    expect(resolveEndpoint(url, {})).toBe(new URL(url).href);
  });

  it.each([
    'http://example.com/v1/graphql',
    'http://localhost.example.com/v1/graphql',
    'http://127.0.0.1.nip.io/v1/graphql',
    'http://0.0.0.0:4000/v1/graphql',
    'http://10.0.0.1/v1/graphql',
    'http://[::2]/v1/graphql',
  ])('refuses plain http to %s, saying why', (url) => {
    const err = userError(() => resolveEndpoint(url, {}));
    expect(err.message).toContain('--endpoint: refusing');
    expect(err.message).toContain('the access token would travel in clear text');
    expect(err.message).toContain('https://');
  });

  it('names the environment variable when that is where the endpoint came from', () => {
    expect(userError(() => resolveEndpoint(undefined, { HASURA_CLOUD_ENDPOINT: 'http://example.com' })).message).toMatch(
      /^HASURA_CLOUD_ENDPOINT: refusing/,
    );
  });

  it.each(['not a url', 'data.pro.hasura.io/v1/graphql', ''])('refuses %j, which is not a URL', (value) => {
    expect(userError(() => resolveEndpoint(value, {})).message).toContain('is not a URL');
  });

  it.each(['ftp://example.com/graphql', 'file:///etc/passwd'])('refuses %s, which is not http(s)', (value) => {
    expect(userError(() => resolveEndpoint(value, {})).message).toContain('is not an http(s) URL');
  });
});

describe('resolveToken', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hcr-token-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = (name: string, content: string, mode: number): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  };

  it('reads HASURA_CLOUD_ACCESS_TOKEN', () => {
    expect(resolveToken({ env: { HASURA_CLOUD_ACCESS_TOKEN: TOKEN } })).toBe(TOKEN);
  });

  it('prefers --token-file, trimming its trailing newline', () => {
    const path = tokenFile('token-600', `${TOKEN}\n`, 0o600);
    expect(resolveToken({ tokenFile: path, env: { HASURA_CLOUD_ACCESS_TOKEN: 'from-env' } })).toBe(TOKEN);
  });

  it('reads a relative --token-file from the given working directory', () => {
    tokenFile('relative-token', TOKEN, 0o400);
    expect(resolveToken({ tokenFile: 'relative-token', env: {}, cwd: dir })).toBe(TOKEN);
  });

  it.skipIf(process.platform === 'win32').each([
    [0o644, '0644'],
    [0o640, '0640'],
    [0o604, '0604'],
    [0o660, '0660'],
  ])('refuses a token file of mode %o, naming the file, its mode and the fix', (mode, shown) => {
    const path = tokenFile(`token-${shown}`, TOKEN, mode);
    const err = userError(() => resolveToken({ tokenFile: path, env: {} }));
    expect(err.message).toContain(path);
    expect(err.message).toContain(`mode ${shown}`);
    expect(err.message).toContain(`chmod 600 ${path}`);
    expect(err.message).not.toContain(TOKEN);
  });

  it.each([
    ['empty', ''],
    ['only a newline', '\n'],
  ])('refuses a token file that is %s', (_what, content) => {
    const path = tokenFile(`token-empty-${content.length}`, content, 0o600);
    expect(userError(() => resolveToken({ tokenFile: path, env: {} })).message).toBe(
      `token file ${path} is empty; put the personal access token in it`,
    );
  });

  it('refuses a token file that does not exist, or is a directory', () => {
    expect(userError(() => resolveToken({ tokenFile: join(dir, 'missing'), env: {} })).message).toContain('missing: no such file');
    const sub = join(dir, 'a-directory');
    mkdirSync(sub, { mode: 0o700 });
    expect(userError(() => resolveToken({ tokenFile: sub, env: {} })).message).toContain('a-directory: a directory, not a file');
  });

  it('refuses a token that could not go into a header, without showing it', () => {
    const path = tokenFile('two-lines', `${TOKEN}\nsecond-line\n`, 0o600);
    const err = userError(() => resolveToken({ tokenFile: path, env: {} }));
    expect(err.message).toContain('contains spaces, line breaks or non-ASCII characters');
    expect(err.message).not.toContain(TOKEN);
    expect(userError(() => resolveToken({ env: { HASURA_CLOUD_ACCESS_TOKEN: 'two words' } })).message).toMatch(
      /^HASURA_CLOUD_ACCESS_TOKEN: /,
    );
  });

  it.each([{}, { HASURA_CLOUD_ACCESS_TOKEN: '' }, { HASURA_CLOUD_ACCESS_TOKEN: '  \n' }])(
    'without a token, says how to set one (%j)',
    (env) => {
      const err = userError(() => resolveToken({ env }));
      expect(err.message).toContain('HASURA_CLOUD_ACCESS_TOKEN');
      expect(err.message).toContain('--token-file');
      expect(err.message).toContain('hcr emulator');
    },
  );
});

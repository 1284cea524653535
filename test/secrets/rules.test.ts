import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretReader } from '../../src/secrets/index.js';
import { AGE_KEY, sopsFile, type Plain } from '../helpers/sops.js';

/** Writes files into a fresh directory; returns a reader of `FILE#POINTER` there, with the vectors' age key. */
function dir(files: Record<string, string>, env: Record<string, string> = { SOPS_AGE_KEY: AGE_KEY }) {
  const root = mkdtempSync(join(tmpdir(), 'hcr-sops-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  const reader = new SecretReader(env, root);
  return { root, read: (ref: string) => reader.read({ fromSops: ref }, join(root, 'hasura-cloud.yaml')) };
}

const DOC: Record<string, Plain> = {
  db: { password: 'pw-canary-1', host: 'db.internal', port: 5432n },
  token: 'tok-canary-2',
  ratio: 0.5,
  debug: false,
  list: ['first', { password: 'nested-in-list' }],
  nothing: null,
};

describe('sops encryption rules and value types', () => {
  it.each(['yaml', 'json'] as const)('%s: values of every type', async (format) => {
    const { read } = dir({ [`s.${format}`]: await sopsFile(DOC, format) });
    const f = `s.${format}`;
    expect(await read(`${f}#/db/password`)).toBe('pw-canary-1');
    expect(await read(`${f}#/db/port`)).toBe('5432');
    expect(await read(`${f}#/ratio`)).toBe('0.5');
    expect(await read(`${f}#/debug`)).toBe('False');
    expect(await read(`${f}#/list/1/password`)).toBe('nested-in-list');
  });

  it('keeps keys in document order for the MAC, an integer-like key after others too', async () => {
    const ordered = new Map<string, Plain>([
      ['b', 'second-key-first'],
      ['10', 'looks like an index'],
    ]);
    const { read } = dir({ 's.yaml': await sopsFile({ m: ordered }, 'yaml') });
    expect(await read('s.yaml#/m/10')).toBe('looks like an index');
  });

  it.each([
    [{ encrypted_regex: '^(password|token)$' }],
    [{ unencrypted_regex: '^(host|port|ratio|debug)$' }],
    [{ encrypted_suffix: 'word' }],
    [{ unencrypted_suffix: '_plain' }],
  ])('honours %j', async (rule) => {
    const { read } = dir({ 's.yaml': await sopsFile(DOC, 'yaml', { rule }) });
    expect(await read('s.yaml#/db/password')).toBe('pw-canary-1');
    expect(await read('s.yaml#/db/host')).toBe('db.internal');
  });

  it('encrypted_regex leaves the others in clear, and the MAC covers them', async () => {
    const text = await sopsFile(DOC, 'yaml', { rule: { encrypted_regex: '^password$' } });
    expect(text).toContain('host: db.internal');
    expect(text).not.toContain('pw-canary-1');
    const { read } = dir({ 's.yaml': text.replace('host: db.internal', 'host: evil.example.com') });
    await expect(read('s.yaml#/db/password')).rejects.toThrow('does not match its MAC');
  });

  it('mac_only_encrypted: a value in clear may change (as with sops), an encrypted one may not', async () => {
    const text = await sopsFile(DOC, 'yaml', { rule: { encrypted_regex: '^password$' }, macOnlyEncrypted: true });
    const clearChanged = dir({ 's.yaml': text.replace('host: db.internal', 'host: other') });
    expect(await clearChanged.read('s.yaml#/db/host')).toBe('other');
    const without = await sopsFile(DOC, 'yaml', { rule: { encrypted_regex: '^password$' } });
    const macFromOther = text.replace(/mac: .*/, /mac: .*/.exec(without)![0]);
    await expect(dir({ 's.yaml': macFromOther }).read('s.yaml#/db/password')).rejects.toThrow('does not match its MAC');
  });

  it('refuses a file that sets two encryption rules, as sops does', async () => {
    const text = await sopsFile(DOC, 'yaml', { metadata: { encrypted_regex: '^password$' } });
    await expect(dir({ 's.yaml': text }).read('s.yaml#/token')).rejects.toThrow('sets more than one of encrypted_suffix');
  });

  it('refuses a comment regex, which hcr does not implement, naming sops as the way out', async () => {
    const text = (await sopsFile(DOC, 'yaml')).replace('unencrypted_suffix: _unencrypted', 'encrypted_comment_regex: sops:enc');
    await expect(dir({ 's.yaml': text }).read('s.yaml#/token')).rejects.toThrow(
      '"s.yaml" cannot be decrypted by hcr: it uses sops.encrypted_comment_regex, which hcr does not implement; install sops on PATH',
    );
  });

  it("refuses several key groups (Shamir's secret sharing) clearly", async () => {
    const text = await sopsFile(DOC, 'yaml', {
      recipients: [],
      metadata: { shamir_threshold: 2n, key_groups: [{ age: [{ recipient: 'age1x', enc: 'x' }] }, { pgp: [{ fp: 'F', enc: 'x' }] }] },
    });
    await expect(dir({ 's.yaml': text }).read('s.yaml#/token')).rejects.toThrow(
      "its data key is split over 2 key groups (Shamir's secret sharing), which hcr does not implement; install sops on PATH",
    );
  });
});

describe('JSON Pointers into a decrypted file', () => {
  it.each([
    ['#/missing', '"s.yaml#/missing": the top level has no key "missing" (it has "db", "token", "ratio", "debug", "list", "nothing")'],
    ['#/db', '"s.yaml#/db": /db is a map; point at one of its values (it has "password", "host", "port")'],
    ['#/list', '"s.yaml#/list": /list is a list; point at one of its items (/list/0, …)'],
    ['#/list/7', '"s.yaml#/list/7": /list is a list of 2; "7" is not an index in it'],
    ['#/token/x', '"s.yaml#/token/x": /token is a single value, so it has no "x"'],
    ['#/nothing', '"s.yaml#/nothing": /nothing is null'],
    ['#token', '"s.yaml#token": the part after # must be a JSON Pointer such as /admin_secret'],
  ])('%s is refused: %s', async (pointer, message) => {
    const { read } = dir({ 's.yaml': await sopsFile(DOC, 'yaml') });
    await expect(read(`s.yaml${pointer}`)).rejects.toThrow(message);
  });

  it('unescapes ~1 and ~0', async () => {
    const { read } = dir({ 's.json': await sopsFile({ 'a/b': { '~c': 'escaped-canary' } }, 'json') });
    expect(await read('s.json#/a~1b/~0c')).toBe('escaped-canary');
  });

  it('refuses an empty value, as fromEnv does', async () => {
    const { read } = dir({ 's.yaml': await sopsFile({ empty: '' }, 'yaml') });
    await expect(read('s.yaml#/empty')).rejects.toThrow('/empty is empty; write value: "" for an intentionally empty value');
  });

  it('refuses files that are not sops files, or in a format sops writes that hcr does not read', async () => {
    const { read } = dir({ 'plain.yaml': 'a: 1\n', 'bad.yaml': 'a: [\n', 'bad.json': '{"a": }', 's.ini': '[x]\n' });
    await expect(read('plain.yaml#/a')).rejects.toThrow('"plain.yaml" is not encrypted by sops: it has no sops metadata');
    await expect(read('bad.yaml#/a')).rejects.toThrow(/"bad.yaml" is not valid YAML at line \d+, col \d+/);
    await expect(read('bad.json#/a')).rejects.toThrow('"bad.json" is not valid JSON');
    await expect(read('s.ini#/a')).rejects.toThrow('"s.ini" is not a .yaml, .yml, .json or .env file');
  });
});

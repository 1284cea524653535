import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretReader } from '../../src/secrets/index.js';
import { parseSopsFile } from '../../src/secrets/sops/document.js';
import { readMetadata } from '../../src/secrets/sops/metadata.js';
import { decryptTree } from '../../src/secrets/sops/tree.js';
import { AGE_KEY, FIXTURES } from '../helpers/sops.js';

const vector = (file: string) => readFileSync(`${FIXTURES}${file}`, 'utf8');

/** Reads `pointer` of `text` written as a file named `name`, with the vectors' age key. */
async function read(name: string, text: string, pointer: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'hcr-sops-'));
  writeFileSync(join(dir, name), text);
  return new SecretReader({ SOPS_AGE_KEY: AGE_KEY }, dir).read({ fromSops: `${name}#${pointer}` }, join(dir, 'hasura-cloud.yaml'));
}

/** Swaps the first occurrences of `a` and `b` in `text`. */
const swap = (text: string, a: string, b: string) => text.replace(a, '\0').replace(b, a).replace('\0', b);

const encOf = (text: string, key: string) => new RegExp(`"?${key}"?: "?(ENC\\[[^\\]]+\\])`).exec(text)![1]!;
const ivOf = (enc: string) => /iv:([^,]+)/.exec(enc)![1]!;

describe('a changed SOPS file is refused (MAC and value authentication)', () => {
  const yaml = vector('age/secret.enc.yaml');
  const json = vector('age/secret.enc.json');
  const env = vector('age/secret.enc.env');

  it('reads the untouched vectors', async () => {
    expect(await read('s.yaml', yaml, '/secret')).toBe('this is a secret');
  });

  it('one value changed: it no longer authenticates', async () => {
    const enc = encOf(yaml, 'string');
    const changed = enc.replace(/data:(.)/, (_, c: string) => `data:${c === 'A' ? 'B' : 'A'}`);
    await expect(read('s.yaml', yaml.replace(enc, changed), '/secret')).rejects.toThrow(
      '"s.yaml" has a value at /string that does not authenticate: it was changed, or moved from another key',
    );
  });

  it('two values of different keys swapped: neither authenticates (the key path is their additional data)', async () => {
    const text = swap(json, encOf(json, 'secret'), encOf(json, 'string'));
    await expect(read('s.json', text, '/string')).rejects.toThrow('has a value at /secret that does not authenticate');
  });

  it('two items of one list swapped: each authenticates, the MAC does not match', async () => {
    const items = [...yaml.matchAll(/- (ENC\[[^\]]+\])/g)].map((m) => m[1]!);
    await expect(read('s.yaml', swap(yaml, items[0]!, items[1]!), '/secret')).rejects.toThrow(
      '"s.yaml" does not match its MAC: its values were changed, reordered, added or removed after sops wrote it',
    );
  });

  it('a value removed: the MAC does not match', async () => {
    const text = yaml.replace(/^string: .*\n/m, '');
    await expect(read('s.yaml', text, '/secret')).rejects.toThrow('does not match its MAC');
  });

  it('the MAC changed, or replaced with the MAC of another file', async () => {
    const mac = /mac: (ENC\[[^\]]+\])/.exec(yaml)![1]!;
    const otherMac = /sops_mac=(ENC\[[^\]]+\])/.exec(env)![1]!;
    const flipped = mac.replace(/data:(.)/, (_, c: string) => `data:${c === 'A' ? 'B' : 'A'}`);
    for (const text of [yaml.replace(mac, flipped), yaml.replace(mac, otherMac)]) {
      await expect(read('s.yaml', text, '/secret')).rejects.toThrow(
        '"s.yaml" has a MAC that does not decrypt with its lastmodified: sops.mac or sops.lastmodified was changed',
      );
    }
  });

  it('lastmodified changed: the MAC no longer decrypts', async () => {
    const text = env.replace('sops_lastmodified=2024-03-26T00:43:54Z', 'sops_lastmodified=2024-03-26T00:43:55Z');
    await expect(read('s.env', text, '/secret')).rejects.toThrow('has a MAC that does not decrypt with its lastmodified');
  });

  it('no MAC at all', async () => {
    const text = yaml.replace(/^ {2}mac: .*\n/m, '');
    await expect(read('s.yaml', text, '/secret')).rejects.toThrow('"s.yaml" has no MAC (sops.mac)');
  });

  it('an encrypted value replaced by one in clear', async () => {
    const text = yaml.replace(encOf(yaml, 'string'), 'plain text');
    await expect(read('s.yaml', text, '/secret')).rejects.toThrow('has a value at /string that is not an encrypted sops value');
  });

  it('a value in clear (an _unencrypted key) changed: the MAC does not match', () => {
    const text = vector('raw-key/example.yaml').replace('remain in clear text', 'remain in plain text');
    const doc = parseSopsFile(text, 'yaml', 'example.yaml');
    const key = Buffer.from(vector('raw-key/example.yaml.datakey.hex').trim(), 'hex');
    expect(() => decryptTree(doc.tree, readMetadata(doc.metadata, 'example.yaml'), key, 'example.yaml')).toThrow('does not match its MAC');
  });

  it('an IV changed', async () => {
    const enc = encOf(yaml, 'secret');
    const text = yaml.replace(enc, enc.replace(ivOf(enc), ivOf(encOf(yaml, 'string'))));
    await expect(read('s.yaml', text, '/secret')).rejects.toThrow('has a value at /secret that does not authenticate');
  });
});

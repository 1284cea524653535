import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SecretReader } from '../../src/secrets/index.js';
import { parseSopsFile, type SopsFormat } from '../../src/secrets/sops/document.js';
import { readMetadata } from '../../src/secrets/sops/metadata.js';
import { decryptTree, PlainMap, type PlainNode } from '../../src/secrets/sops/tree.js';
import { AGE_KEY, FIXTURES } from '../helpers/sops.js';

/** Every leaf of plain JSON as the text sops encrypts it as, by JSON Pointer. */
function expectedLeaves(value: unknown, pointer = ''): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => expectedLeaves(v, `${pointer}/${i}`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => expectedLeaves(v, `${pointer}/${k}`));
  return [[pointer, typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value)]];
}

function leaves(node: PlainNode, pointer = ''): [string, string][] {
  if (node instanceof PlainMap) return node.entries.flatMap(([k, v]) => leaves(v, `${pointer}/${k}`));
  if (Array.isArray(node)) return node.flatMap((v, i) => leaves(v, `${pointer}/${i}`));
  return [[pointer, node === null ? 'null' : node.toString('utf8')]];
}

const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(`${FIXTURES}${path}`, 'utf8'));
const desiredFile = `${FIXTURES}hasura-cloud.yaml`;

describe('the age vectors (written by sops 3.8.1 and 3.9.2)', () => {
  const { '0word': _notInYaml, ...yamlPlain } = json('age/secret.json');
  const dotenvPlain = Object.fromEntries(
    readFileSync(`${FIXTURES}age/secret.env.plain`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('=') as [string, string]),
  );
  it.each([
    ['secret.enc.yaml', yamlPlain],
    ['secret.enc.json', json('age/secret.json')],
    ['secret.enc.env', dotenvPlain],
  ])('%s: every value decrypts to its plaintext, MAC verified', async (file, plain) => {
    const reader = new SecretReader({ SOPS_AGE_KEY: AGE_KEY }, FIXTURES);
    const expected = expectedLeaves(plain);
    const read = await Promise.all(expected.map(([pointer]) => reader.read({ fromSops: `age/${file}#${pointer}` }, desiredFile)));
    expect(read).toEqual(expected.map(([, text]) => text));
  });

  it('gives numbers and booleans as the text sops encrypted: 7, 3.14, True', async () => {
    const reader = new SecretReader({ SOPS_AGE_KEY: AGE_KEY }, FIXTURES);
    const read = (p: string) => reader.read({ fromSops: `age/secret.enc.yaml#${p}` }, desiredFile);
    expect([await read('/int'), await read('/float'), await read('/boolean')]).toEqual(['7', '3.14', 'True']);
  });
});

describe("sops' own example.yaml and example.json, through their data keys", () => {
  it.each<[string, SopsFormat]>([
    ['example.yaml', 'yaml'],
    ['example.json', 'json'],
  ])('%s: comments skipped, arrays, _unencrypted values in clear, numbers and booleans; the MAC matches', (file, format) => {
    const doc = parseSopsFile(readFileSync(`${FIXTURES}raw-key/${file}`, 'utf8'), format, file);
    const key = Buffer.from(readFileSync(`${FIXTURES}raw-key/${file}.datakey.hex`, 'utf8').trim(), 'hex');
    const plain = decryptTree(doc.tree, readMetadata(doc.metadata, file), key, file);
    expect(leaves(plain)).toEqual(expectedLeaves(json(`raw-key/${file}.plain.json`)));
  });
});

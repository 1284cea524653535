import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSopsFile, SopsMap, type SopsFormat, type SopsNode } from '../../src/secrets/sops/document.js';
import { encryptTree, FIXTURES, type Plain } from '../helpers/sops.js';

/** The test encryptor (test/helpers/sops.ts) is only trusted because it writes sops' own vectors byte for byte. */

function toPlain(node: SopsNode): Plain {
  if (node instanceof SopsMap) return Object.fromEntries(node.entries.map(([k, v]) => [k, toPlain(v)]));
  if (Array.isArray(node)) return node.map(toPlain);
  return node;
}

/** The IVs of a tree's encrypted values, in document order. */
function ivs(node: Plain): Buffer[] {
  if (Array.isArray(node)) return node.flatMap(ivs);
  if (node !== null && typeof node === 'object') return Object.values(node).flatMap(ivs);
  const iv = typeof node === 'string' ? /^ENC\[.*,iv:([^,]+),/.exec(node)?.[1] : undefined;
  return iv ? [Buffer.from(iv, 'base64')] : [];
}

describe('the test encryptor', () => {
  it.each<[string, SopsFormat]>([
    ['example.yaml', 'yaml'],
    ['example.json', 'json'],
  ])("writes sops' %s exactly, given its plaintext, data key and IVs", (file, format) => {
    const vector = parseSopsFile(readFileSync(`${FIXTURES}raw-key/${file}`, 'utf8'), format, file);
    const metadata = vector.metadata as { mac: string; lastmodified: string };
    const encrypted = toPlain(vector.tree);
    const plain = JSON.parse(readFileSync(`${FIXTURES}raw-key/${file}.plain.json`, 'utf8')) as Plain;
    const ownIvs = [...ivs(encrypted), Buffer.from(/iv:([^,]+),/.exec(metadata.mac)![1]!, 'base64')];
    const out = encryptTree(plain, {
      dataKey: Buffer.from(readFileSync(`${FIXTURES}raw-key/${file}.datakey.hex`, 'utf8').trim(), 'hex'),
      lastModified: metadata.lastmodified,
      ivs: ownIvs,
    });
    expect(out.tree).toEqual(encrypted);
    expect(out.mac).toBe(metadata.mac);
  });
});

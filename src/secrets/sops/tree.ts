import { createHash, timingSafeEqual } from 'node:crypto';
import { UserError } from '../../errors.js';
import { additionalData, CipherError, decryptValue, fitsInt64, goBool, goFormatFloat, macBytes } from './cipher.js';
import { SopsMap, type SopsNode } from './document.js';
import type { SopsMetadata } from './metadata.js';

/**
 * Decrypting a SOPS tree and verifying its MAC, as sops' Tree.Decrypt and DecryptTree do
 * (getsops/sops sops.go, cmd/sops/common): every leaf in document order, encrypted ones decrypted
 * with their key path as additional data, and SHA-512 over the bytes of every leaf (or, with
 * mac_only_encrypted, of the encrypted ones after a fixed seed) compared with the stored MAC,
 * itself decrypted with `lastmodified` as additional data. There is no way to skip the check.
 */

/** A decrypted tree: each leaf is the value's text as bytes (decoded only when it is used), or null. */
export type PlainNode = PlainMap | PlainNode[] | Buffer | null;
export class PlainMap {
  constructor(readonly entries: [string, PlainNode][]) {}
}

/** sha256("sops"): the seed of a MAC over encrypted values only, so it never equals a MAC over all. */
const MAC_ONLY_ENCRYPTED_SEED = createHash('sha256').update('sops').digest();

export function decryptTree(tree: SopsMap, metadata: SopsMetadata, dataKey: Buffer, written: string): PlainMap {
  const refuse = (why: string): never => {
    throw new UserError(`${JSON.stringify(written)} ${why}`);
  };
  const hash = createHash('sha512');
  if (metadata.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_SEED);

  const leaf = (value: SopsNode, path: string[], pointer: string): PlainNode => {
    if (value === null) return null;
    const encrypted = metadata.isEncrypted(path);
    let text: Buffer;
    let mac: Buffer;
    if (encrypted) {
      if (typeof value !== 'string') return refuse(`has a value in clear at ${pointer} where sops encrypts values`);
      try {
        // sops stores an empty string unencrypted.
        const decrypted =
          value === '' ? { plaintext: Buffer.alloc(0), type: 'str' as const } : decryptValue(value, dataKey, additionalData(path));
        text = decrypted.plaintext;
        mac = macBytes(decrypted);
      } catch (err) {
        if (err instanceof CipherError) return refuse(`has a value at ${pointer} that ${err.message}`);
        throw err;
      }
    } else {
      text = mac = Buffer.from(clearText(value as string | boolean | bigint | number), 'utf8');
    }
    if (!metadata.macOnlyEncrypted || encrypted) hash.update(mac);
    return text;
  };

  const walk = (node: SopsNode, path: string[], pointer: string): PlainNode => {
    if (node instanceof SopsMap) {
      return new PlainMap(node.entries.map(([k, v]) => [k, walk(v, [...path, k], `${pointer}/${escapeToken(k)}`)]));
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, path, `${pointer}/${i}`));
    return leaf(node, path, pointer || '/');
  };

  const plain = walk(tree, [], '') as PlainMap;
  checkMac(hash.digest('hex').toUpperCase(), metadata, dataKey, refuse);
  return plain;
}

/** A value in clear as sops hashes it (ToBytes): a bool as True/False, numbers as Go prints them. */
function clearText(value: string | boolean | bigint | number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return goBool(value);
  // sops reads an integer beyond int64 as a float.
  if (typeof value === 'bigint') return fitsInt64(value) ? value.toString() : goFormatFloat(Number(value));
  return goFormatFloat(value);
}

function checkMac(computed: string, metadata: SopsMetadata, dataKey: Buffer, refuse: (why: string) => never): void {
  if (metadata.mac === '') refuse('has no MAC (sops.mac), so nothing shows that its values are the ones sops wrote');
  let stored: Buffer;
  try {
    stored = decryptValue(metadata.mac, dataKey, metadata.macData).plaintext;
  } catch (err) {
    if (!(err instanceof CipherError)) throw err;
    return refuse(
      'has a MAC that does not decrypt with its lastmodified: sops.mac or sops.lastmodified was changed after sops wrote the file. Restore it from git, or re-encrypt it with sops',
    );
  }
  const expected = Buffer.from(computed, 'utf8');
  if (stored.length !== expected.length || !timingSafeEqual(stored, expected)) {
    refuse(
      'does not match its MAC: its values were changed, reordered, added or removed after sops wrote it. Restore it from git, or edit it with sops (which updates the MAC)',
    );
  }
}

/** A key as a JSON Pointer token. */
export function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

import { createCipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { armor, Encrypter } from 'age-encryption';
import { stringify } from 'yaml';
import { goFormatFloat } from '../../src/secrets/sops/cipher.js';

/**
 * A small SOPS encryptor for tests, so that they can make files sops' vectors do not cover
 * (canary values, encryption rules, mac_only_encrypted, tampering of every kind). It is checked
 * against the real vectors in test/secrets/encryptor.test.ts: given a vector's plaintext, data key
 * and IVs, it writes the vector's values and MAC byte for byte.
 */

export const FIXTURES = new URL('../fixtures/sops/', import.meta.url).pathname;

/** The vectors' age test key: private (in key.txt) and public. */
export const AGE_KEY = readFileSync(`${FIXTURES}age/key.txt`, 'utf8')
  .split('\n')
  .find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
export const AGE_RECIPIENT = 'age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr';
/** A second test key that opens none of the vectors. */
export const OTHER_AGE_KEY = readFileSync(`${FIXTURES}other-key.txt`, 'utf8')
  .split('\n')
  .find((l) => l.startsWith('AGE-SECRET-KEY-'))!;

/**
 * A plaintext tree: an int is a bigint, a float a number (as sops' stores decode them). A Map keeps
 * keys in the order given (an object puts integer-like keys first); YAML only.
 */
export type Plain = string | boolean | bigint | number | null | Plain[] | Map<string, Plain> | { [key: string]: Plain };

export interface EncryptOptions {
  dataKey: Buffer;
  lastModified?: string;
  /** At most one, as in sops; unencrypted_suffix _unencrypted when none. */
  rule?: { unencrypted_suffix?: string; encrypted_suffix?: string; unencrypted_regex?: string; encrypted_regex?: string };
  macOnlyEncrypted?: boolean;
  /** IVs to use in order (values in document order, then the MAC); derived from a counter when absent. */
  ivs?: Buffer[];
}

export interface Encrypted {
  tree: Plain;
  mac: string;
  metadata: Record<string, Plain>;
}

export function encryptTree(plain: Plain, options: EncryptOptions): Encrypted {
  const rule = options.rule ?? { unencrypted_suffix: '_unencrypted' };
  const [name, value] = Object.entries(rule)[0]!;
  const encrypted = (path: string[]) => {
    const any = (test: (k: string) => boolean) => path.some(test);
    if (name === 'unencrypted_suffix') return !any((k) => k.endsWith(value!));
    if (name === 'encrypted_suffix') return any((k) => k.endsWith(value!));
    if (name === 'unencrypted_regex') return !any((k) => new RegExp(value!).test(k));
    return any((k) => new RegExp(value!).test(k));
  };
  let counter = 0;
  const nextIv = () => options.ivs?.[counter++] ?? createHash('sha256').update(`iv ${counter++}`).digest();
  const hash = createHash('sha512');
  if (options.macOnlyEncrypted) hash.update(createHash('sha256').update('sops').digest());
  const walk = (node: Plain, path: string[]): Plain => {
    if (Array.isArray(node)) return node.map((n) => walk(n, path));
    if (node instanceof Map) return new Map([...node].map(([k, v]) => [k, walk(v, [...path, k])]));
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    if (node === null) return null;
    const [type, text] = typed(node);
    const enc = encrypted(path);
    if (!options.macOnlyEncrypted || enc) hash.update(text);
    return enc && text !== '' ? seal(options.dataKey, nextIv(), text, type, `${path.join(':')}:`) : node;
  };
  const tree = walk(plain, []);
  const lastModified = options.lastModified ?? '2025-01-02T03:04:05Z';
  const mac = seal(options.dataKey, nextIv(), hash.digest('hex').toUpperCase(), 'str', lastModified);
  const metadata: Record<string, Plain> = { lastmodified: lastModified, mac, ...rule, version: '3.9.4' };
  if (options.macOnlyEncrypted) metadata.mac_only_encrypted = true;
  return { tree, mac, metadata };
}

function typed(value: string | boolean | bigint | number): [string, string] {
  if (typeof value === 'string') return ['str', value];
  if (typeof value === 'boolean') return ['bool', value ? 'True' : 'False'];
  if (typeof value === 'bigint') return ['int', value.toString()];
  return ['float', goFormatFloat(value)];
}

export function seal(key: Buffer, iv: Buffer, text: string, type: string, aad: string): string {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  const b64 = (b: Buffer) => b.toString('base64');
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64(iv)},tag:${b64(cipher.getAuthTag())},type:${type}]`;
}

/** The data key wrapped for age recipients, as sops stores it. */
export async function wrapForAge(dataKey: Buffer, recipients: string[]): Promise<{ recipient: string; enc: string }[]> {
  return Promise.all(
    recipients.map(async (recipient) => {
      const e = new Encrypter();
      e.addRecipient(recipient);
      return { recipient, enc: armor.encode(await e.encrypt(dataKey)) };
    }),
  );
}

export const TEST_DATA_KEY = createHash('sha256').update('hcr test data key').digest();

/** A SOPS YAML or JSON file of `plain`, its data key wrapped for `recipients` (the vectors' age key by default). */
export async function sopsFile(
  plain: Record<string, Plain>,
  format: 'yaml' | 'json',
  options: Partial<EncryptOptions> & { recipients?: string[]; metadata?: Record<string, Plain> } = {},
): Promise<string> {
  const dataKey = options.dataKey ?? TEST_DATA_KEY;
  const { tree, metadata } = encryptTree(plain, { ...options, dataKey });
  const age = await wrapForAge(dataKey, options.recipients ?? [AGE_RECIPIENT]);
  const doc = { ...(tree as object), sops: { ...(age.length > 0 ? { age } : {}), ...metadata, ...options.metadata } };
  return format === 'json' ? `${JSON.stringify(doc, (_, v) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n` : stringify(doc);
}

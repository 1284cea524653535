import { UserError } from '../../errors.js';
import { isRecord } from '../../util/records.js';
import { goParseBool, lastModifiedData } from './cipher.js';

/**
 * The `sops` metadata of a file, checked (getsops/sops stores/stores.go): the MAC and what it is
 * bound to, which values are encrypted, and the key groups that wrap the data key.
 */

export interface AgeStanza {
  recipient: string;
  /** The armored age file holding the 32-byte data key. */
  enc: string;
}

export interface KeyGroup {
  age: AgeStanza[];
  /** The other kinds of key that wrap the data key in this group, with how many of each (`pgp` → 2). */
  others: Map<string, number>;
}

export interface SopsMetadata {
  /** The MAC as stored: an ENC value. */
  mac: string;
  /** The MAC's additional data: lastmodified as sops formats it. */
  macData: string;
  macOnlyEncrypted: boolean;
  /** Whether the value at a key path is encrypted. */
  isEncrypted(path: readonly string[]): boolean;
  groups: KeyGroup[];
  /** Set when the file uses a sops feature hcr does not implement: then only the sops binary can decrypt it. */
  needsSops?: string;
}

/** The key types sops knows besides age, as the metadata names them. */
const OTHER_KEY_TYPES = ['pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'hckms'] as const;
type KeyType = 'age' | (typeof OTHER_KEY_TYPES)[number];

type Fields = Record<string, unknown>;

export function readMetadata(raw: unknown, written: string): SopsMetadata {
  const refuse = (why: string): never => {
    throw new UserError(`${JSON.stringify(written)} ${why}`);
  };
  if (raw === undefined) return refuse('is not encrypted by sops: it has no sops metadata');
  if (!isRecord(raw)) return refuse('has sops metadata that is not a map');
  const text = (name: string): string | undefined => {
    const v = raw[name];
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' ? v : refuse(`has sops.${name} that is not a string`);
  };
  const lastModified = text('lastmodified') ?? refuse('has no sops.lastmodified');
  const macData = lastModifiedData(lastModified) ?? refuse('has a sops.lastmodified that is not an RFC 3339 time');
  const mac = text('mac') ?? '';

  const rules = (['unencrypted_suffix', 'encrypted_suffix', 'unencrypted_regex', 'encrypted_regex'] as const)
    .map((name) => [name, text(name)] as const)
    .filter((r): r is readonly [(typeof r)[0], string] => r[1] !== undefined);
  const commentRules = ['unencrypted_comment_regex', 'encrypted_comment_regex'].filter((name) => text(name) !== undefined);
  if (rules.length + commentRules.length > 1) {
    refuse(
      'sets more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex and the comment regexes, which sops refuses',
    );
  }
  const [name, value] = rules[0] ?? ['unencrypted_suffix', '_unencrypted'];
  const isEncrypted = encryptionRule(name, value, refuse);

  const groups = keyGroups(raw, refuse);
  if (groups.length === 0) refuse('has no key that wraps its data key (no age, pgp, kms, gcp_kms, azure_kv, hc_vault or hckms entry)');
  const needsSops = commentRules.length
    ? `it uses sops.${commentRules[0]}, which hcr does not implement`
    : groups.length > 1
      ? `its data key is split over ${groups.length} key groups (Shamir's secret sharing), which hcr does not implement`
      : undefined;
  return {
    mac,
    macData,
    macOnlyEncrypted: flag(raw.mac_only_encrypted, refuse),
    isEncrypted,
    groups,
    ...(needsSops && { needsSops }),
  };
}

/** mac_only_encrypted: a boolean, or in dotenv files a string that Go's ParseBool reads. */
function flag(v: unknown, refuse: (why: string) => never): boolean {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (v === true) return true;
  return (typeof v === 'string' ? goParseBool(v) : undefined) ?? refuse('has a sops.mac_only_encrypted that is not true or false');
}

/** sops' shouldBeEncrypted for the one rule a file may have: a suffix or a regex over any key of the path. */
function encryptionRule(name: string, value: string, refuse: (why: string) => never): (path: readonly string[]) => boolean {
  switch (name) {
    case 'unencrypted_suffix':
      return (path) => !path.some((k) => k.endsWith(value));
    case 'encrypted_suffix':
      return (path) => path.some((k) => k.endsWith(value));
  }
  const re = goRegex(value) ?? refuse(`has a sops.${name} that hcr cannot read as a regular expression`);
  return name === 'unencrypted_regex' ? (path) => !path.some((k) => re.test(k)) : (path) => path.some((k) => re.test(k));
}

/** A Go (RE2) regular expression as a JavaScript one: the common syntax is shared; a leading (?i) becomes the i flag. */
function goRegex(source: string): RegExp | undefined {
  const insensitive = source.startsWith('(?i)');
  const body = insensitive ? source.slice(4) : source;
  // Unicode mode first (RE2 matches code points), then the looser mode for escapes such as \- that it refuses.
  for (const flags of ['u', '']) {
    try {
      return new RegExp(body, insensitive ? `${flags}i` : flags);
    } catch {
      // try the next mode
    }
  }
  return undefined;
}

/** The key groups: the top-level keys form one group; `key_groups` is used when there are none. */
function keyGroups(raw: Fields, refuse: (why: string) => never): KeyGroup[] {
  const top = group(raw, 'sops', refuse);
  if (top.age.length > 0 || top.others.size > 0) return [top];
  const listed = raw.key_groups;
  if (listed === undefined || listed === null) return [];
  if (!Array.isArray(listed)) return refuse('has sops.key_groups that is not a list');
  return listed.map((g, i) =>
    isRecord(g) ? group(g, `sops.key_groups[${i}]`, refuse) : refuse(`has sops.key_groups[${i}] that is not a map`),
  );
}

function group(fields: Fields, at: string, refuse: (why: string) => never): KeyGroup {
  const entries = (type: KeyType): unknown[] => {
    const v = fields[type];
    if (v === undefined || v === null) return [];
    return Array.isArray(v) ? v : refuse(`has ${at}.${type} that is not a list`);
  };
  const age = entries('age').map((e, i): AgeStanza => {
    const where = `${at}.age[${i}]`;
    if (!isRecord(e) || typeof e.recipient !== 'string' || typeof e.enc !== 'string')
      return refuse(`has ${where} without a recipient and enc`);
    return { recipient: e.recipient, enc: e.enc };
  });
  const others = new Map<string, number>();
  for (const type of OTHER_KEY_TYPES) {
    const n = entries(type).length;
    if (n > 0) others.set(type, n);
  }
  return { age, others };
}

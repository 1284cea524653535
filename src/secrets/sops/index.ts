import { UserError } from '../../errors.js';
import { plural } from '../../util/words.js';
import { readCapped, utf8, type TreeFile } from '../read.js';
import type { AgeIdentities, Unwrapped } from './age.js';
import { decryptWithSops, findSops } from './binary.js';
import { formatOf, parseSopsFile } from './document.js';
import type { Env } from './exec.js';
import { readMetadata, type SopsMetadata } from './metadata.js';
import { decryptTree, type PlainMap } from './tree.js';

/** Secrets files are a few KiB; sops' own examples are under 10. */
const MAX_SOPS_FILE_BYTES = 4 * 1024 * 1024;

export interface SopsContext {
  env: Env;
  cwd: string;
  identities: AgeIdentities;
}

/**
 * Decrypts a SOPS file: in-process when an age identity opens its data key; with the sops binary
 * (if one is on PATH) when only other kinds of key wrap it or it uses what hcr does not implement;
 * otherwise an error saying what the file needs.
 */
export async function decryptSopsFile(file: TreeFile, ctx: SopsContext): Promise<PlainMap> {
  const name = JSON.stringify(file.written);
  const format = formatOf(file.real);
  if (!format)
    throw new UserError(`${name} is not a .yaml, .yml, .json or .env file, the SOPS formats hcr reads (chosen by extension, as sops does)`);
  const document = parseSopsFile(utf8(await readCapped(file, MAX_SOPS_FILE_BYTES), file.written), format, file.written);
  const metadata = readMetadata(document.metadata, file.written);
  const ageStanzas = metadata.needsSops ? [] : metadata.groups[0]!.age;
  const unwrapped = ageStanzas.length > 0 ? await ctx.identities.unwrap(ageStanzas) : undefined;
  if (unwrapped?.dataKey) return decryptTree(document.tree, metadata, unwrapped.dataKey, file.written);

  const sops = await findSops(ctx.env, ctx.cwd);
  const others = otherKeys(metadata);
  if (sops && (metadata.needsSops || others.length > 0)) return decryptWithSops(sops, file, format, ctx.env, ctx.cwd);
  throw new UserError(cannotOpen(name, metadata, others, unwrapped));
}

/** The kinds of non-age key wrapping the data key, with their counts: `pgp (2 keys)`. */
function otherKeys(metadata: SopsMetadata): string[] {
  const counts = new Map<string, number>();
  for (const group of metadata.groups) for (const [type, n] of group.others) counts.set(type, (counts.get(type) ?? 0) + n);
  return [...counts].map(([type, n]) => `${type} (${plural(n, 'key')})`);
}

const HOW_TO_GIVE_AGE_KEY =
  'Give hcr the age private key: SOPS_AGE_KEY (the key itself, e.g. one CI secret), SOPS_AGE_KEY_FILE (a keys file), SOPS_AGE_KEY_CMD (a command that prints it), or sops/age/keys.txt in your config directory';

function cannotOpen(name: string, metadata: SopsMetadata, others: string[], unwrapped: Unwrapped | undefined): string {
  const install = 'install sops on PATH, and hcr runs `sops decrypt` on it';
  if (metadata.needsSops) return `${name} cannot be decrypted by hcr: ${metadata.needsSops}; ${install}`;
  if (!unwrapped) {
    return `${name} has its data key wrapped only for ${others.join(', ')}, which hcr cannot open itself; ${install}, or add an age recipient to it (sops updatekeys)`;
  }
  const recipients = metadata.groups[0]!.age.map((s) => s.recipient).join(', ');
  const looked = `Looked in: ${unwrapped.places.map((p) => `${p.name} (${p.note})`).join('; ')}`;
  const alsoOthers = others.length > 0 ? ` It is also wrapped for ${others.join(', ')}: with sops on PATH, hcr would try those.` : '';
  if (unwrapped.failures.length > 0) return `${name}: ${unwrapped.failures.join('; ')}. ${looked}.${alsoOthers}`;
  const what = unwrapped.found ? 'none of the age identities found opens it' : 'no age identity was found to open it';
  return `${name}: ${what}; it is encrypted for ${recipients}. ${HOW_TO_GIVE_AGE_KEY}. ${looked}.${alsoOthers}`;
}

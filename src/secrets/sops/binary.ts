import { UserError } from '../../errors.js';
import { goBool, goFormatFloat } from './cipher.js';
import { parseSopsFile, SopsMap, type SopsFormat, type SopsNode } from './document.js';
import { findExecutable, run, type Env } from './exec.js';
import { PlainMap, type PlainNode } from './tree.js';

/**
 * Decrypting with the sops binary, for what hcr does not open itself (PGP, cloud KMS, Vault,
 * Shamir key groups): `sops decrypt --output-type json FILE`, no shell, plaintext kept in memory.
 * sops checks the MAC itself (hcr never passes --ignore-mac). Its stderr is never shown: some of its
 * messages quote values.
 */

/** A decrypted file is at most the size of the encrypted one. */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** What sops' exit codes (cmd/sops/codes) mean, for the ones a decrypt can end with. */
const EXIT_CODES: Record<number, string> = {
  2: 'it could not read the file',
  24: 'the MAC does not decrypt',
  25: 'a value does not decrypt',
  51: 'the MAC does not match: the file was changed after sops wrote it',
  52: 'the file has no MAC',
  100: 'no file was given',
  128: 'no key it can use opens the data key',
};

export function findSops(env: Env, cwd: string): Promise<string | undefined> {
  return findExecutable('sops', env, cwd);
}

export async function decryptWithSops(
  sops: string,
  file: { real: string; written: string },
  format: SopsFormat,
  env: Env,
  cwd: string,
): Promise<PlainMap> {
  let ran;
  try {
    ran = await run(sops, ['decrypt', '--input-type', format, '--output-type', 'json', file.real], {
      env,
      cwd,
      maxBytes: MAX_OUTPUT_BYTES,
    });
  } catch (err) {
    throw new UserError(`${JSON.stringify(file.written)}: ${sops} could not be run (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (ran.exit !== 0) {
    const meaning = typeof ran.exit === 'number' ? EXIT_CODES[ran.exit] : undefined;
    throw new UserError(
      `${JSON.stringify(file.written)}: \`sops decrypt\` failed (exit ${ran.exit}${meaning ? `: ${meaning}` : ''}); ` +
        `its own message is not shown, as it can quote values. Run \`sops decrypt ${file.written} > /dev/null\` to see it`,
    );
  }
  const text = ran.stdout.toString('utf8');
  const parsed = (() => {
    try {
      return parseSopsFile(text, 'json', `sops decrypt ${file.written}`);
    } catch {
      throw new UserError(`${JSON.stringify(file.written)}: \`sops decrypt --output-type json\` did not print a JSON map`);
    }
  })();
  return plainFromJson(parsed.tree) as PlainMap;
}

/** sops' JSON output as a decrypted tree, each scalar as the text sops encrypts it as (a bool as True/False). */
function plainFromJson(node: SopsNode): PlainNode {
  if (node instanceof SopsMap) return new PlainMap(node.entries.map(([k, v]) => [k, plainFromJson(v)]));
  if (Array.isArray(node)) return node.map(plainFromJson);
  if (node === null) return null;
  const text =
    typeof node === 'string'
      ? node
      : typeof node === 'boolean'
        ? goBool(node)
        : typeof node === 'bigint'
          ? node.toString()
          : goFormatFloat(node);
  return Buffer.from(text, 'utf8');
}

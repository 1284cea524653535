import { UserError } from '../errors.js';
import { readCapped, utf8, type TreeFile } from './read.js';

/** A mounted secret or a JSON blob (a JWT config, a JWK set): far below this. */
export const MAX_FROM_FILE_BYTES = 256 * 1024;

/**
 * The value of `fromFile`: the file's text with one trailing newline (`\n` or `\r\n`) dropped, as
 * editors and `echo` add one. An empty value is refused, as fromEnv refuses one: an empty mounted
 * file is far more often a mount that failed than a secret meant to be empty.
 */
export async function readFromFile(file: TreeFile): Promise<string> {
  const text = utf8(await readCapped(file, MAX_FROM_FILE_BYTES), file.written);
  if (text.includes('\0')) throw new UserError(`${JSON.stringify(file.written)} holds a NUL byte, which no environment variable can`);
  const value = text.replace(/\r?\n$/, '');
  if (value === '') {
    throw new UserError(
      `${JSON.stringify(file.written)} is empty (a mount that failed?); write value: "" for an intentionally empty value`,
    );
  }
  return value;
}

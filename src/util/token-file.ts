import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { FileRefused, readSmallFile, type SmallFile } from './files.js';

/** A token is a few hundred bytes; a token file past this is some other file. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/**
 * A token from a file the user names (`--token-file`): a regular file of mode 600 or stricter, so
 * that a token lying readable by others is refused rather than used. Relative to `cwd`; `what`
 * names the token in messages ("personal access token").
 */
function readTokenFile(file: string, cwd: string, what: string): string {
  const path = resolve(cwd, file);
  let read: SmallFile;
  try {
    read = readSmallFile(path, MAX_TOKEN_FILE_BYTES);
  } catch (err) {
    if (err instanceof FileRefused) throw new UserError(`token file ${path}: ${err.reason}`, 'auth');
    throw err;
  }
  const mode = read.stat.mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new UserError(
      `token file ${path} has mode ${mode.toString(8).padStart(4, '0')}: it is readable by group or others. ` +
        `Restrict it with: chmod 600 ${path}`,
      'auth',
    );
  }
  const token = read.bytes.toString('utf8').trim();
  if (token === '') throw new UserError(`token file ${path} is empty; put the ${what} in it`, 'auth');
  return checkedToken(token, `token file ${file}`);
}

/** Where a command takes its token from: `--token-file`, which wins, else an environment variable. Never a flag's value, which would show in logs. */
export interface TokenSource {
  tokenFile: string | undefined;
  cwd: string;
  env: Record<string, string | undefined>;
  variable: string;
  /** Names the token in messages ("GitHub token"). */
  what: string;
  /** The message when neither is given: how to get one. */
  missing: string;
}

export function readToken(source: TokenSource): string {
  if (source.tokenFile !== undefined) return readTokenFile(source.tokenFile, source.cwd, source.what);
  const token = source.env[source.variable]?.trim();
  if (!token) throw new UserError(source.missing, 'auth');
  return checkedToken(token, source.variable);
}

/** A token goes into an HTTP header; one with spaces or line breaks would fail there, echoing itself. */
function checkedToken(token: string, source: string): string {
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UserError(`${source}: the token contains spaces, line breaks or non-ASCII characters; expected a single token`, 'auth');
  }
  return token;
}

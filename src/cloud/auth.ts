import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { FileRefused, readSmallFile, type SmallFile } from '../util/files.js';

type Env = Record<string, string | undefined>;

export const DEFAULT_ENDPOINT = 'https://data.pro.hasura.io/v1/graphql';

/** `--endpoint` > `HASURA_CLOUD_ENDPOINT` > the real service; plain http only to this machine. */
export function resolveEndpoint(flag: string | undefined, env: Env): string {
  const [source, value] =
    flag !== undefined
      ? ['--endpoint', flag]
      : env.HASURA_CLOUD_ENDPOINT
        ? ['HASURA_CLOUD_ENDPOINT', env.HASURA_CLOUD_ENDPOINT]
        : ['the default endpoint', DEFAULT_ENDPOINT];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`${source}: "${value}" is not a URL; expected e.g. ${DEFAULT_ENDPOINT}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`${source}: "${value}" is not an http(s) URL; expected e.g. ${DEFAULT_ENDPOINT}`);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new UserError(
      `${source}: refusing ${url.href}: over plain http:// the access token would travel in clear text. ` +
        'Use https://; http:// is allowed only for this machine (localhost, 127.0.0.1, [::1]), e.g. `hcr emulator`.',
    );
  }
  return url.href;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

export interface TokenSource {
  /** `--token-file`; wins over the environment. */
  tokenFile?: string;
  env: Env;
  /** What a relative `--token-file` is relative to. */
  cwd?: string;
}

/** The personal access token, from `--token-file` (mode 600) or `HASURA_CLOUD_ACCESS_TOKEN`. Never from a flag. */
export function resolveToken({ tokenFile, env, cwd = process.cwd() }: TokenSource): string {
  if (tokenFile !== undefined) return checked(readTokenFile(resolve(cwd, tokenFile)), `token file ${tokenFile}`);
  const token = env.HASURA_CLOUD_ACCESS_TOKEN?.trim();
  if (!token) {
    throw new UserError(
      'no Hasura Cloud access token: set HASURA_CLOUD_ACCESS_TOKEN to a personal access token ' +
        '(Hasura Cloud console → Account settings → Access tokens), or pass --token-file FILE (a file of mode 600). ' +
        'To try hcr without an account, run `hcr emulator` and point --endpoint at it.',
    );
  }
  return checked(token, 'HASURA_CLOUD_ACCESS_TOKEN');
}

/** A personal access token is a few hundred bytes; a token file past this is some other file. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

function readTokenFile(path: string): string {
  let file: SmallFile;
  try {
    file = readSmallFile(path, MAX_TOKEN_FILE_BYTES);
  } catch (err) {
    if (err instanceof FileRefused) throw new UserError(`token file ${path}: ${err.reason}`);
    throw err;
  }
  const mode = file.stat.mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new UserError(
      `token file ${path} has mode ${mode.toString(8).padStart(4, '0')}: it is readable by group or others. ` +
        `Restrict it with: chmod 600 ${path}`,
    );
  }
  const token = file.bytes.toString('utf8').trim();
  if (token === '') throw new UserError(`token file ${path} is empty; put the personal access token in it`);
  return token;
}

/** A token goes into an HTTP header; one with spaces or line breaks would fail there, echoing itself. */
function checked(token: string, source: string): string {
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UserError(`${source}: the access token contains spaces, line breaks or non-ASCII characters; expected a single token`);
  }
  return token;
}

import { readToken } from '../util/token-file.js';
import { tokenSafeUrl } from '../util/url.js';

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
  return tokenSafeUrl(source, value, DEFAULT_ENDPOINT).href;
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
  return readToken({
    tokenFile,
    cwd,
    env,
    variable: 'HASURA_CLOUD_ACCESS_TOKEN',
    what: 'personal access token',
    missing:
      'no Hasura Cloud access token: set HASURA_CLOUD_ACCESS_TOKEN to a personal access token ' +
      '(Hasura Cloud console → Account settings → Access tokens), or pass --token-file FILE (a file of mode 600). ' +
      'To try hcr without an account, run `hcr emulator` and point --endpoint at it.',
  });
}

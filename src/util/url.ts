import { UserError } from '../errors.js';

/**
 * An http(s) URL that a token will be sent to: plain http only to this machine (an emulator or a
 * test's stand-in), since anywhere else the token would travel in clear text. `source` names where
 * the value came from; `example` is what a good one looks like.
 */
export function tokenSafeUrl(source: string, value: string, example: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`${source}: "${value}" is not a URL; expected e.g. ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`${source}: "${value}" is not an http(s) URL; expected e.g. ${example}`);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new UserError(
      `${source}: refusing ${url.href}: over plain http:// the access token would travel in clear text. ` +
        'Use https://; http:// is allowed only for this machine (localhost, 127.0.0.1, [::1]), e.g. `hcr emulator`.',
    );
  }
  return url;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

import { describe, expect, it } from 'vitest';
import { seedShop, world } from './setup.js';

const CANARY = 'token-flag-canary-5e1d';

// README: the token is read from HASURA_CLOUD_ACCESS_TOKEN or --token-file, never from a flag
// (where it would sit in shell history and process lists), and is never printed.
describe('the access token is never taken from a flag', () => {
  it.each([
    ['plan', '-f', 'shop.yaml'],
    ['apply', '-f', 'shop.yaml', '--auto-approve'],
    ['drift', '-f', 'shop.yaml'],
    ['import', '--project', 'shop-prod'],
  ])('%s: a token given as a flag is refused, not echoed, and nothing is sent', async (...command) => {
    const { t, hcr } = await world();
    seedShop(t);
    for (const flag of [['--token', CANARY], [`--token=${CANARY}`], ['--access-token', CANARY]]) {
      // With no token in the environment (the flag would be the only one), and with the right one there.
      for (const token of [undefined, t.token]) {
        const r = await hcr([...command, ...flag], { env: { HASURA_CLOUD_ACCESS_TOKEN: token } });
        expect(r.code, flag.join(' ')).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/Unknown arguments?: (access-)?token/);
        expect(r.stderr).not.toContain(CANARY);
      }
    }
    expect(t.emulator.requests).toEqual([]);
  });
});

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as StateRead from '../../src/state/read.js';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/views/', import.meta.url));
const SECRET = 'admin-secret-canary-7f3a';

// A bug stands in for every bug: reading live state throws what no code of hcr expects, with a
// secret of the run in its message (a library may quote anything it was given).
vi.mock('../../src/state/read.js', async (original) => ({
  ...(await original<typeof StateRead>()),
  readLive: async () => {
    throw new TypeError(`cannot read properties of undefined (near ${SECRET})`);
  },
}));

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ projects: { shop: {} } });
});
afterAll(() => t.close());

const hcr = (args: string[]) => runCli(args, { cwd: FIXTURES, env: { ...t.env, SHOP_ADMIN_SECRET: SECRET } });

describe('a bug (kind internal)', () => {
  it.each([
    ['plan', ['plan', '-f', 'shop.yaml']],
    ['apply', ['apply', '-f', 'shop.yaml', '--auto-approve']],
    ['drift', ['drift', '-f', 'shop.yaml']],
  ])('%s: JSON says it is a bug and where to look, never what it said; the log has the stack, masked', async (_command, args) => {
    const r = await hcr([...args, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      format_version: 1,
      error: {
        kind: 'internal',
        message: expect.stringMatching(
          /^internal error \(TypeError\): this is a bug in hcr \S+; please report it with the stack trace hcr wrote to stderr$/,
        ),
        diagnostics: [],
      },
      diagnostics: [],
    });
    expect(r.stderr).toMatch(
      /^Internal error: this is a bug in hcr \S+; please report it with the output below\.\nTypeError: cannot read properties/,
    );
    expect(r.stderr).toMatch(/\n\s+at /);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('as text, the same message and stack on stderr, nothing on stdout', async () => {
    const r = await hcr(['plan', '-f', 'shop.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Internal error: this is a bug in hcr/);
    expect(r.stderr).not.toContain(SECRET);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { secretWorld } from './secret-world.js';

const LIVE = JSON.parse(readFileSync(new URL('fixtures/import-secrets/live.json', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, string>
>;
const PLAIN = ['LOG_LEVEL', 'PORT', 'PUBLIC_URL'];

/** Characters a terminal obeys or hides, or an editor shows as nothing: none may reach one raw. */
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/;

type ImportedDoc = { projects: Record<string, { env: Record<string, string | { fromEnv: string }> }> };

/** What the imported file reads from the environment, each variable set to the live value it stands for. */
function variables(yaml: string, live: Record<string, Record<string, string>>): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, project] of Object.entries((parse(yaml) as ImportedDoc).projects)) {
    for (const [key, value] of Object.entries(project.env)) if (typeof value === 'object') vars[value.fromEnv] = live[name]![key]!;
  }
  return vars;
}

/** Imports `project` to stdout and to a file; both must be the same, escaped, and hold no secret. */
async function importBoth(w: Awaited<ReturnType<typeof secretWorld>>, project: string) {
  const printed = await w.hcr(['import', '--project', project]);
  expect(printed.code, printed.stderr).toBe(0);
  const written = await w.hcr(['import', '--project', project, '--out', `${project}.yaml`]);
  expect(written.code, written.stderr).toBe(0);
  const yaml = w.read(`${project}.yaml`);
  expect(printed.stdout.replace(/\$schema=\S+/, '')).toBe(yaml.replace(/\$schema=\S+/, ''));
  for (const text of [printed.stdout, printed.stderr, written.stderr, yaml]) expect(text).not.toMatch(RAW_CONTROL);
  return { yaml, stderr: written.stderr };
}

/** import → validate → plan: the file is valid and equals live state, once its variables are set. */
async function expectRoundTrip(w: Awaited<ReturnType<typeof secretWorld>>, file: string, env: Record<string, string>) {
  const validate = await w.hcr(['validate', '-f', file], { env });
  expect(validate.code, validate.stderr).toBe(0);
  const plan = await w.hcr(['plan', '-f', file, '--detailed-exitcode'], { env });
  expect(plan.stdout, plan.stderr).toContain('No changes.');
  expect(plan.code).toBe(0);
}

describe('hcr import and secrets', () => {
  it('writes every value that looks secret, by its name or its shape, as a fromEnv variable and never in plain text', async () => {
    const w = await secretWorld('import-secrets');
    w.t.seed('vault', LIVE.vault);
    w.secret(...Object.entries(LIVE.vault!).flatMap(([key, value]) => (PLAIN.includes(key) ? [] : [value])), w.t.token);
    const { yaml, stderr } = await importBoth(w, 'vault');
    const env = (parse(yaml) as ImportedDoc).projects.vault!.env;
    for (const [key, value] of Object.entries(env)) {
      if (PLAIN.includes(key)) expect(value, key).toBe(LIVE.vault![key]);
      else expect(value, key).toEqual({ fromEnv: expect.stringMatching(/^VAULT_/) });
    }
    expect(stderr).toContain(`${Object.keys(env).length - PLAIN.length} values looked secret`);
    const live = { vault: w.t.emulator.store.findProjectByName('vault')!.env };
    await expectRoundTrip(w, 'vault.yaml', variables(yaml, live));
  });

  it('writes a value that holds another secret or the token as fromEnv, and leaves a plain value that only equals a short one', async () => {
    const w = await secretWorld('import-secrets');
    const admin = 'canary-"admin"-7e3b';
    w.t.seed('holder', {
      ADMIN_SECRET: admin,
      STATUS_PAGE: `https://status.example.com/${encodeURIComponent(admin)}/ping`,
      CONSOLE_CONFIG: JSON.stringify({ admin }),
      GREETING: `hello ${w.t.token} there`,
      FEATURE_AUTH: 'on',
      MODE: 'on',
    });
    w.secret(admin, w.t.token);
    const { yaml } = await importBoth(w, 'holder');
    const env = (parse(yaml) as ImportedDoc).projects.holder!.env;
    for (const key of ['ADMIN_SECRET', 'STATUS_PAGE', 'CONSOLE_CONFIG', 'GREETING', 'FEATURE_AUTH', 'HASURA_GRAPHQL_ADMIN_SECRET'])
      expect(env[key], key).toEqual({ fromEnv: expect.any(String) });
    expect(env.MODE).toBe('on');
  });

  it('round-trips hostile live values, escaped in all it prints, and lists the keys a file cannot hold', async () => {
    const w = await secretWorld('import-secrets');
    const hostile = {
      CONTROL: 'bell\x07 esc\x1b[31m cr\r tab\t del\x7f csi\x9b2J',
      NUL: 'before\x00after',
      LONG: `start ${'long value '.repeat(20_000)}end`,
      BIDI: 'user \u202etxt.exe',
      ZERO_WIDTH: 'a\u200bb\u2060c\ufeffd',
      SEPARATORS: 'line\u2028para\u2029end',
      EMOJI: '👩‍💻 e\u0301 日本語 مرحبا',
      LONE_SURROGATE: 'half \ud800 pair',
      NONCHARACTER: 'x\uffffy\ufffe',
      'BAD-KEY': 'dash',
      '9LIVES': 'digit',
      'with space': 'space',
      ключ: 'cyrillic',
      'KEY\x1b[2J': 'escape in the key',
      [`K${'x'.repeat(10_000)}!`]: 'very long key',
    };
    w.t.seed('hostile', hostile);
    const { yaml, stderr } = await importBoth(w, 'hostile');
    // Six names a file cannot hold, and four values hcr refuses in any form (control characters, a noncharacter, 128 KiB).
    expect(stderr).toContain('Not imported (left alone, as the file does not prune): 10 keys');
    for (const key of ['CONTROL', 'NUL', 'NONCHARACTER', 'LONG'])
      expect(stderr).toMatch(new RegExp(`hostile ${key}: the value (holds|is)`));
    expect(stderr).toContain('hostile "KEY\\u001b[2J": "KEY\\u001b[2J" is not a valid key name');
    expect(stderr).toMatch(/hostile "Kx{63}… \(10002 characters\)": "Kx{63}"… \(10002 characters\) is not a valid key name/);
    expect(yaml).toContain('BIDI: "user \\u202etxt.exe"');
    const env = (parse(yaml) as ImportedDoc).projects.hostile!.env;
    expect(Object.keys(env)).not.toContain('BAD-KEY');
    const live = { hostile: w.t.emulator.store.findProjectByName('hostile')!.env };
    await expectRoundTrip(w, 'hostile.yaml', variables(yaml, live));
  });
});

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reliabilityWorld } from '../reliability/harness.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

/** A working directory with an emulator; `shop` exists with a few keys. */
async function hostileWorld() {
  const w = await reliabilityWorld();
  w.t.seed('shop', { KEEP: 'keep' });
  const path = (name: string) => join(w.dir, name);
  const copy = (fixture: string, as = fixture.split('/').at(-1)!) => {
    copyFileSync(join(FIXTURES, fixture), path(as));
    return as;
  };
  const fifo = (name: string) => {
    execFileSync('mkfifo', [path(name)]);
    return name;
  };
  return { w, path, copy, fifo };
}

/** Lines of `hcr validate` problems, the count line left out. */
const problems = (stderr: string) => stderr.trimEnd().split('\n').slice(0, -1);

/** A glob whose regular expression backtracks exponentially on a long run of `A`s that it does not match. */
const PATHOLOGICAL = `${'*A'.repeat(40)}*B`;
const LONG_A = 'A'.repeat(255);

describe('globs are matched in time linear in the name', () => {
  it('an ignore glob of 40 stars against 255-character keys validates at once', { timeout: 5_000 }, async () => {
    const { w } = await hostileWorld();
    const keys = Array.from({ length: 20 }, (_, i) => `${LONG_A.slice(0, 250)}_${String(i).padStart(3, '0')}`);
    w.writeDesired('stars.yaml', { shop: { ignore: [PATHOLOGICAL], env: Object.fromEntries(keys.map((k) => [k, 'v'])) } });
    const r = await w.hcr(['validate', '-f', 'stars.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('prune with that glob against long live keys plans at once, and the glob still means what it says', { timeout: 5_000 }, async () => {
    const { w } = await hostileWorld();
    const { tenantId } = w.t.seed('wide', { [LONG_A]: 'x', [`${LONG_A.slice(0, 200)}B`]: 'y', OTHER: 'z' });
    w.writeDesired('prune.yaml', { wide: { prune: true, ignore: [PATHOLOGICAL], env: {} } });
    const r = await w.hcr(['plan', '-f', 'prune.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    const removed = (JSON.parse(r.stdout) as { projects: { env: { key: string }[] }[] }).projects[0]!.env.map((c) => c.key);
    // The key ending in B matches the glob and is kept; the others are pruned.
    expect(removed.sort()).toEqual([LONG_A, 'OTHER']);
    expect(w.store.getEnv(tenantId).env.OTHER).toBe('z');
  });

  it('a --project glob of that shape selects at once', { timeout: 5_000 }, async () => {
    const { w } = await hostileWorld();
    w.writeDesired('shop.yaml', { shop: { env: { KEEP: 'keep' } } });
    const r = await w.hcr(['validate', '-f', 'shop.yaml', '--project', `${'*s'.repeat(40)}*x`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('matches no declared project');
  });

  it(
    'braces that would expand without end are refused, as are extglobs, naming the place and what to write',
    { timeout: 5_000 },
    async () => {
      const { w, copy } = await hostileWorld();
      const file = copy('extglob.yaml');
      const r = await w.hcr(['validate', '-f', file]);
      expect(r.code).toBe(1);
      expect(problems(r.stderr)).toEqual([
        'extglob.yaml:3:24: defaults.ignore[1]: "@(PG|DB)_*" is not a valid glob: extglob "@(…)" is not supported; write alternatives as {a,b} (at character 1)',
        'extglob.yaml:6:14: projects.shop.ignore[0]: "!LOG_*" is not a valid glob: a leading "!" (negation) is not supported; list what to match instead (at character 1)',
        'extglob.yaml:6:50: projects.shop.ignore[3]: "FEATURE_[A-" is not a valid glob: a "[" that is never closed with "]" (at character 9)',
        // A dot is in no key: the schema refuses it before the glob syntax is read.
        expect.stringMatching(
          /^extglob\.yaml:6:65: projects\.shop\.ignore\[4\]: "\{1\.\.3\}_FLAG" is not a valid glob; expected a glob over key names/,
        ),
      ]);
      w.writeDesired('bomb.yaml', { shop: { ignore: ['{A,B}'.repeat(10)], env: {} } });
      const bomb = await w.hcr(['validate', '-f', 'bomb.yaml']);
      expect(bomb.code).toBe(1);
      expect(bomb.stderr).toContain('its braces expand to more than 100 alternatives');
      const range = await w.hcr(['validate', '-f', 'bomb.yaml', '--project', 'shop-{1..3}']);
      expect(range.code).toBe(1);
      expect(range.stderr).toContain(
        '--project "shop-{1..3}" is not a valid name or glob: brace ranges such as {1..3} are not supported; list the alternatives: {1,2,3} (at character 7)',
      );
    },
  );

  it('keeps the syntax real configs use: *, ?, classes and braces', async () => {
    const { w } = await hostileWorld();
    w.t.seed('syntax', { DB_URL: '1', DB_URI: '2', DB_URN: '3', lower: '4', FEATURE_A: '5', FEATURE_AB: '6', KEEP: '7' });
    w.writeDesired('syntax.yaml', { syntax: { prune: true, ignore: ['*_{URL,URI}', '[!A-Z]*', 'FEATURE_?', 'KE[A-F]P'], env: {} } });
    const r = await w.hcr(['plan', '-f', 'syntax.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    const removed = (JSON.parse(r.stdout) as { projects: { env: { key: string }[] }[] }).projects[0]!.env.map((c) => c.key);
    expect(removed.sort()).toEqual(['DB_URN', 'FEATURE_AB']);
  });
});

describe('files that are not small regular files are refused before they are opened', () => {
  it.each([
    ['-f, a FIFO', (f: string) => ['validate', '-f', f], 'a named pipe (FIFO), not a file or a directory'],
    ['a saved plan, a FIFO', (f: string) => ['apply', f], 'a named pipe (FIFO), not a regular file'],
    ['show, a FIFO', (f: string) => ['show', f], 'a named pipe (FIFO), not a regular file'],
    ['--token-file, a FIFO', (f: string) => ['plan', '-f', 'shop.yaml', '--token-file', f], 'a named pipe (FIFO), not a regular file'],
    [
      '--env-file, a FIFO',
      (f: string) => ['preview', 'create', '--name', 'pr-1', '--repo', 'a/b', '--branch', 'x', '--env-file', f],
      'a named pipe (FIFO), not a regular file',
    ],
  ])('%s: refused at once, naming it (exit 1)', { timeout: 5_000 }, async (_what, args, says) => {
    const { w, fifo } = await hostileWorld();
    w.writeDesired('shop.yaml', { shop: { env: { KEEP: 'keep' } } });
    const file = fifo('pipe');
    const r = await w.hcr(args(file), { env: { GITHUB_TOKEN: 'gh-token' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(says);
    expect(r.stderr).toContain('pipe');
    expect(w.emulator.requests.filter((q) => q.operationType === 'mutation')).toEqual([]);
  });

  it.each(['/dev/zero', '/dev/urandom'])(
    '%s, as -f, a saved plan, --token-file or --env-file: refused as a device',
    { timeout: 5_000 },
    async (device) => {
      const { w } = await hostileWorld();
      w.writeDesired('shop.yaml', { shop: { env: { KEEP: 'keep' } } });
      const runs = [
        await w.hcr(['validate', '-f', device]),
        await w.hcr(['show', device]),
        await w.hcr(['plan', '-f', 'shop.yaml', '--token-file', device]),
        await w.hcr(['preview', 'create', '--name', 'pr-1', '--repo', 'a/b', '--branch', 'x', '--env-file', device], {
          env: { GITHUB_TOKEN: 't' },
        }),
      ];
      for (const r of runs) {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/a character device, not a (regular file|file or a directory)/);
        expect(r.stderr).toContain(device);
      }
    },
  );

  it('a desired-state file inside a directory that is a symlink to a FIFO or a device is refused too', { timeout: 5_000 }, async () => {
    const { w, path, fifo } = await hostileWorld();
    mkdirSync(path('config'));
    w.writeDesired('config/shop.yaml', { shop: { env: { KEEP: 'keep' } } });
    symlinkSync('/dev/zero', path('config/zero.yaml'));
    symlinkSync(path(fifo('pipe')), path('config/pipe.yaml'));
    const r = await w.hcr(['validate', '-f', 'config']);
    expect(r.code).toBe(1);
    expect(problems(r.stderr)).toEqual([
      'config/pipe.yaml:1:1: a named pipe (FIFO), not a regular file; hcr reads only regular files',
      'config/zero.yaml:1:1: a character device, not a regular file; hcr reads only regular files',
    ]);
  });

  it(
    'huge files are refused by their size, unread: -f over 5 MiB, a saved plan over 64 MiB, a token file over 64 KiB',
    { timeout: 5_000 },
    async () => {
      const { w, path } = await hostileWorld();
      w.writeDesired('shop.yaml', { shop: { env: { KEEP: 'keep' } } });
      // Sparse files: their size is what stat says, not bytes on disk.
      for (const [name, size] of [
        ['huge.yaml', 8 * 1024 ** 3],
        ['huge.hcr', 100 * 1024 ** 2],
        ['huge-token', 1024 ** 2],
      ] as const) {
        writeFileSync(path(name), '', { mode: 0o600 });
        truncateSync(path(name), size);
      }
      const yaml = await w.hcr(['validate', '-f', 'huge.yaml']);
      expect(yaml.stderr).toContain('huge.yaml:1:1: the file is 8192 MiB; hcr reads such files of at most 5 MiB — is it the right file?');
      const plan = await w.hcr(['apply', 'huge.hcr']);
      expect(plan.stderr).toContain('cannot read huge.hcr: the file is 100 MiB; hcr reads such files of at most 64 MiB');
      const token = await w.hcr(['plan', '-f', 'shop.yaml', '--token-file', 'huge-token']);
      expect(token.stderr).toContain('huge-token: the file is 1 MiB; hcr reads such files of at most 64 KiB');
      for (const r of [yaml, plan, token]) expect(r.code).toBe(1);
    },
  );
});

describe('names and values are held to what an environment variable can be', () => {
  it('control characters written as escapes in double-quoted YAML are refused at their place, never shown', async () => {
    const { w, copy } = await hostileWorld();
    const r = await w.hcr(['validate', '-f', copy('controls.yaml')]);
    expect(r.code).toBe(1);
    expect(problems(r.stderr)).toEqual([
      'controls.yaml:4:14: projects.shop.remove[0]: "BAD\\u0000KEY" is not a valid key name; expected an environment variable name: 1 to 255 letters, digits and underscores, not starting with a digit',
      'controls.yaml:6:12: projects.shop.env.NUL: the value holds the control character U+0000 at character 2 (not shown); a value may hold no control character other than tab, newline and carriage return (the engine cannot use them, and terminals act on them)',
      'controls.yaml:7:15: projects.shop.env.ESCAPE: the value holds the control character U+001B at character 1 (not shown); a value may hold no control character other than tab, newline and carriage return (the engine cannot use them, and terminals act on them)',
      'controls.yaml:8:22: projects.shop.env.BELL.value: the value holds the control character U+0007 at character 5 (not shown); a value may hold no control character other than tab, newline and carriage return (the engine cannot use them, and terminals act on them)',
      'controls.yaml:9:12: projects.shop.env.DEL: the value holds the control character U+007F at character 2 (not shown); a value may hold no control character other than tab, newline and carriage return (the engine cannot use them, and terminals act on them)',
    ]);
    expect(r.stderr).not.toMatch(/[\u0000\u0007\u001b\u007f]/);
  });

  it('a 10,000-character key and a 2 MB value are refused, and the message stays short', async () => {
    const { w } = await hostileWorld();
    const key = 'K'.repeat(10_000);
    w.writeDesired('big.yaml', { shop: { remove: ['R'.repeat(256)], env: { [key]: 'v', BIG: 'v'.repeat(2_000_000) } } });
    const r = await w.hcr(['validate', '-f', 'big.yaml']);
    expect(r.code).toBe(1);
    const lines = problems(r.stderr);
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toContain(
      'projects.shop.env.BIG: the value is 2000000 characters long (not shown); a value may have at most 131072 characters',
    );
    expect(lines.join('\n')).toContain(`projects.shop.env."${'K'.repeat(40)}"…(10000 characters): not a valid key name`);
    expect(lines.join('\n')).toContain('projects.shop.remove[0]: ');
    for (const line of lines) expect(line.length).toBeLessThan(400);
  });

  it('a fromEnv variable holding a control character or 200 KB is refused, its value never shown', async () => {
    const { w } = await hostileWorld();
    w.writeDesired('env.yaml', { shop: { env: { TOKEN: { fromEnv: 'TOKEN_SOURCE' }, HUGE: { fromEnv: 'HUGE_SOURCE' } } } });
    const r = await w.hcr(['plan', '-f', 'env.yaml'], {
      env: { TOKEN_SOURCE: 'secret\u001b]0;pwned\u0007', HUGE_SOURCE: 'h'.repeat(200_000) },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'the environment variable TOKEN_SOURCE (fromEnv): the value holds the control character U+001B at character 7',
    );
    expect(r.stderr).toContain('the environment variable HUGE_SOURCE (fromEnv): the value is 200000 characters long');
    expect(r.stderr).not.toContain('pwned');
    expect(w.emulator.requests).toEqual([]);
  });

  it('preview --env and --env-file values and keys are held to the same rules, before any request', async () => {
    const { w, path } = await hostileWorld();
    const create = ['preview', 'create', '--name', 'pr-1', '--repo', 'a/b', '--branch', 'x'];
    const env = { GITHUB_TOKEN: 'gh-token' };
    const nul = await w.hcr([...create, '--env', 'A=x\u0000y'], { env });
    expect(nul.stderr).toContain('--env A: the value holds the control character U+0000 at character 2 (not shown)');
    const long = await w.hcr([...create, '--env', `${'K'.repeat(300)}=v`], { env });
    expect(long.stderr).toContain(
      '--env entry 1: the key is not a valid key name (not shown: it may be a value); expected an environment variable name: 1 to 255',
    );
    writeFileSync(path('bell.env'), 'GOOD=fine\nBELL=ring\u0007ring\n');
    const file = await w.hcr([...create, '--env-file', 'bell.env'], { env });
    expect(file.stderr).toContain('bell.env:2:6: BELL: the value holds the control character U+0007 at character 5 (not shown)');
    for (const r of [nul, long, file]) expect(r.code).toBe(1);
    expect(w.emulator.requests).toEqual([]);
  });
});

describe('a file read by mistake: no error quotes its content', () => {
  const CANARY = /canary/;

  it.each([
    ['apply some.env', ['apply', 'some.env']],
    ['show credentials.json', ['show', 'credentials.json']],
    ['apply id_rsa', ['apply', 'id_rsa']],
    ['validate -f some.env', ['validate', '-f', 'some.env']],
    ['validate -f id_rsa', ['validate', '-f', 'id_rsa']],
    ['validate -f credentials.json', ['validate', '-f', 'credentials.json']],
    ['validate -f compose.yaml', ['validate', '-f', 'compose.yaml']],
    [
      'preview --env-file credentials.json',
      ['preview', 'create', '--name', 'pr-1', '--repo', 'a/b', '--branch', 'x', '--env-file', 'credentials.json'],
    ],
    ['preview --env-file id_rsa', ['preview', 'create', '--name', 'pr-1', '--repo', 'a/b', '--branch', 'x', '--env-file', 'id_rsa']],
  ])('%s: exit 1, and nothing of the file in the output', async (_what, args) => {
    const { w, copy } = await hostileWorld();
    for (const name of ['some.env', 'credentials.json', 'id_rsa', 'compose.yaml']) copy(`mistaken/${name}`);
    const r = await w.hcr(args, { env: { GITHUB_TOKEN: 'gh-token' } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(CANARY);
    expect(r.stdout).not.toMatch(CANARY);
    expect(r.stderr).not.toMatch(/hunter2|sk_live|BEGIN|b3Blbn/);
  });

  it('--token-file on a file of several lines says it is no token, without showing any of it', async () => {
    const { w, path } = await hostileWorld();
    w.writeDesired('shop.yaml', { shop: { env: { KEEP: 'keep' } } });
    copyFileSync(join(FIXTURES, 'mistaken/some.env'), path('token'));
    execFileSync('chmod', ['600', path('token')]);
    const r = await w.hcr(['plan', '-f', 'shop.yaml', '--token-file', 'token']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the token contains spaces, line breaks or non-ASCII characters');
    expect(r.stderr).not.toMatch(CANARY);
  });
});

describe('a misspelt field of a value is named, with what it may have meant', () => {
  it('in every form of value, in defaults and projects, at the field itself', async () => {
    const { w, copy } = await hostileWorld();
    const r = await w.hcr(['validate', '-f', copy('misspelt.yaml')]);
    expect(r.code).toBe(1);
    expect(problems(r.stderr)).toEqual([
      'misspelt.yaml:4:15: defaults.env.SHARED.vlaue: unknown field — did you mean "value"? (a value is {value, sensitive} or {fromEnv, sensitive} or {fromSops} or {fromFile})',
      'misspelt.yaml:8:12: projects.shop.env.A.valeu: unknown field — did you mean "value"? (a value is {value, sensitive} or {fromEnv, sensitive} or {fromSops} or {fromFile})',
      'misspelt.yaml:9:31: projects.shop.env.B.sensitve: unknown field — did you mean "sensitive"? (expected "fromEnv" or "sensitive")',
      'misspelt.yaml:10:12: projects.shop.env.C.valeu: unknown field — did you mean "value"? (a value is {value, sensitive} or {fromEnv, sensitive} or {fromSops} or {fromFile})',
      'misspelt.yaml:11:12: projects.shop.env.D.vaule: unknown field — did you mean "value"? (a value is {value, sensitive} or {fromEnv, sensitive} or {fromSops} or {fromFile})',
      'misspelt.yaml:11:24: projects.shop.env.D.fromenv: unknown field — did you mean "fromEnv"? (a value is {value, sensitive} or {fromEnv, sensitive} or {fromSops} or {fromFile})',
      'misspelt.yaml:12:10: projects.shop.env.E: missing the field "value", "fromEnv", "fromSops" or "fromFile" (a value is {value, sensitive} or {fromEnv, sensitive} or {fromSops} or {fromFile})',
    ]);
  });
});

describe('validate reports every problem of every file in one run', () => {
  it('a YAML error in one file, schema errors in another, and what the files say against each other', async () => {
    const { w, path } = await hostileWorld();
    mkdirSync(path('all'));
    for (const name of ['a-syntax.yaml', 'b-schema.yaml', 'c-duplicate.yaml'])
      copyFileSync(join(FIXTURES, 'validate-all', name), path(`all/${name}`));
    const r = await w.hcr(['validate', '-f', 'all']);
    expect(r.code).toBe(1);
    expect(problems(r.stderr)).toEqual([
      'all/a-syntax.yaml:4:1: YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]',
      // b-schema.yaml breaks the schema (PORT, tenantId), and still its project-level problems are found:
      'all/b-schema.yaml:8:14: projects.shop.remove[0]: OLD is both removed here and set at all/b-schema.yaml:11:7 — keep one',
      'all/b-schema.yaml:12:7: projects.shop.env.PG_URL: matches the ignore glob "PG_*" (all/b-schema.yaml:9:14), and ignored keys are never set — drop one of them',
      'all/b-schema.yaml:13:13: projects.shop.env.PORT: expected a string, got the number 8080 — quote it: "8080"',
      'all/b-schema.yaml:15:15: projects.shop-staging.tenantId: "not-a-uuid" is not a valid UUID; expected a UUID such as 7a79cf94-0e53-4520-a560-1b02bf522f08',
      // ... and held against c-duplicate.yaml, valid on its own:
      'all/c-duplicate.yaml:3:10: defaults.prune: contradicts the same default at all/b-schema.yaml:3:10; defaults apply to the projects of every file — set it in one file only',
      'all/c-duplicate.yaml:5:16: defaults.env.LOG_LEVEL: contradicts the same default at all/b-schema.yaml:5:16; defaults apply to the projects of every file — set it in one file only',
      'all/c-duplicate.yaml:7:3: projects.shop: declared again; it is already declared at all/b-schema.yaml:7:3 — declare each project in one file only',
    ]);
  });

  it('fromEnv variables are checked in a file that breaks the schema elsewhere', async () => {
    const { w } = await hostileWorld();
    w.writeInput('broken.yaml', 'version: 1\nprojects:\n  shop:\n    prun: true\n    env:\n      SECRET: { fromEnv: NOT_SET_ANYWHERE }\n');
    const r = await w.hcr(['validate', '-f', 'broken.yaml']);
    expect(problems(r.stderr)).toEqual([
      'broken.yaml:4:5: projects.shop.prun: unknown field — did you mean "prune"? (expected "tenantId", "create", "prune", "ignore", "remove", "env", "destroy", "protect", "production" or "checks")',
      'broken.yaml:6:26: projects.shop.env.SECRET: the environment variable NOT_SET_ANYWHERE (fromEnv) is not set',
    ]);
  });

  it('a project whose name is invalid is left out, and the other projects of its file are still checked', async () => {
    const { w } = await hostileWorld();
    w.writeInput('names.yaml', 'version: 1\nprojects:\n  Shop_Prod:\n    env: { A: "a" }\n  blog:\n    remove: [A]\n    env: { A: "a" }\n');
    const r = await w.hcr(['validate', '-f', 'names.yaml']);
    expect(problems(r.stderr)).toEqual([
      expect.stringContaining('names.yaml:3:3: projects.Shop_Prod: not a valid project name'),
      'names.yaml:6:14: projects.blog.remove[0]: A is both removed here and set at names.yaml:7:12 — keep one',
    ]);
  });
});

it('the fixtures hold what the tests say (a missing /dev device would make them pass for the wrong reason)', () => {
  expect(existsSync('/dev/zero') && existsSync('/dev/urandom')).toBe(true);
});

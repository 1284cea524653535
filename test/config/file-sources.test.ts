import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesired } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';
import { AGE_KEY, FIXTURES } from '../helpers/sops.js';

/** A scratch project: `files` by path, with the age YAML vector at secrets/app.sops.yaml. */
function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hcr-sources-'));
  mkdirSync(join(dir, 'secrets'));
  cpSync(join(FIXTURES, 'age', 'secret.enc.yaml'), join(dir, 'secrets', 'app.sops.yaml'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const env = { SOPS_AGE_KEY: AGE_KEY };
const project = (values: string) => `version: 1\nprojects:\n  shop:\n    env:\n${values}`;

describe('fromSops and fromFile in the desired state', () => {
  it('loads them as sensitive values with their source, relative to the file that names them', async () => {
    const dir = scratch({
      'config/shop.yaml': project('      A: { fromSops: "../secrets/app.sops.yaml#/secret" }\n      B: { fromFile: token }\n'),
      'config/token': 'file-value\n',
    });
    const message = await loadDesired(['config/shop.yaml'], { cwd: dir, env }).catch((e: Error) => e.message);
    expect(message).toContain('config/shop.yaml:5:22: projects.shop.env.A: fromSops "../secrets/app.sops.yaml" leaves the directory');
    const ok = scratch({
      'shop.yaml': project('      A: { fromSops: "secrets/app.sops.yaml#/secret" }\n      B: { fromFile: token }\n'),
      token: 'file-value\n',
    });
    const desired = await loadDesired(['shop.yaml'], { cwd: ok, env });
    expect(desired.projects[0]!.env).toMatchObject({
      A: { value: 'this is a secret', sensitive: true, source: { fromSops: 'secrets/app.sops.yaml#/secret', file: 'shop.yaml' } },
      B: { value: 'file-value', sensitive: true, source: { fromFile: 'token', file: 'shop.yaml' } },
    });
  });

  it('says a file that cannot be read once, at its first value, naming the values that share it', async () => {
    const keys = ['A', 'B', 'C', 'D', 'E'];
    const dir = scratch({
      'shop.yaml': project(
        keys.map((k) => `      ${k}: { fromFile: missing }\n`).join('') + '      F: { fromSops: "secrets/app.sops.yaml#/nope" }\n',
      ),
    });
    const message = await loadDesired(['shop.yaml'], { cwd: dir, env }).then(
      () => 'loaded',
      (e: Error) => e.message,
    );
    const lines = message.split('\n');
    expect(lines.filter((line) => line.includes('fromFile "missing"'))).toHaveLength(1);
    expect(message).toContain('shop.yaml:5:22: projects.shop.env.A: fromFile "missing" does not exist');
    expect(message).toContain('(the same for 4 more values: projects.shop.env.B, projects.shop.env.C, projects.shop.env.D and 1 more)');
    // A pointer that is missing is the value's own problem, said at its line.
    expect(message).toContain('shop.yaml:10:');
    expect(lines.at(-1)).toBe('2 problems in 1 file');
  });

  it('reads only the selected projects’ sources', async () => {
    const dir = scratch({
      'all.yaml': 'version: 1\nprojects:\n  a:\n    env:\n      X: { fromFile: missing }\n  b:\n    env:\n      Y: { fromFile: token }\n',
      token: 'b-value',
    });
    const desired = await loadDesired(['all.yaml'], { cwd: dir, env, projects: ['b'] });
    expect(desired.projects.map((p) => p.env.Y?.value)).toEqual(['b-value']);
  });

  it.each([
    [
      '      A: { fromSops: "secrets/app.sops.yaml" }\n',
      'projects.shop.env.A.fromSops: "secrets/app.sops.yaml" is not a valid SOPS reference; expected FILE#POINTER',
    ],
    ['      A: { fromSops: "x.yaml#/a", sensitive: false }\n', 'projects.shop.env.A.sensitive: unknown field'],
    ['      A: { fromFile: "" }\n', 'projects.shop.env.A.fromFile: must not be empty'],
    ['      A: { fromFile: "a", fromEnv: B }\n', 'projects.shop.env.A: has both "fromEnv" and "fromFile" — use one of them'],
    ['      A: { fromSop: "a#/b" }\n', 'projects.shop.env.A.fromSop: unknown field — did you mean "fromSops"?'],
  ])('the schema refuses %j', async (values, message) => {
    const dir = scratch({ 'shop.yaml': project(values) });
    const r = await runCli(['validate', '-f', 'shop.yaml'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('defaults naming the same file from two directories contradict each other', async () => {
    const dir = scratch({
      'a/a.yaml': 'version: 1\ndefaults:\n  env:\n    T: { fromFile: token }\nprojects:\n  a: {}\n',
      'a/token': 'one',
      'b/b.yaml': 'version: 1\ndefaults:\n  env:\n    T: { fromFile: token }\n',
      'b/token': 'two',
    });
    const message = await loadDesired(['a/a.yaml', 'b/b.yaml'], { cwd: dir, env }).catch((e: Error) => e.message);
    expect(message).toContain('b/b.yaml:4:8: defaults.env.T: contradicts the same default at a/a.yaml:4:8');
  });

  it('hcr validate decrypts, so a broken secret fails validation', async () => {
    const dir = scratch({ 'shop.yaml': project('      A: { fromSops: "secrets/app.sops.yaml#/nope" }\n') });
    const r = await runCli(['validate', '-f', 'shop.yaml'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'shop.yaml:5:22: projects.shop.env.A: fromSops "secrets/app.sops.yaml#/nope": the top level has no key "nope"',
    );
    expect((await runCli(['validate', '-f', 'shop.yaml'], { cwd: dir, env: {} })).stderr).toContain('no age identity was found');
  });
});

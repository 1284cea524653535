import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { spawnEmulatorProcess, type EmulatorProcess } from './helpers/emulator.js';

/**
 * The package as users install it: packed by npm, installed from the tarball into an empty
 * project (offline: the package has no dependencies), and run through its bin. Every other test
 * runs src/; this one proves that the bundle, its `files` and every runtime path it resolves work.
 */
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('fixtures/package/', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies?: object;
};
const TOKEN = 'packaged-token-4c1e';
/** Node has its compile cache from 22.1 on. */
const HAS_COMPILE_CACHE = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

const run = promisify(execFile);

let dir: string;
let project: string;
let installed: string;
let packed: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hcr-package-'));
  project = join(dir, 'project');
  await mkdir(project);
  // The package is built from the sources as they are, then packed as `npm publish` would pack it.
  await run('npm', ['run', 'build'], { cwd: REPO_ROOT });
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO_ROOT });
  const [tarball] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packed = tarball!.files.map((f) => f.path).sort();
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'uses-hcr', private: true }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, tarball!.filename)], { cwd: project });
  installed = join(project, 'node_modules', PACKAGE.name);
}, 240_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The installed bin (`node_modules/.bin/hcr`), run by the Node running the tests. */
const bin = (): string => join(project, 'node_modules', '.bin', 'hcr');
const cacheHome = (name: string): string => join(dir, 'cache', name);

/** The variables yargs picks its language by: the installed hcr gets those of the tests, so that its help reads as src's. */
const LOCALE = Object.fromEntries(
  ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE'].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])),
);

/** The environment of an installed hcr: this Node first on PATH (the bin's `#!/usr/bin/env node` finds it), its own cache. */
function hcrEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    ...LOCALE,
    PATH: [dirname(process.execPath), process.env.PATH].join(delimiter),
    XDG_CACHE_HOME: cacheHome('default'),
    NO_COLOR: '1',
    ...env,
  };
}

async function hcr(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(bin(), args, { cwd: project, env: hcrEnv(env) });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw err;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The names a help text lists under `Commands:`: `hcr plan  Show ...` gives plan. */
function commandsIn(help: string, parent: string[] = []): string[] {
  const section = help.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? '';
  const prefix = ['hcr', ...parent].join(' ');
  return [...section.matchAll(new RegExp(`^ {2}${prefix} (\\S+)`, 'gm'))].map((m) => m[1]!);
}

describe('the installed package', () => {
  it('holds the bundle and the files it reads at run time, no other source, and needs no dependency', () => {
    expect(packed).toEqual(expect.arrayContaining(['dist/hcr.js', 'dist/hcr.js.map', 'package.json']));
    for (const runtimeFile of [
      'schema/hcr.schema.json',
      'generated/hcr.schema.validate.cjs',
      'src/emulator/schema.graphql',
      'examples/demo/hasura-cloud.yaml',
    ]) {
      expect(packed).toContain(runtimeFile);
    }
    expect(packed.filter((f) => f.startsWith('src/'))).toEqual(['src/emulator/schema.graphql']);
    expect(packed.filter((f) => /^(test|bench|scripts|node_modules)\//.test(f) || f.endsWith('.ts'))).toEqual([]);
    expect(PACKAGE.dependencies).toBeUndefined();
    expect(readdirSync(join(project, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual([PACKAGE.name]);
  });

  it('--version answers the version in package.json', async () => {
    expect(await hcr(['--version'])).toEqual({ code: 0, stdout: `${PACKAGE.version}\n`, stderr: '' });
  });

  it('--help, and --help of every command and subcommand, answer as they do from src', async () => {
    const top = await hcr(['--help']);
    expect(top).toMatchObject({ code: 0, stderr: '' });
    expect(top.stdout).toBe((await runCli(['--help'])).stdout);
    const commands = commandsIn(top.stdout);
    expect(commands).toEqual(
      expect.arrayContaining(['validate', 'plan', 'apply', 'show', 'drift', 'import', 'preview', 'schema', 'emulator', 'demo']),
    );
    const helps = async (path: string[]): Promise<string[][]> => {
      const r = await hcr([...path, '--help']);
      expect(r, path.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout, path.join(' ')).toMatch(new RegExp(`^hcr ${path.join(' ')}\\b`));
      expect(r.stdout, path.join(' ')).toBe((await runCli([...path, '--help'])).stdout);
      const below = await Promise.all(commandsIn(r.stdout, path).map((sub) => helps([...path, sub])));
      return [path, ...below.flat()];
    };
    const answered = (await Promise.all(commands.map((c) => helps([c])))).flat();
    expect(answered).toEqual(
      expect.arrayContaining([
        ['preview', 'create'],
        ['preview', 'delete'],
      ]),
    );
  });

  it('schema prints the schema the package ships', async () => {
    const r = await hcr(['schema']);
    expect(r).toEqual({ code: 0, stdout: await readFile(join(installed, 'schema/hcr.schema.json'), 'utf8'), stderr: '' });
  });

  it('validate checks with the compiled validators: a number where a string belongs is an error at its place', async () => {
    await copyFile(join(FIXTURES, 'bad.yaml'), join(project, 'bad.yaml'));
    const r = await hcr(['validate', '-f', 'bad.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bad\.yaml:5:13: .*PORT.*quote/m);
  });

  it('demo runs the whole loop against its embedded emulator', async () => {
    const r = await hcr(['demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/hcr drift/);
  });

  describe('against `hcr emulator` started from the package', () => {
    let emulator: EmulatorProcess;
    beforeAll(async () => {
      emulator = await spawnEmulatorProcess(['--token', TOKEN], hcrEnv(), [bin()]);
    });
    afterAll(() => emulator.child.kill('SIGTERM'));
    const cloud = () => ({ HASURA_CLOUD_ENDPOINT: emulator.url, HASURA_CLOUD_ACCESS_TOKEN: TOKEN, PACKAGED_API_KEY: 'key-9f2c71' });

    it('plans, applies, plans no change, and imports what it applied', async () => {
      await copyFile(join(FIXTURES, 'hasura-cloud.yaml'), join(project, 'hasura-cloud.yaml'));
      expect(await hcr(['plan', '--detailed-exitcode'], cloud())).toMatchObject({
        code: 2,
        stdout: expect.stringMatching(/\+ packaged-shop/),
      });
      const applied = await hcr(['apply', '--auto-approve'], cloud());
      expect(applied.code, applied.stderr).toBe(0);
      expect(await hcr(['plan', '--detailed-exitcode'], cloud())).toMatchObject({ code: 0 });

      const imported = await hcr(['import', '--project', 'packaged-shop', '--out', 'imported.yaml'], cloud());
      expect(imported.code, imported.stderr).toBe(0);
      const text = await readFile(join(project, 'imported.yaml'), 'utf8');
      expect(text).toContain('LOG_LEVEL: info');
      // The editor's schema reference leads to the schema in the installed package.
      const schema = /\$schema=(\S+)/.exec(text)?.[1];
      expect(resolve(project, schema!)).toBe(join(installed, 'schema/hcr.schema.json'));
    });
  });

  it("keeps compiled code in hcr's own compile cache where Node has one, and none with NODE_DISABLE_COMPILE_CACHE", async () => {
    const cached = join(cacheHome('fresh'), 'hcr', 'compile-cache');
    expect(await hcr(['validate', '-f', 'bad.yaml'], { XDG_CACHE_HOME: cacheHome('fresh') })).toMatchObject({ code: 1 });
    expect(existsSync(cached)).toBe(HAS_COMPILE_CACHE);

    const disabled = join(cacheHome('disabled'), 'hcr', 'compile-cache');
    const r = await hcr(['validate', '-f', 'bad.yaml'], { XDG_CACHE_HOME: cacheHome('disabled'), NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r.code).toBe(1);
    expect(existsSync(disabled)).toBe(false);
  });
});

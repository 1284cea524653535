import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { GitHubStandIn } from './helpers/github-standin.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Preloaded into hcr: logs every module the process loads, ESM by a resolve hook (run in
 * node's loader thread), CommonJS from require's cache at exit, one file URL a line.
 */
const RECORDER = `
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
const log = process.env.HCR_TEST_MODULE_LOG;
register('data:text/javascript,' + encodeURIComponent(\`
  import { appendFileSync } from 'node:fs';
  export async function resolve(specifier, context, next) {
    const resolved = await next(specifier, context);
    appendFileSync(\${JSON.stringify(log)}, resolved.url + '\\\\n');
    return resolved;
  }\`));
process.on('exit', () => {
  const required = Object.keys(createRequire(process.argv[1]).cache).map((file) => pathToFileURL(file).href + '\\n');
  appendFileSync(log, required.join(''));
});
`;

let dir: string;
let cloud: TestEmulator;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hcr-startup-'));
  await writeFile(join(dir, 'hasura-cloud.yaml'), 'version: 1\nprojects:\n  shop:\n    env:\n      LOG_LEVEL: info\n');
  cloud = await startTestEmulator({ projects: { shop: { LOG_LEVEL: 'debug' } } });
  expect(await runCli(['plan', '--out', 'shop.hcrplan'], { cwd: dir, env: cloud.env })).toMatchObject({ code: 0 });
});
afterAll(async () => {
  await cloud.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs hcr from src as a process of its own: its output, and the modules it loaded as paths from
 * the repository. It must exit with `code`.
 */
async function hcr(args: string[], env: Record<string, string> = {}, code = 0): Promise<{ stdout: string; modules: string[] }> {
  const log = join(dir, `modules-${args[0]}.log`);
  await writeFile(log, '');
  const run = promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(RECORDER)}`, join(REPO_ROOT, 'src/cli/bin.ts'), ...args],
    { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HCR_TEST_MODULE_LOG: log, ...env } },
  );
  const { stdout, exitCode } = await run.then(
    (done) => ({ stdout: done.stdout, exitCode: 0 }),
    (err: { code?: unknown; stdout?: string }) => {
      if (typeof err.code !== 'number') throw err;
      return { stdout: err.stdout ?? '', exitCode: err.code };
    },
  );
  expect(exitCode, `hcr ${args.join(' ')}`).toBe(code);
  const urls = (await readFile(log, 'utf8')).split('\n').filter((url) => url.startsWith('file:'));
  return { stdout, modules: [...new Set(urls.map((url) => fileURLToPath(url).slice(REPO_ROOT.length)))].sort() };
}

const file = () => join(dir, 'hasura-cloud.yaml');
const under = (modules: string[], ...prefixes: string[]) => modules.filter((m) => prefixes.some((p) => m.startsWith(p)));

const GRAPHQL = ['node_modules/graphql/', 'node_modules/graphql-request/', 'node_modules/graphql-http/'];
const OCTOKIT = ['node_modules/@octokit/', 'node_modules/bottleneck/'];
const EMULATOR = ['src/emulator/'];

describe('start-up: what each command loads', () => {
  it('--version loads neither yargs nor any command, and answers as yargs does', async () => {
    const { stdout, modules } = await hcr(['--version']);
    expect(stdout).toBe((await runCli(['--version'])).stdout);
    expect(under(modules, 'src/')).toEqual(['src/cli/bin.ts', 'src/cli/startup.ts', 'src/paths.ts', 'src/version.ts']);
    expect(under(modules, 'node_modules/yargs/')).toEqual([]);
  });

  it('--help loads no command: no GraphQL, GitHub client, emulator, YAML or ajv code', async () => {
    const { modules } = await hcr(['--help']);
    expect(under(modules, 'src/cli/commands/')).toEqual(['src/cli/commands/index.ts']);
    expect(under(modules, ...GRAPHQL, ...OCTOKIT, ...EMULATOR, 'node_modules/yaml/', 'node_modules/ajv/')).toEqual([]);
  });

  it("validate loads the validators compiled at build time, not ajv's compiler, and no GraphQL, emulator or yaml code", async () => {
    const { modules } = await hcr(['validate', '-f', file()]);
    expect(modules).toContain('generated/hcr.schema.validate.cjs');
    expect(under(modules, 'node_modules/ajv/').filter((m) => !m.startsWith('node_modules/ajv/dist/runtime/'))).toEqual([]);
    expect(under(modules, ...GRAPHQL, ...EMULATOR, 'src/cloud/client.ts', 'node_modules/deep-diff/')).toEqual([]);
    // The file is plain YAML, which the fast reader reads: the yaml package is for the rest.
    expect(under(modules, 'node_modules/yaml/', 'src/config/yaml-document.ts')).toEqual([]);
    // The text view only: not the JSON or Markdown renderers.
    expect(under(modules, 'src/cli/views/')).toEqual(['src/cli/views/log.ts', 'src/cli/views/text.ts', 'src/cli/views/view.ts']);
  });

  it('schema loads no validator at all', async () => {
    const { modules } = await hcr(['schema']);
    expect(under(modules, 'generated/', 'node_modules/ajv/', 'node_modules/yaml/', ...GRAPHQL)).toEqual([]);
  });

  it('show, which reads a saved plan, loads no GraphQL or emulator code', async () => {
    const { modules } = await hcr(['show', join(dir, 'shop.hcrplan'), '--format', 'json']);
    // As far as the view of the plan, which is where the client (and GraphQL) must not be loaded.
    expect(under(modules, 'src/cli/views/')).toEqual(['src/cli/views/json.ts', 'src/cli/views/log.ts', 'src/cli/views/view.ts']);
    expect(under(modules, ...GRAPHQL, ...EMULATOR, 'src/cloud/client.ts')).toEqual([]);
  });

  it('plan, which reads live state, loads the GraphQL client (so the checks above can see it)', async () => {
    const { modules } = await hcr(['plan', '-f', file()], cloud.env);
    expect(under(modules, 'node_modules/graphql-request/')).not.toEqual([]);
    expect(under(modules, ...EMULATOR, ...OCTOKIT)).toEqual([]);
  });

  it('drift loads the GitHub client only with --github-issue', async () => {
    // The fixture's live LOG_LEVEL differs: drift, exit 2.
    const { modules } = await hcr(['drift', '-f', file()], cloud.env, 2);
    expect(modules).toContain('src/cli/commands/drift.ts');
    expect(under(modules, ...OCTOKIT)).toEqual([]);
  });

  it('github comment loads the GitHub client (octokit), and no GraphQL or emulator code', async () => {
    const gh = await GitHubStandIn.start({ token: 'ghs_startup' });
    try {
      await writeFile(join(dir, 'plan.md'), '## hcr plan\n');
      const env = { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: 'acme/shop', GITHUB_TOKEN: 'ghs_startup' };
      const { stdout, modules } = await hcr(['github', 'comment', '--body-file', join(dir, 'plan.md'), '--pr', '42'], env);
      expect(stdout).toMatch(/^Posted the comment on pull request #42/);
      expect(under(modules, 'node_modules/@octokit/plugin-throttling/', 'node_modules/@octokit/plugin-retry/')).not.toEqual([]);
      expect(under(modules, ...GRAPHQL, ...EMULATOR)).toEqual([]);
    } finally {
      await gh.close();
    }
  });
});

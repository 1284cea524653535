import { afterEach, describe, expect, it } from 'vitest';
import type { Quirks } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { scriptedFaults, type Step } from '../reliability/harness.js';

const SECRET = 'preview-env-canary-55e0';
const CREATE = [
  'preview',
  'create',
  '--name',
  'pr-7',
  '--repo',
  'acme/shop',
  '--branch',
  'feature/x',
  '--directory',
  'hasura',
  '--poll-interval',
  '0.02',
  '--env',
  'REMOTE_URL=https://remote.example',
  '--env',
  `API_KEY=${SECRET}`,
];

let t: TestEmulator | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** An emulator with these quirks, injecting exactly the faults of `script`. */
async function setup(quirks: Quirks, script: Record<string, Step[]> = {}) {
  t = await startTestEmulator({ quirks });
  t.emulator.onRequest(scriptedFaults(script));
  const emulator = t;
  const hcr = async (args: string[]) => {
    const r = await runCli(args, { env: { ...emulator.env, GITHUB_TOKEN: 'ghp_test' } });
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    return r;
  };
  const mutations = () => emulator.emulator.requests.filter((r) => r.operationType === 'mutation').map((r) => r.operationName);
  const env = () => emulator.emulator.store.findProjectByName('pr-7')?.env;
  return { t: emulator, hcr, mutations, env };
}

describe('preview create reads the env back after the job', () => {
  it('preview-drops-env: sets the keys the job left out, says so by name, and the app ends with the env given', async () => {
    const p = await setup({ previewDropsEnv: true });
    const r = await p.hcr(CREATE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  env:      REMOTE_URL, API_KEY (values not shown)\n');
    expect(r.stdout).toContain(
      '  env set:  REMOTE_URL, API_KEY: the preview job did not apply them, so hcr set them with updateTenantEnv\n',
    );
    expect(p.mutations()).toEqual(['createGitHubPreviewApp', 'updateTenantEnv']);
    expect(p.env()).toMatchObject({ REMOTE_URL: 'https://remote.example', API_KEY: SECRET });
  });

  it('sets only what is missing or different, and reports it in JSON', async () => {
    const p = await setup({});
    expect((await p.hcr(CREATE)).code).toBe(0);
    p.t.emulator.setQuirks({ previewDropsEnv: true });
    // A redeploy whose job drops its env: the app keeps the old REMOTE_URL, and API_KEY is what was asked.
    const r = await p.hcr([
      ...CREATE.slice(0, -4),
      '--env',
      'REMOTE_URL=https://remote-2.example',
      '--env',
      `API_KEY=${SECRET}`,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ env: ['REMOTE_URL', 'API_KEY'], envSetAfterJob: ['REMOTE_URL'] });
    expect(p.env()).toMatchObject({ REMOTE_URL: 'https://remote-2.example', API_KEY: SECRET });
  });

  it('without the quirk, sets nothing: the job applied the env', async () => {
    const p = await setup({});
    const r = await p.hcr(CREATE);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('env set:');
    expect(p.mutations()).toEqual(['createGitHubPreviewApp']);
  });

  it('when setting the env fails: the app is reported, the keys are named as not confirmed, and the run exits 1', async () => {
    const p = await setup({ previewDropsEnv: true }, { updateTenantEnv: ['server-error', 'http-503'] });
    const r = await p.hcr(CREATE);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Preview app pr-7 is ready.');
    expect(r.stdout).toMatch(
      /^ {2}env NOT CONFIRMED: REMOTE_URL, API_KEY: the preview job may not have applied them \(updateTenantEnv failed: HTTP 503 from the service \(twice; nothing was written\)\)$/m,
    );
    expect(r.stderr).toMatch(/^error: preview app pr-7 is up, but hcr could not make sure it has the env it was given: /m);
    expect(p.env()).not.toHaveProperty('REMOTE_URL');
  });

  it('in JSON, the app and the keys not confirmed, and the error as a diagnostic of the document', async () => {
    const p = await setup({ previewDropsEnv: true }, { updateTenantEnv: ['server-error', 'http-503'] });
    const r = await p.hcr([...CREATE, '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ name: 'pr-7', envMissing: ['REMOTE_URL', 'API_KEY'] });
    expect(doc).not.toHaveProperty('error');
    expect(doc.diagnostics).toEqual([
      {
        severity: 'error',
        rule: null,
        message: expect.stringMatching(/^preview app pr-7 is up, but hcr could not make sure it has the env it was given: /),
        location: null,
      },
    ]);
  });
});

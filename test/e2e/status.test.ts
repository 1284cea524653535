import { afterEach, describe, expect, it } from 'vitest';
import type { Quirks } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const FILE = ['-f', new URL('../fixtures/first-contact/status.yaml', import.meta.url).pathname];

let t: TestEmulator | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** shop-prod as desired; shop-pr-7 without the key its metadata refers to (a preview app whose env was dropped). */
async function setup(quirks: Quirks) {
  t = await startTestEmulator({ quirks });
  t.seed('shop-prod', { ACTIONS_ENDPOINT: 'https://actions.example.com' });
  t.seed('shop-pr-7', {}, { metadataEnv: ['REMOTE_URL'] });
  const env = t.env;
  const requests = t.emulator.requests;
  return {
    hcr: (args: string[]) => runCli(args, { env }),
    asked: () => requests.filter((r) => r.operationName === 'getTenantStatuses').length,
  };
}

const ANSWERED = [
  "Status (Hasura Cloud's undocumented tenant fields; information only):",
  '  shop-pr-7  active, health WARN: inconsistent objects in schema',
  '             ! inconsistent metadata: Inconsistent object: Value for environment variables not found: REMOTE_URL',
  '  shop-prod  active, health OK, metadata consistent',
].join('\n');

describe.each(['plan', 'drift'])('%s --status', (command) => {
  const detailed = command === 'plan' ? ['--detailed-exitcode'] : [];

  it('when the service refuses the undocumented fields: one line says so; the view and the exit code are those without --status', async () => {
    const s = await setup({});
    const plain = await s.hcr([command, ...FILE, ...detailed]);
    const withStatus = await s.hcr([command, ...FILE, ...detailed, '--status']);
    expect(plain.code).toBe(2);
    expect(withStatus.code).toBe(2);
    expect(withStatus.stdout).toBe(plain.stdout);
    expect(withStatus.stderr).toMatch(
      /^Status not shown: Hasura Cloud did not answer its undocumented tenant status fields \(getTenantStatuses failed: field "health_status" not found in type: 'tenant'.*\)\.$/m,
    );
    expect(s.asked()).toBe(1);
  });

  it('when the service answers them: a line per project, and one more for inconsistent metadata', async () => {
    const s = await setup({ statusFields: true });
    const r = await s.hcr([command, ...FILE, ...detailed, '--status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(ANSWERED);
  });

  it('with --format json, keeps stdout one JSON document', async () => {
    const s = await setup({ statusFields: true });
    const r = await s.hcr([command, ...FILE, '--format', 'json', '--status']);
    expect(JSON.parse(r.stdout)).toMatchObject({ format_version: 1 });
    expect(r.stderr).toContain(ANSWERED);
  });

  it('without --status, does not ask', async () => {
    const s = await setup({ statusFields: true });
    const r = await s.hcr([command, ...FILE]);
    expect(r.stderr).not.toContain('Status');
    expect(s.asked()).toBe(0);
  });
});

describe('status once the env is set', () => {
  it('shows the metadata consistent again after apply sets the missing key', async () => {
    const s = await setup({ statusFields: true });
    expect((await s.hcr(['apply', ...FILE, '--auto-approve'])).code).toBe(0);
    const r = await s.hcr(['drift', ...FILE, '--status']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('  shop-pr-7  active, health OK, metadata consistent');
  });
});

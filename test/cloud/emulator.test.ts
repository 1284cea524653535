import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudClient, type RequestEvent } from '../../src/cloud/client.js';
import { startEmulator, type Emulator, type Fault } from '../../src/emulator/index.js';
import { rejection } from './rejection.js';

/** The client against the local emulator on a loopback port: the same wire, the same error wordings. */
let emulator: Emulator;
let client: CloudClient;
const token = 'hcr-emulator-test-token';

beforeAll(async () => {
  emulator = await startEmulator({ tokens: [token], previewJobDelayMs: 0 });
  client = new CloudClient({ endpoint: emulator.url, token, retries: 0 });
});
afterAll(() => emulator.close());

describe('against the emulator', () => {
  it('creates a project, finds it every way, and writes its env with chained hashes', async () => {
    const created = await client.createTenant({
      cloud: 'aws',
      region: 'us-east-2',
      billingPlan: 'cloud_free',
      name: 'emu-one',
      envs: { A: '1' },
    });
    const [byName] = await client.findProjectsByName(['emu-one', 'missing']);
    expect(byName).toMatchObject({ name: 'emu-one', tenant: { id: created.tenantId, maintenance_mode: false } });
    expect(await client.findProjects({ names: [], tenantIds: [created.tenantId] })).toEqual([byName]);
    expect(await client.getProject(byName!.id)).toEqual(byName);
    expect((await client.listProjects()).map((p) => p.name)).toContain('emu-one');

    const read = await client.getTenantEnv(created.tenantId);
    expect(read.env.A).toBe('1');
    const updated = await client.updateTenantEnv(created.tenantId, read.hash, { B: '2' });
    const deleted = await client.deleteTenantEnv(created.tenantId, updated.hash, ['A']);
    expect(deleted.env).toMatchObject({ B: '2' });
    expect(deleted.env).not.toHaveProperty('A');

    expect(await rejection(client.updateTenantEnv(created.tenantId, read.hash, { C: '3' }))).toMatchObject({
      kind: 'conflict',
      details: { maybeApplied: false },
    });
    expect(await rejection(client.updateTenantEnv(created.tenantId, deleted.hash, { B: '2' }))).toMatchObject({ kind: 'nothing-changed' });
    emulator.store.setMaintenance(created.tenantId, true);
    expect(await rejection(client.deleteTenantEnv(created.tenantId, deleted.hash, ['B']))).toMatchObject({ kind: 'maintenance' });
    emulator.store.setMaintenance(created.tenantId, false);

    await client.updateTenantName(created.tenantId, 'emu-renamed');
    expect(await rejection(client.createTenant({ cloud: 'aws', region: 'us-east-2', name: 'emu-renamed', envs: {} }))).toMatchObject({
      kind: 'service',
      details: { code: 'constraint-violation' },
    });
    expect(await client.deleteTenant(created.tenantId)).toEqual({ status: expect.any(String) });
    expect(await rejection(client.getTenantEnv(created.tenantId))).toMatchObject({ kind: 'not-found' });
  });

  it('schedules a preview app and reads its job', async () => {
    const { jobId } = await client.createGitHubPreviewApp({
      githubPersonalAccessToken: 'ghp_emulator',
      githubRepoDetails: { owner: 'acme', repo: 'shop', branch: 'pr-1', directory: 'hasura' },
      projectOptions: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_free', name: 'emu-pr-1', envVars: [] },
    });
    expect(await client.getJob(jobId)).toMatchObject({ id: jobId, status: expect.any(String) });
    expect(await client.getJob('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('refuses a wrong token on queries and mutations alike', async () => {
    const stranger = new CloudClient({ endpoint: emulator.url, token: 'not-a-token', retries: 0 });
    expect(await rejection(stranger.listProjects())).toMatchObject({ kind: 'not-authorized' });
    expect(await rejection(stranger.deleteTenant('00000000-0000-4000-8000-000000000000'))).toMatchObject({ kind: 'not-authorized' });
  });

  it('retries a read through injected faults and reports a write that may have landed', async () => {
    const events: RequestEvent[] = [];
    const patient = new CloudClient({
      endpoint: emulator.url,
      token,
      retries: 30,
      backoffBaseMs: 1,
      backoffCapMs: 1,
      onRequest: (event) => events.push(event),
    });
    const failures: Fault[] = ['server-error', 'http-502', 'http-503', 'dropped'];
    const stop = emulator.onRequest(({ operationName }) => {
      if (operationName === 'listProjects') return failures.shift();
      return operationName === 'createTenant' ? 'lost-answer' : undefined;
    });
    const from = emulator.requests.length;
    await expect(patient.listProjects()).resolves.toBeInstanceOf(Array);
    expect(emulator.requests.slice(from).map((r) => r.fault ?? 'ok')).toEqual(['server-error', 'http-502', 'http-503', 'dropped', 'ok']);
    // The client says so too: five attempts of one call, the last one answered.
    expect(events.map((e) => [e.attempt, e.outcome === 'ok'])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, true],
    ]);
    const err = await rejection(client.createTenant({ cloud: 'aws', region: 'us-east-2', name: 'emu-lost', envs: {} }));
    stop();
    expect(err).toMatchObject({ kind: 'network', details: { maybeApplied: true } });
    expect(await client.findProjectsByName(['emu-lost'])).toHaveLength(1);
  });
});

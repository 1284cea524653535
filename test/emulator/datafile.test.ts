import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { GraphQLClient } from 'graphql-request';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/errors.js';
import { Store, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { parseSnapshot, type StoreSnapshot } from '../../src/emulator/snapshot.js';
import { spawnEmulatorProcess } from '../helpers/emulator.js';

const UPDATE =
  'mutation ($t: uuid!, $h: String!, $e: [UpdateEnvObject!]!) { updateTenantEnv(tenantId: $t, currentHash: $h, envs: $e) { hash } }';
const CREATE = 'mutation ($name: String!) { createTenant(cloud: "aws", region: "us-east-2", name: $name) { id } }';

let dir: string;
let file: string;
const running: Emulator[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hcr-emulator-'));
  file = join(dir, 'state.json');
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

const start = async (options: Parameters<typeof startEmulator>[0] = {}) => {
  const e = await startEmulator({ dataFile: file, tokens: ['t'], ...options });
  running.push(e);
  return e;
};
const clientOf = (e: Emulator) => new GraphQLClient(e.url, { headers: { authorization: 'pat t' } });
const onDisk = (): StoreSnapshot => parseSnapshot(JSON.parse(readFileSync(file, 'utf8')));

describe('--data FILE', () => {
  it('keeps everything across a restart, and finishes preview jobs that were running', async () => {
    const first = await start({ previewJobDelayMs: 60_000 });
    const shop = first.store.createProject({ name: 'shop', env: { A: '1' } });
    first.store.updateEnv(shop.tenantId, first.store.getEnv(shop.tenantId).hash, { B: '2' });
    first.store.setMaintenance(first.store.createProject({ name: 'frozen' }).tenantId, true);
    const jobId = first.store.createPreviewJob({
      githubPersonalAccessToken: 'ghp',
      githubRepoDetails: { owner: 'o', repo: 'r', branch: 'b', directory: 'd' },
      projectOptions: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_free', name: 'pr-1', envVars: [{ key: 'K', value: 'v' }] },
    });
    const projects = first.store.listProjects();
    const env = first.store.getEnv(shop.tenantId);
    await first.close();

    const second = await start({ previewJobDelayMs: 10 });
    expect(second.store.listProjects()).toEqual(projects);
    expect(second.store.getEnv(shop.tenantId)).toEqual(env);
    await vi.waitFor(() => expect(second.store.getJob(jobId)?.status).toBe('success'), { timeout: 3000, interval: 10 });
    expect(second.store.findProjectByName('pr-1')?.env.K).toBe('v');
  });

  it('creates the file at start when there is none', async () => {
    const e = await start();
    await e.close();
    expect(onDisk()).toEqual(new Store().snapshot());
  });

  it('answers a mutation only once the file holds its result', async () => {
    const e = await start();
    const client = clientOf(e);
    const { createTenant } = await client.request<{ createTenant: { id: string } }>(CREATE, { name: 'durable' });
    expect(onDisk().projects.map((p) => p.tenantId)).toEqual([createTenant.id]);
    const hash = e.store.getEnv(createTenant.id).hash;
    await client.request(UPDATE, { t: createTenant.id, h: hash, e: [{ key: 'K', value: 'written' }] });
    expect(onDisk().projects[0]?.env.K).toBe('written');
  });

  it('coalesces a burst of writes and ends equal to the store', async () => {
    const e = await start();
    const client = clientOf(e);
    const ids = Array.from({ length: 10 }, (_, i) => e.store.createProject({ name: `p${i}` }).tenantId);
    await Promise.all(ids.map((id) => client.request(UPDATE, { t: id, h: e.store.getEnv(id).hash, e: [{ key: 'K', value: id }] })));
    expect(onDisk()).toEqual(e.store.snapshot());
  });

  it.each([
    ['is not JSON', '{"format": "hcr-emulator/1", "projects": ['],
    ['is another JSON document', '{"name": "package"}'],
    ['holds a malformed project', '{"format": "hcr-emulator/1", "projects": [{"name": 1}], "jobs": []}'],
  ])('refuses to start, clearly, when the file %s', async (_what, text) => {
    writeFileSync(file, text);
    const started = start();
    await expect(started).rejects.toThrow(UserError);
    await expect(started).rejects.toThrow(/emulator data file .*state\.json is unusable/);
  });

  it('refuses to start when the file cannot be read or written', async () => {
    await expect(start({ dataFile: dir })).rejects.toThrow(/cannot read the emulator data file/);
    await expect(start({ dataFile: join(dir, 'missing', 'state.json') })).rejects.toThrow(/cannot write the emulator data file/);
  });
});

describe('a killed emulator never leaves a torn or invented data file', () => {
  it('survives kill -9 in the middle of a stream of writes', async () => {
    const emulator = await spawnEmulatorProcess(['--data', file], { HASURA_CLOUD_ACCESS_TOKEN: 't' });
    const client = new GraphQLClient(emulator.url, { headers: { authorization: 'pat t' } });
    const tenants = await Promise.all(
      ['k0', 'k1', 'k2'].map(async (name) => (await client.request<{ createTenant: { id: string } }>(CREATE, { name })).createTenant.id),
    );
    const acknowledged = new Map<string, number>(tenants.map((id) => [id, 0]));
    let total = 0;
    let killed = false;

    // One sequential writer per project, each write chained on the hash the previous returned.
    const writer = async (tenantId: string): Promise<void> => {
      let { getTenantEnv } = await client.request<{ getTenantEnv: { hash: string } }>(
        'query ($t: uuid!) { getTenantEnv(tenantId: $t) { hash } }',
        { t: tenantId },
      );
      for (let i = 1; ; i += 1) {
        try {
          const { updateTenantEnv } = await client.request<{ updateTenantEnv: { hash: string } }>(UPDATE, {
            t: tenantId,
            h: getTenantEnv.hash,
            e: [{ key: 'COUNTER', value: String(i) }],
          });
          getTenantEnv = updateTenantEnv;
        } catch (err) {
          if (killed) return;
          throw err;
        }
        acknowledged.set(tenantId, i);
        total += 1;
        if (total >= 60 && !killed) {
          killed = true;
          emulator.child.kill('SIGKILL');
        }
      }
    };
    // Meanwhile the file must parse whenever anyone looks at it.
    let reads = 0;
    const reader = async (): Promise<void> => {
      while (!killed) {
        onDisk();
        reads += 1;
        await tick();
      }
    };
    await Promise.all([...tenants.map(writer), reader()]);
    expect(await emulator.exited).toBe('SIGKILL');
    expect(reads).toBeGreaterThan(0);

    const state = onDisk();
    for (const tenantId of tenants) {
      const project = state.projects.find((p) => p.tenantId === tenantId);
      const counter = Number(project?.env.COUNTER ?? 0);
      const acked = acknowledged.get(tenantId) ?? 0;
      // Every acknowledged write is on disk; at most the one in flight may be there too.
      expect([acked, acked + 1]).toContain(counter);
      // A state really reached: the counter and the write count moved together.
      expect(project?.writes).toBe(counter + 1);
    }

    const restarted = await start();
    for (const tenantId of tenants) expect(restarted.store.getEnv(tenantId).hash).toMatch(/^[0-9a-f]{40}$/);
    expect(existsSync(file)).toBe(true);
  });
});

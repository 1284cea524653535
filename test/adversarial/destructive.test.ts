import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reliabilityWorld } from '../reliability/harness.js';
import { badProxy } from './servers.js';

const PROTECT = new URL('./fixtures/protect/', import.meta.url).pathname;

/** `shop-prod` and `pr-7` live; `fixture` (from fixtures/protect/) copied in as `as`. */
async function deleteWorld(fixture?: string, as = 'hasura-cloud.yaml') {
  const w = await reliabilityWorld();
  w.t.seed('shop-prod', { LOG_LEVEL: 'info' });
  w.t.seed('pr-7', { LOG_LEVEL: 'debug' });
  if (fixture) copyFileSync(join(PROTECT, fixture), join(w.dir, as));
  const names = () =>
    w.store
      .listProjects()
      .map((p) => p.name)
      .sort();
  const deletes = () => w.emulator.requests.filter((q) => q.operationName === 'deleteTenant');
  return { w, names, deletes };
}

describe('hcr preview delete and the desired state', () => {
  it('refuses a project that hasura-cloud.yaml in the working directory protects: exit 1, nothing deleted, no request', async () => {
    const { w, names } = await deleteWorld('own.yaml');
    const r = await w.hcr(['preview', 'delete', '--name', 'shop-prod', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('shop-prod is protected (protect: true at hasura-cloud.yaml:4:14); nothing was deleted.');
    expect(names()).toEqual(['pr-7', 'shop-prod']);
    expect(w.emulator.requests).toEqual([]);
  });

  it('refuses one protected by defaults.protect in a file given with -f, without needing its fromEnv variables', async () => {
    const { w, names, deletes } = await deleteWorld('defaults.yaml', 'desired.yaml');
    const r = await w.hcr(['preview', 'delete', '--name', 'shop-prod', '--yes', '-f', 'desired.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('shop-prod is protected (protect: true at desired.yaml:3:12)');
    expect(deletes()).toEqual([]);
    // A project that says protect: false is deleted.
    const ok = await w.hcr(['preview', 'delete', '--name', 'pr-7', '--yes', '-f', 'desired.yaml']);
    expect(ok.code).toBe(0);
    expect(names()).toEqual(['shop-prod']);
  });

  it('refuses when the desired state cannot be read: a protection hcr cannot read is none to rely on', async () => {
    const { w, deletes } = await deleteWorld('broken.yaml');
    const r = await w.hcr(['preview', 'delete', '--name', 'shop-prod', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('hasura-cloud.yaml:4:14: projects.shop-prod.protect: expected true or false');
    const missing = await w.hcr(['preview', 'delete', '--name', 'pr-7', '--yes', '-f', 'nowhere.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nowhere.yaml: no such file or directory');
    expect(deletes()).toEqual([]);
  });

  it('deletes a project the desired state does not declare, and any project when there is no desired state', async () => {
    const { w, names } = await deleteWorld('own.yaml');
    expect((await w.hcr(['preview', 'delete', '--name', 'pr-7', '--yes'])).code).toBe(0);
    const bare = await deleteWorld();
    expect((await bare.w.hcr(['preview', 'delete', '--name', 'shop-prod', '--yes'])).code).toBe(0);
    expect(names()).toEqual(['shop-prod']);
    expect(bare.names()).toEqual(['pr-7']);
  });
});

describe('hcr preview delete asks first', () => {
  it('without a terminal, refuses to run without --yes, before any request', async () => {
    const { w, names } = await deleteWorld();
    const r = await w.hcr(['preview', 'delete', '--name', 'pr-7']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('preview delete needs --yes when it is not run in a terminal (nothing was deleted)');
    expect(w.emulator.requests).toEqual([]);
    expect(names()).toEqual(['pr-7', 'shop-prod']);
  });

  it.each(['no', 'y', 'YES', ''])('on a terminal, answered %j, deletes nothing (exit 1)', async (answer) => {
    const { w, names, deletes } = await deleteWorld();
    const r = await w.hcr(['preview', 'delete', '--name', 'pr-7'], { tty: true, input: `${answer}\n` });
    expect(r.stdout).toContain('Delete project pr-7 (project ');
    expect(r.stdout).toContain('Delete cancelled; nothing was deleted.');
    expect(r.code).toBe(1);
    expect(deletes()).toEqual([]);
    expect(names()).toEqual(['pr-7', 'shop-prod']);
  });

  it('on a terminal, answered yes, deletes', async () => {
    const { w, names } = await deleteWorld();
    const r = await w.hcr(['preview', 'delete', '--name', 'pr-7', '--no-color'], { tty: true, input: 'yes\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Deleted project pr-7 \(project [0-9a-f-]+, tenant [0-9a-f-]+\): deleted\n$/);
    expect(names()).toEqual(['shop-prod']);
  });

  it('reports the deletion that landed even when its answer is garbled', async () => {
    const { w, names } = await deleteWorld();
    const proxy = await badProxy(w.t.emulator.url, async (op, forward) => {
      if (op !== 'deleteTenant') return forward();
      await forward();
      return { status: 200, body: '{"data":{"deleteTenant":null}}' };
    });
    const r = await w.hcr(['preview', 'delete', '--name', 'pr-7', '--yes'], { env: { HASURA_CLOUD_ENDPOINT: proxy.url } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Deleted project pr-7');
    expect(r.stdout).toContain('the project is gone');
    expect(names()).toEqual(['shop-prod']);
  });
});

import { describe, expect, it } from 'vitest';
import { ADMIN_SECRET_KEY, Store, StoreError, endpointOf, type StoreErrorKind } from '../../src/emulator/index.js';
import { parseSnapshot } from '../../src/emulator/store.js';

const refused = (kind: StoreErrorKind) => expect.objectContaining({ name: 'StoreError', kind });

function withProject(env: Record<string, string> = { A: '1' }) {
  const store = new Store();
  const created = store.createProject({ name: 'shop', env });
  return { store, ...created, hash: store.getEnv(created.tenantId).hash };
}

describe('Store: projects', () => {
  it('creates a project and its tenant with different ids, an admin secret and the given env', () => {
    const store = new Store();
    const created = store.createProject({ name: 'shop-prod', env: { CORS: '*' } });
    expect(created.projectId).not.toBe(created.tenantId);
    const record = store.findProjectByName('shop-prod');
    expect(record).toMatchObject({
      projectId: created.projectId,
      tenantId: created.tenantId,
      cloud: 'aws',
      region: 'us-east-2',
      plan: 'cloud_free',
    });
    const { env, hash } = store.getEnv(created.tenantId);
    expect(hash).toMatch(/^[0-9a-f]{40}$/);
    expect(env.CORS).toBe('*');
    expect(env[ADMIN_SECRET_KEY]).toMatch(/^\S{16,}$/);
    expect(endpointOf('shop-prod')).toBe('https://shop-prod.hasura.app/v1/graphql');
  });

  it('gives different projects different admin secrets and hashes', () => {
    const store = new Store();
    const a = store.createProject({ name: 'a', env: {} });
    const b = store.createProject({ name: 'b', env: {} });
    expect(store.getEnv(a.tenantId).env[ADMIN_SECRET_KEY]).not.toBe(store.getEnv(b.tenantId).env[ADMIN_SECRET_KEY]);
    expect(store.getEnv(a.tenantId).hash).not.toBe(store.getEnv(b.tenantId).hash);
  });

  it('generates a valid, unique name when none is given', () => {
    const store = new Store();
    const names = Array.from({ length: 20 }, () => store.createProject().name);
    expect(new Set(names).size).toBe(20);
    for (const name of names) expect(name).toMatch(/^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
  });

  it.each(['', 'Shop', 'my_app', '1shop', 'shop-', 'a'.repeat(64), 'shöp'])('refuses the invalid name %j', (name) => {
    expect(() => new Store().createProject({ name })).toThrow(refused('invalid'));
  });

  it.each(['a', 'shop-prod-2', 'a'.repeat(63)])('accepts the valid name %j', (name) => {
    expect(new Store().createProject({ name }).name).toBe(name);
  });

  it('refuses an unknown cloud or plan and a duplicate name', () => {
    const store = new Store();
    expect(() => store.createProject({ name: 'x', cloud: 'gcp' })).toThrow(refused('invalid'));
    expect(() => store.createProject({ name: 'x', plan: 'cloud_gold' })).toThrow(refused('invalid'));
    store.createProject({ name: 'x', plan: 'cloud_payg' });
    expect(() => store.createProject({ name: 'x' })).toThrow(refused('duplicate-name'));
  });

  it('renames, keeping names unique, and deletes', () => {
    const { store, tenantId } = withProject();
    store.createProject({ name: 'other' });
    expect(() => store.renameTenant(tenantId, 'other')).toThrow(refused('duplicate-name'));
    expect(() => store.renameTenant(tenantId, 'Bad')).toThrow(refused('invalid'));
    expect(store.renameTenant(tenantId, 'shop').name).toBe('shop');
    expect(store.renameTenant(tenantId, 'shop-2').name).toBe('shop-2');
    expect(store.findProjectByName('shop')).toBeUndefined();
    store.deleteTenant(tenantId);
    expect(store.listProjects().map((p) => p.name)).toEqual(['other']);
    expect(() => store.deleteTenant(tenantId)).toThrow(refused('not-found'));
    expect(() => store.getEnv(tenantId)).toThrow(refused('not-found'));
  });

  it('hands out copies, so callers cannot change its state by accident', () => {
    const { store, tenantId } = withProject();
    const record = store.getTenant(tenantId);
    expect(record?.env.A).toBe('1');
    record!.env.A = 'changed';
    store.listProjects()[0]!.name = 'changed';
    expect(() => {
      (store.getEnv(tenantId).env as Record<string, string>).A = 'changed';
    }).toThrow(TypeError);
    expect(store.getEnv(tenantId).env.A).toBe('1');
    // getEnv may answer from a cache; the record itself is what a copy protects.
    expect(store.getTenant(tenantId)!.env.A).toBe('1');
    expect(store.findProjectByName('shop')).toBeDefined();
  });

  it('finds a project by name, tenant id and project id through renames, deletes and a restart', () => {
    const { store, tenantId, projectId } = withProject();
    store.renameTenant(tenantId, 'shop-2');
    const reused = store.createProject({ name: 'shop' });
    expect(store.findProjectByName('shop')?.tenantId).toBe(reused.tenantId);
    expect(store.findProjectByName('shop-2')?.tenantId).toBe(tenantId);
    expect(store.getProject(projectId)?.name).toBe('shop-2');

    const restarted = new Store(parseSnapshot(JSON.parse(store.snapshotText())));
    expect(restarted.findProjectByName('shop-2')?.projectId).toBe(projectId);
    expect(restarted.getProject(reused.projectId)?.name).toBe('shop');
    restarted.deleteTenant(tenantId);
    expect(restarted.findProjectByName('shop-2')).toBeUndefined();
    expect(restarted.getProject(projectId)).toBeUndefined();
    expect(restarted.createProject({ name: 'shop-2' }).name).toBe('shop-2');
  });
});

describe('Store: env writes', () => {
  it('upserts only the keys sent, keeps the others and changes the hash', () => {
    const { store, tenantId, hash } = withProject({ A: '1', B: '2' });
    const after = store.updateEnv(tenantId, hash, [
      { key: 'B', value: '20' },
      { key: 'C', value: '3' },
    ]);
    expect(after.env).toMatchObject({ A: '1', B: '20', C: '3' });
    expect(after.hash).not.toBe(hash);
    expect(store.getEnv(tenantId)).toEqual(after);
  });

  it('changes the hash on every write, even one that restores an earlier env', () => {
    const { store, tenantId, hash: h0 } = withProject({ A: '1' });
    const h1 = store.updateEnv(tenantId, h0, { A: '2' }).hash;
    const h2 = store.updateEnv(tenantId, h1, { A: '1' }).hash;
    expect(new Set([h0, h1, h2]).size).toBe(3);
    expect(() => store.updateEnv(tenantId, h0, { A: '3' })).toThrow(refused('conflict'));
  });

  it('refuses a stale hash and writes nothing', () => {
    const { store, tenantId, hash } = withProject();
    store.setEnv(tenantId, { A: 'console edit' });
    const before = store.getEnv(tenantId);
    expect(() => store.updateEnv(tenantId, hash, { B: '2' })).toThrow(refused('conflict'));
    expect(() => store.deleteEnv(tenantId, hash, ['A'])).toThrow(refused('conflict'));
    expect(store.getEnv(tenantId)).toEqual(before);
  });

  it('refuses a no-op update: same values, or nothing sent', () => {
    const { store, tenantId, hash } = withProject({ A: '1', B: '2' });
    const err = (() => {
      try {
        store.updateEnv(tenantId, hash, { A: '1', B: '2' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ kind: 'nothing-changed', message: 'nothing changed in config', code: 'legacyError' });
    expect(() => store.updateEnv(tenantId, hash, [])).toThrow(refused('nothing-changed'));
    expect(store.getEnv(tenantId).hash).toBe(hash);
  });

  it('deletes the keys that exist and refuses a delete of none', () => {
    const { store, tenantId, hash } = withProject({ A: '1', B: '2' });
    expect(() => store.deleteEnv(tenantId, hash, ['X', 'Y'])).toThrow(refused('nothing-changed'));
    expect(() => store.deleteEnv(tenantId, hash, [])).toThrow(refused('nothing-changed'));
    const after = store.deleteEnv(tenantId, hash, ['A', 'X']);
    expect(Object.keys(after.env).sort()).toEqual(['B', ADMIN_SECRET_KEY]);
  });

  it('refuses env writes in maintenance mode, and accepts them again afterwards', () => {
    const { store, tenantId, hash } = withProject();
    store.setMaintenance(tenantId, true);
    expect(() => store.updateEnv(tenantId, hash, { A: '2' })).toThrow(refused('maintenance'));
    expect(() => store.deleteEnv(tenantId, hash, ['A'])).toThrow(refused('maintenance'));
    expect(store.getTenant(tenantId)?.maintenance).toBe(true);
    store.setMaintenance(tenantId, false);
    expect(store.updateEnv(tenantId, hash, { A: '2' }).env.A).toBe('2');
  });

  it('keeps odd keys such as __proto__ as plain data', () => {
    const { store, tenantId, hash } = withProject({});
    const after = store.updateEnv(tenantId, hash, [{ key: '__proto__', value: 'x' }]);
    expect(Object.entries(after.env)).toContainEqual(['__proto__', 'x']);
    expect(() => store.updateEnv(tenantId, after.hash, [{ key: '__proto__', value: 'x' }])).toThrow(refused('nothing-changed'));
  });

  it('replaces the env out of band with a new hash, whatever the mode', () => {
    const { store, tenantId, hash } = withProject();
    store.setMaintenance(tenantId, true);
    const after = store.setEnv(tenantId, { ONLY: 'this' });
    expect(after).toEqual({ hash: expect.not.stringMatching(hash), env: { ONLY: 'this' } });
  });

  it('tells subscribers about every change', () => {
    const { store, tenantId, hash } = withProject();
    let changes = 0;
    const stop = store.subscribe(() => changes++);
    store.updateEnv(tenantId, hash, { A: '2' });
    store.setMaintenance(tenantId, true);
    expect(() => store.deleteEnv(tenantId, 'stale', ['A'])).toThrow();
    stop();
    store.setMaintenance(tenantId, false);
    expect(changes).toBe(2);
  });
});

describe('Store: preview jobs', () => {
  type Over = { token?: string; plan?: string; cloud?: string; owner?: string; repo?: string; branch?: string; directory?: string };
  const payload = (name: string, over: Over = {}) => ({
    githubPersonalAccessToken: over.token ?? 'ghp_x',
    githubRepoDetails: {
      owner: over.owner ?? 'org',
      repo: over.repo ?? 'app',
      branch: over.branch ?? 'main',
      directory: over.directory ?? 'hasura',
    },
    projectOptions: {
      cloud: over.cloud ?? 'aws',
      region: 'us-east-2',
      plan: over.plan ?? 'cloud_free',
      name,
      envVars: [{ key: 'K', value: 'v' }],
    },
  });

  it('runs a job: running, then success with the project id; a rerun updates that project', () => {
    const store = new Store();
    const first = store.createPreviewJob(payload('pr-1'));
    expect(store.getJob(first)?.status).toBe('running');
    const done = store.finishPreviewJob(first);
    const project = store.findProjectByName('pr-1');
    expect(done?.status).toBe('success');
    expect(done?.tasks[0]?.events.at(-1)).toMatchObject({
      eventType: 'success',
      publicEventData: { projectId: project?.projectId, githubDeploymentJobID: expect.any(String) },
    });
    expect(project?.env).toMatchObject({ K: 'v', [ADMIN_SECRET_KEY]: expect.any(String) });

    const hash = store.getEnv(project?.tenantId ?? '').hash;
    const again = store.createPreviewJob({
      ...payload('pr-1'),
      projectOptions: { ...payload('pr-1').projectOptions, envVars: [{ key: 'K', value: 'v2' }] },
    });
    expect(store.finishPreviewJob(again)?.status).toBe('success');
    expect(store.listProjects()).toHaveLength(1);
    expect(store.getEnv(project?.tenantId ?? '')).toMatchObject({ env: { K: 'v2' }, hash: expect.not.stringMatching(hash) });
    expect(store.finishPreviewJob(again)?.tasks[0]?.events).toHaveLength(2);
  });

  it.each([
    ['an empty token', payload('pr-1', { token: '' }), /githubPersonalAccessToken/],
    ['an empty branch', payload('pr-1', { branch: ' ' }), /branch/],
    ['an invalid name', payload('My_App'), /invalid project name/],
    ['an unknown plan', payload('pr-1', { plan: 'free' }), /invalid plan/],
    ['an unknown cloud', payload('pr-1', { cloud: 'gcp' }), /invalid cloud/],
    ['an owner GitHub would refuse', payload('pr-1', { owner: 'my org' }), /^invalid GitHub repository owner: "my org"$/],
    ['a repository GitHub would refuse', payload('pr-1', { repo: 'app?' }), /^invalid GitHub repository name: "app\?"$/],
    ['a branch git would refuse', payload('pr-1', { branch: 'feature..x' }), /^invalid branch name: "feature\.\.x"$/],
    ['a directory outside the repository', payload('pr-1', { directory: '../hasura' }), /^invalid directory: "\.\.\/hasura"/],
    [
      'a branch that does not exist',
      payload('pr-1', { branch: 'missing-branch' }),
      /^branch "missing-branch" not found in GitHub repository org\/app$/,
    ],
    [
      'a directory that does not exist',
      payload('pr-1', { directory: 'missing' }),
      /^directory "missing" not found in GitHub repository org\/app on branch "main"$/,
    ],
  ])('fails a job with %s, creating nothing', (_what, bad, error) => {
    const store = new Store();
    const job = store.finishPreviewJob(store.createPreviewJob(bad));
    expect(job?.status).toBe('failed');
    expect(job?.tasks[0]?.events.at(-1)).toMatchObject({ eventType: 'failed', error: expect.stringMatching(error) });
    expect(store.listProjects()).toEqual([]);
  });

  it.each([
    ['a nested branch', { branch: 'feature/checkout-v2' }],
    ['the repository root', { directory: '' }],
    ['a repository with dots', { repo: 'my.app_2' }],
  ])('runs a job from %s', (_what, over) => {
    const store = new Store();
    expect(store.finishPreviewJob(store.createPreviewJob(payload('pr-1', over)))?.status).toBe('success');
  });

  it('skips a running job when another one for the same name is scheduled; the newer one runs', () => {
    const store = new Store();
    const older = store.createPreviewJob(payload('pr-1'));
    const other = store.createPreviewJob(payload('pr-2'));
    const newer = store.createPreviewJob(payload('pr-1'));
    const skipped = store.getJob(older);
    expect(skipped?.status).toBe('skipped');
    expect(skipped?.tasks[0]?.events.at(-1)).toMatchObject({
      eventType: 'skipped',
      error: `a newer preview app creation for "pr-1" was scheduled (job ${newer})`,
    });
    expect(store.finishPreviewJob(older)?.status).toBe('skipped');
    expect(store.getJob(other)?.status).toBe('running');
    expect(store.finishPreviewJob(newer)?.status).toBe('success');
    expect(store.listProjects().map((p) => p.name)).toEqual(['pr-1']);
  });

  it('fails a job whose name belongs to a project that is not a preview app, leaving that project alone', () => {
    const { store, tenantId } = withProject();
    const before = store.getEnv(tenantId);
    const job = store.finishPreviewJob(store.createPreviewJob(payload('shop')));
    expect(job?.status).toBe('failed');
    expect(job?.tasks[0]?.events.at(-1)?.error).toBe('a project named "shop" already exists and is not a preview app');
    expect(store.getEnv(tenantId)).toEqual(before);
  });

  it('keeps no GitHub token in its state', () => {
    const store = new Store();
    store.createPreviewJob(payload('pr-1', { token: 'ghp_secret_value' }));
    expect(JSON.stringify(store.snapshot())).not.toContain('ghp_secret_value');
  });
});

describe('Store: snapshots', () => {
  it('round-trips through JSON', () => {
    const { store, tenantId, hash } = withProject();
    store.updateEnv(tenantId, hash, { B: '2' });
    const copy = new Store(parseSnapshot(JSON.parse(JSON.stringify(store.snapshot()))));
    expect(copy.getEnv(tenantId)).toEqual(store.getEnv(tenantId));
    expect(copy.listProjects()).toEqual(store.listProjects());
  });

  it.each([[null], [[]], [{ format: 'other' }], [{ format: 'hcr-emulator/1', projects: [{}], jobs: [] }]])('rejects %j', (value) => {
    expect(() => parseSnapshot(value)).toThrow(/not an emulator data file/);
  });
});

import { describe, expect, it } from 'vitest';
import { applyPlan, type EnvWriter } from '../../src/apply/apply.js';
import { CloudError } from '../../src/cloud/errors.js';
import type { TenantEnv } from '../../src/cloud/types.js';
import type { Plan, ProjectPlan } from '../../src/plan/types.js';

/** A tenant whose writes follow the service's hash rules, with scripted faults per call. */
class FakeTenant implements EnvWriter {
  hash = 'h0';
  calls: string[] = [];
  /** Per call of an operation: 'lost' (lands, answer lost), 'fail' (server error, nothing written). */
  faults: Record<string, ('lost' | 'fail' | 'ok')[]> = {};
  private n = 0;
  constructor(public env: Record<string, string>) {}

  private mutate(op: string, currentHash: string, change: () => void): TenantEnv {
    this.calls.push(op);
    const fault = this.faults[op]?.shift() ?? 'ok';
    if (fault === 'fail') throw new CloudError('server', op, `${op} failed: internal error`);
    if (currentHash !== this.hash) throw new CloudError('conflict', op, `${op} failed: hash mismatch`);
    change();
    this.hash = `h${++this.n}`;
    if (fault === 'lost') throw new CloudError('network', op, `${op} failed: socket hang up`, { maybeApplied: true });
    return { hash: this.hash, env: { ...this.env } };
  }

  /** Every lookup finds the project the plan read: the tenant `t`, still named `shop`. */
  findProjects = async () => [{ id: 'p', name: 'shop', endpoint: '', tenant: { id: 't' } }];
  listProjectsInRegion = async () => [];
  getTenantEnvs = async () => [];
  createTenant = async () => ({ tenantId: 't', name: 'x' });
  updateTenantName = async () => ({});
  deleteTenant = async () => ({});
  getTenantEnv = async () => {
    this.calls.push('getTenantEnv');
    return { hash: this.hash, env: { ...this.env } };
  };
  updateTenantEnv = async (_t: string, h: string, env: Record<string, string>) =>
    this.mutate('updateTenantEnv', h, () => Object.assign(this.env, env));
  deleteTenantEnv = async (_t: string, h: string, keys: string[]) =>
    this.mutate('deleteTenantEnv', h, () => keys.forEach((k) => delete this.env[k]));
}

const project: ProjectPlan = {
  name: 'shop',
  tenantId: 't',
  hash: 'h0',
  action: 'update',
  unmanaged: 0,
  env: [
    { key: 'NEW', action: 'add', sensitive: false, after: 'n' },
    { key: 'OLD', action: 'remove', sensitive: false, before: 'o' },
  ],
};
const planOf = (p: ProjectPlan): Plan => ({
  format_version: 1,
  projects: [p],
  summary: { add: 1, change: 0, remove: 1, create_projects: 0, delete_projects: 0, refused_delete_projects: 0 },
});
const values = (_p: string, c: { after?: string }) => c.after!;
const run = (tenant: FakeTenant, p = project) =>
  applyPlan(tenant, planOf(p), values, { concurrency: 1, batchSize: 25 }).then((r) => r.projects[0]!);

describe('applyPlan()', () => {
  it('sets, then removes with the hash the update returned', async () => {
    const tenant = new FakeTenant({ OLD: 'o', KEEP: 'k' });
    expect(await run(tenant)).toEqual({ name: 'shop', outcome: 'applied', set: ['NEW'], removed: ['OLD'], pending: [], hash: 'h2' });
    expect(tenant.env).toEqual({ NEW: 'n', KEEP: 'k' });
    expect(tenant.calls).toEqual(['updateTenantEnv', 'deleteTenantEnv']);
  });

  it('writes nothing and reports a conflict when the project changed since the plan', async () => {
    const tenant = new FakeTenant({ OLD: 'o' });
    tenant.hash = 'moved';
    expect(await run(tenant)).toMatchObject({ outcome: 'conflict', set: [], removed: [], pending: ['NEW', 'OLD'] });
    expect(tenant.env).toEqual({ OLD: 'o' });
  });

  it('counts a write whose answer was lost as applied when reading back shows it landed', async () => {
    const tenant = new FakeTenant({ OLD: 'o' });
    tenant.faults.deleteTenantEnv = ['lost'];
    expect(await run(tenant)).toMatchObject({ outcome: 'applied', set: ['NEW'], removed: ['OLD'] });
    expect(tenant.calls).toEqual(['updateTenantEnv', 'deleteTenantEnv', 'getTenantEnv']);
  });

  it('does not delete on a hash only read back: it may include a later writer, whose change would be lost', async () => {
    const tenant = new FakeTenant({ OLD: 'o' });
    tenant.faults.updateTenantEnv = ['lost'];
    const report = await run(tenant);
    expect(report).toMatchObject({ outcome: 'failed', set: ['NEW'], removed: [], pending: ['OLD'] });
    expect(report.reason).toContain('nothing was removed');
    expect(tenant.calls).toEqual(['updateTenantEnv', 'getTenantEnv']);
  });

  it('sends a failed write once more with the same hash when reading back shows it did not land', async () => {
    const tenant = new FakeTenant({ OLD: 'o' });
    tenant.faults.updateTenantEnv = ['fail'];
    expect(await run(tenant)).toMatchObject({ outcome: 'applied' });
    expect(tenant.calls).toEqual(['updateTenantEnv', 'getTenantEnv', 'updateTenantEnv', 'deleteTenantEnv']);
  });

  it('gives up after the second failure and says nothing was written', async () => {
    const tenant = new FakeTenant({ OLD: 'o' });
    tenant.faults.updateTenantEnv = ['fail', 'fail'];
    const report = await run(tenant);
    expect(report).toMatchObject({ outcome: 'failed', set: [], removed: [], pending: ['NEW', 'OLD'] });
    expect(report.reason).toContain('nothing was written');
    expect(tenant.env).toEqual({ OLD: 'o' });
  });

  it('reports exactly which half landed when the delete fails after the update', async () => {
    const tenant = new FakeTenant({ OLD: 'o' });
    tenant.faults.deleteTenantEnv = ['fail', 'fail'];
    expect(await run(tenant)).toMatchObject({ outcome: 'failed', set: ['NEW'], removed: [], pending: ['OLD'] });
    expect(tenant.env).toEqual({ OLD: 'o', NEW: 'n' });
  });

  it('reports unknown when the answer was lost and someone else wrote meanwhile', async () => {
    const tenant = new FakeTenant({ OLD: 'o' });
    tenant.faults.updateTenantEnv = ['lost'];
    const getEnv = tenant.getTenantEnv;
    // The update landed; before hcr reads back, someone else overwrites what it set.
    tenant.getTenantEnv = async () => {
      tenant.env.NEW = 'theirs';
      tenant.hash = 'someone-else';
      return getEnv();
    };
    expect(await run(tenant)).toMatchObject({ outcome: 'unknown', set: [], removed: [], pending: ['NEW', 'OLD'] });
    expect(tenant.calls).toEqual(['updateTenantEnv', 'getTenantEnv']);
  });

  it('reports unknown when a write failed and someone else wrote before the read back', async () => {
    const tenant = new FakeTenant({ OLD: 'o' });
    tenant.faults.updateTenantEnv = ['fail'];
    const getEnv = tenant.getTenantEnv;
    tenant.getTenantEnv = async () => {
      tenant.hash = 'someone-else';
      return getEnv();
    };
    expect(await run(tenant)).toMatchObject({ outcome: 'unknown', pending: ['NEW', 'OLD'] });
    expect(tenant.calls).toEqual(['updateTenantEnv', 'getTenantEnv']);
  });

  it('reads a refusal in unknown words back: unknown when the hash moved without the write', async () => {
    const tenant = new FakeTenant({ OLD: 'o' });
    tenant.updateTenantEnv = async () => {
      tenant.hash = 'moved';
      throw new CloudError('service', 'updateTenantEnv', 'updateTenantEnv failed: config version is old');
    };
    expect(await run(tenant)).toMatchObject({ outcome: 'unknown', set: [], pending: ['NEW', 'OLD'] });
    expect(tenant.calls).toEqual(['getTenantEnv']);
  });

  it('skips the update when there is nothing to set', async () => {
    const tenant = new FakeTenant({ OLD: 'o' });
    const removeOnly = { ...project, env: [project.env[1]!] };
    expect(await run(tenant, removeOnly)).toMatchObject({ outcome: 'applied', set: [], removed: ['OLD'] });
    expect(tenant.calls).toEqual(['deleteTenantEnv']);
  });

  it('keeps going with other projects when one throws', async () => {
    const tenant = new FakeTenant({ OLD: 'o' });
    // One fake writer for both projects; the first to write throws a bug, not a CloudError.
    tenant.findProjects = async () => [
      { id: 'p1', name: 'broken', endpoint: '', tenant: { id: 'tb' } },
      { id: 'p2', name: 'shop', endpoint: '', tenant: { id: 't' } },
    ];
    const update = tenant.updateTenantEnv;
    tenant.updateTenantEnv = async (t, h, env) => {
      if (env.NEW === 'broken') throw new Error('boom');
      return update(t, h, env);
    };
    const broken: ProjectPlan = {
      ...project,
      name: 'broken',
      tenantId: 'tb',
      env: [{ key: 'NEW', action: 'add', sensitive: false, after: 'broken' }],
    };
    // One at a time, the broken project first: what follows it runs only if apply keeps going.
    const report = await applyPlan(tenant, { ...planOf(project), projects: [broken, project] }, (_p, c) => c.after!, {
      concurrency: 1,
      batchSize: 25,
    });
    expect(report.projects.map((p) => [p.name, p.outcome])).toEqual([
      ['broken', 'failed'],
      ['shop', 'applied'],
    ]);
    expect(report.projects[0]!.reason).toContain('boom');
    expect(tenant.env).toEqual({ NEW: 'n' });
  });
});

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { reliabilityWorld, type ReliabilityWorld, type ReportJson } from '../reliability/harness.js';
import { badProxy, graphqlError, type Answer } from './servers.js';

/** `shop`, live with FEATURE=v1 and OLD=old; shop.yaml sets FEATURE=v2, adds NEW and removes OLD. */
async function shopWorld() {
  const w = await reliabilityWorld();
  const { tenantId } = w.t.seed('shop', { FEATURE: 'v1', OLD: 'old', KEEP: 'keep' });
  w.writeDesired('shop.yaml', { shop: { remove: ['OLD'], env: { FEATURE: 'v2', NEW: 'added' } } });
  w.writeDesired('set-only.yaml', { shop: { env: { FEATURE: 'v2', NEW: 'added' } } });
  const live = () => withoutCloudKeys(w.store.getEnv(tenantId).env);
  return { w, tenantId, live };
}

/** An env without the admin secret Hasura Cloud sets on every project it creates. */
const withoutCloudKeys = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('HASURA_')));

const APPLIED = { FEATURE: 'v2', NEW: 'added', KEEP: 'keep' };

/** Applies through `proxy` (a server in front of the emulator) and reads the JSON report. */
async function applyThrough(w: ReliabilityWorld, url: string, file = 'shop.yaml') {
  const r = await w.hcr(['apply', '--auto-approve', '--format', 'json', '-f', file], { env: { HASURA_CLOUD_ENDPOINT: url } });
  expect(r.stderr).not.toMatch(/Internal error|\n\s+at /);
  return { ...r, report: JSON.parse(r.stdout) as ReportJson };
}

/** What the proxy answers instead of `operation`'s real answer, after (or instead of) sending it on. */
function lying(operation: string, answer: Answer, options: { land: boolean }) {
  return async (op: string, forward: () => Promise<Answer>): Promise<Answer> => {
    if (op !== operation) return forward();
    if (options.land) await forward();
    return answer;
  };
}

describe('a write answered with anything but a proven refusal is read back, and reported as what happened', () => {
  it.each<[string, string, Answer]>([
    ['an error in words hcr does not know', 'updateTenantEnv', graphqlError('the flux capacitor is recalibrating')],
    ['an error with an unknown code', 'updateTenantEnv', graphqlError('request could not be completed', 'unexpected')],
    ['a malformed answer (hash is a number)', 'updateTenantEnv', { status: 200, body: '{"data":{"updateTenantEnv":{"hash":42}}}' }],
    ['an answer with no data', 'updateTenantEnv', { status: 200, body: '{}' }],
    ['an answer that is not JSON', 'deleteTenantEnv', { status: 200, body: '<html>ok</html>', headers: { 'content-type': 'text/html' } }],
    ['an HTTP 400 without errors', 'deleteTenantEnv', { status: 400, body: 'bad request' }],
    ['an HTTP 404', 'deleteTenantEnv', { status: 404, body: '{}' }],
  ])('%s after the write landed: applied (exit 0), not conflict', async (_what, operation, answer) => {
    const { w, live } = await shopWorld();
    const proxy = await badProxy(w.t.emulator.url, lying(operation, answer, { land: true }));
    const r = await applyThrough(w, proxy.url, operation === 'updateTenantEnv' ? 'set-only.yaml' : 'shop.yaml');
    expect(r.report.projects[0]).toMatchObject({ outcome: 'applied', pending: [] });
    expect(r.code).toBe(0);
    expect(live()).toEqual(operation === 'updateTenantEnv' ? { ...APPLIED, OLD: 'old' } : APPLIED);
    // Settled by one read, never by sending the write again.
    expect(proxy.operations.filter((op) => op === operation)).toHaveLength(1);
    expect(proxy.operations[proxy.operations.indexOf(operation) + 1]).toBe('getTenantEnv');
  });

  it('an error in unknown words when the write did not land: failed, nothing written (exit 1), not conflict', async () => {
    const { w, live } = await shopWorld();
    const before = live();
    const proxy = await badProxy(w.t.emulator.url, lying('updateTenantEnv', graphqlError('quota of gizmos exceeded'), { land: false }));
    const r = await applyThrough(w, proxy.url);
    expect(r.report.projects[0]).toMatchObject({
      outcome: 'failed',
      set: [],
      removed: [],
      reason: 'updateTenantEnv failed: quota of gizmos exceeded',
    });
    expect(r.code).toBe(1);
    expect(live()).toEqual(before);
  });

  it('an error in unknown words while someone else wrote: unknown (exit 1), since hcr cannot prove what happened', async () => {
    const { w, tenantId } = await shopWorld();
    const proxy = await badProxy(w.t.emulator.url, (op, forward) => {
      if (op !== 'updateTenantEnv') return forward();
      w.store.updateEnv(tenantId, w.store.getEnv(tenantId).hash, { KEEP: 'console-edit' });
      return graphqlError('something went sideways');
    });
    const r = await applyThrough(w, proxy.url);
    expect(r.report.projects[0]).toMatchObject({ outcome: 'unknown' });
    expect(r.report.projects[0]!.reason).toContain('could not confirm whether its write landed');
    expect(r.code).toBe(1);
  });

  it('a stale hash the service names, proven by reading back: conflict (exit 3), nothing written', async () => {
    const { w, tenantId, live } = await shopWorld();
    const proxy = await badProxy(w.t.emulator.url, (op, forward) => {
      if (op === 'updateTenantEnv') w.store.updateEnv(tenantId, w.store.getEnv(tenantId).hash, { KEEP: 'console-edit' });
      return forward();
    });
    const r = await applyThrough(w, proxy.url);
    expect(r.report.projects[0]).toMatchObject({ outcome: 'conflict', set: [], removed: [] });
    expect(r.code).toBe(3);
    expect(live()).toEqual({ FEATURE: 'v1', OLD: 'old', KEEP: 'console-edit' });
  });

  it('a "stale hash" answer while the hash did not move is no proof: failed, nothing written (exit 1)', async () => {
    const { w } = await shopWorld();
    const proxy = await badProxy(w.t.emulator.url, lying('updateTenantEnv', graphqlError('currentHash is stale'), { land: false }));
    const r = await applyThrough(w, proxy.url);
    expect(r.report.projects[0]).toMatchObject({ outcome: 'failed', set: [] });
    expect(r.code).toBe(1);
  });

  it('a deletion answered malformed after it was made: deleted (exit 0)', async () => {
    const w = await reliabilityWorld();
    w.t.seed('gone-soon');
    w.writeInput('destroy.yaml', 'version: 1\nprojects:\n  gone-soon:\n    destroy: true\n');
    const proxy = await badProxy(
      w.t.emulator.url,
      lying('deleteTenant', { status: 200, body: '{"data":{"deleteTenant":{"status":false}}}' }, { land: true }),
    );
    const r = await w.hcr(['apply', '--auto-approve', '--allow-destroy', '-f', 'destroy.yaml'], {
      env: { HASURA_CLOUD_ENDPOINT: proxy.url },
    });
    expect(r.stdout).toContain('✓ gone-soon: deleted');
    expect(r.code).toBe(0);
    expect(w.store.findProjectByName('gone-soon')).toBeUndefined();
  });
});

describe('a saved plan applied after its project was renamed and its name reused', () => {
  async function planned() {
    const { w, tenantId, live } = await shopWorld();
    expect((await w.hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    w.store.renameTenant(tenantId, 'shop-old');
    return { w, tenantId, live };
  }

  it('is refused (exit 3): nothing is written to the old tenant nor to the new project of that name', async () => {
    const { w, live } = await planned();
    const newcomer = w.t.seed('shop', { FEATURE: 'v1', OLD: 'old' });
    const before = [live(), w.store.getEnv(newcomer.tenantId).env];
    const r = await w.hcr(['apply', 'plan.hcr']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('✗ shop: conflict');
    expect(r.stderr).toContain(
      '  shop: its tenant is project "shop-old" now: it was renamed since the plan, and the name "shop" now leads to another project',
    );
    expect([live(), w.store.getEnv(newcomer.tenantId).env]).toEqual(before);
    expect(r.stderr).toContain('plan.hcr is stale for shop:');
    expect(w.journal.byHcr()).toEqual([]);
  });

  it('is refused (exit 3) when the name was not reused either', async () => {
    const { w, live } = await planned();
    const before = live();
    const r = await w.hcr(['apply', 'plan.hcr']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('  shop: its tenant is project "shop-old" now: it was renamed since the plan\n');
    expect(live()).toEqual(before);
  });

  it('is refused (exit 3) when the project was deleted and created again under its name', async () => {
    const { w, tenantId } = await shopWorld();
    expect((await w.hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    w.store.deleteTenant(tenantId);
    const again = w.t.seed('shop', { FEATURE: 'v1', OLD: 'old' });
    const r = await w.hcr(['apply', 'plan.hcr']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('the project of this name has another tenant');
    expect(w.store.getEnv(again.tenantId).env).toMatchObject({ FEATURE: 'v1', OLD: 'old' });
  });

  it('a fresh apply whose project is renamed while it waits for "yes" is refused too', async () => {
    const { w, tenantId, live } = await shopWorld();
    const before = live();
    let asked = false;
    const typed = new Readable({
      read() {
        if (asked) return;
        asked = true;
        w.store.renameTenant(tenantId, 'shop-old');
        w.t.seed('shop');
        this.push('yes\n');
        this.push(null);
      },
    });
    const r = await w.hcr(['apply', '-f', 'shop.yaml', '--no-color'], { input: typed, tty: true });
    expect(asked).toBe(true);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('✗ shop: conflict');
    expect(r.stderr).toContain('Nothing was written to shop: changed since the plan read it. Plan again.');
    expect(r.stderr).toContain('  shop: its tenant is project "shop-old" now');
    expect(live()).toEqual(before);
  });

  it('is checked for every project in one request, not one per project', async () => {
    const w = await reliabilityWorld();
    const names = Array.from({ length: 30 }, (_, i) => `shop-${i}`);
    for (const name of names) w.t.seed(name, { FEATURE: 'v1' });
    w.writeDesired('many.yaml', Object.fromEntries(names.map((name) => [name, { env: { FEATURE: 'v2' } }])));
    expect((await w.hcr(['plan', '-f', 'many.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    w.store.renameTenant(w.store.findProjectByName('shop-7')!.tenantId, 'shop-seven');
    w.emulator.requests.length = 0;
    const r = await w.hcr(['apply', 'plan.hcr']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('Apply incomplete: 29 applied, 1 conflict.');
    // One request for all 30; a name not found is asked for once more (a service may cap an answer's rows).
    const operations = w.emulator.requests.map((q) => q.operationName);
    expect(operations.slice(0, 2)).toEqual(['findProjects', 'findProjects']);
    expect(operations.slice(2).filter((op) => op !== 'updateTenantEnv')).toEqual([]);
  });
});

describe('a saved plan applied again, after it landed', () => {
  it('says it was already applied and exits 0, writing nothing', async () => {
    const { w, live } = await shopWorld();
    expect((await w.hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    expect((await w.hcr(['apply', 'plan.hcr'])).code).toBe(0);
    const writes = w.journal.byHcr().length;
    const r = await w.hcr(['apply', 'plan.hcr']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('plan.hcr was already applied to shop: it already has every change the plan makes there');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/stale|conflict/);
    expect(w.journal.byHcr()).toHaveLength(writes);
    expect(live()).toEqual(APPLIED);
  });

  it('says so in JSON too: outcome unchanged, with the reason', async () => {
    const { w } = await shopWorld();
    expect((await w.hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    expect((await w.hcr(['apply', 'plan.hcr'])).code).toBe(0);
    const r = await w.hcr(['apply', 'plan.hcr', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ReportJson;
    expect(report.projects[0]).toMatchObject({ outcome: 'unchanged', reason: expect.stringMatching(/^already applied/) });
    expect(r.stderr).toContain('plan.hcr was already applied to shop');
  });

  it('is stale (exit 3), not "already applied", when part of its changes was undone since', async () => {
    const { w, tenantId, live } = await shopWorld();
    expect((await w.hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    expect((await w.hcr(['apply', 'plan.hcr'])).code).toBe(0);
    w.store.updateEnv(tenantId, w.store.getEnv(tenantId).hash, { OLD: 'back' });
    const r = await w.hcr(['apply', 'plan.hcr']);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain('already applied');
    expect(r.stderr).toContain('plan.hcr is stale for shop');
    expect(live()).toEqual({ ...APPLIED, OLD: 'back' });
  });

  it('counts a project made by the plan as already applied, and creates no second one', async () => {
    const w = await reliabilityWorld();
    w.writeDesired('create.yaml', { fresh: { create: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_free' }, env: { A: 'a' } } });
    expect((await w.hcr(['plan', '-f', 'create.yaml', '--out', 'create.hcr'])).code).toBe(0);
    expect((await w.hcr(['apply', 'create.hcr'])).code).toBe(0);
    const r = await w.hcr(['apply', 'create.hcr']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('create.hcr was already applied to fresh');
    expect(w.emulator.requests.filter((q) => q.operationName === 'createTenant')).toHaveLength(1);
  });
});

describe('a tenantId written in uppercase', () => {
  /** `shop` live, declared by its tenantId in capitals (as some consoles and tools print UUIDs). */
  async function upperWorld(project: Record<string, unknown>) {
    const w = await reliabilityWorld();
    const { tenantId } = w.t.seed('shop', { FEATURE: 'v1' });
    w.writeInput('shop.yaml', `version: 1\nprojects:\n  shop:\n    tenantId: ${tenantId.toUpperCase()}\n${yamlLines(project)}`);
    return { w, tenantId };
  }
  const yamlLines = (fields: Record<string, unknown>) =>
    Object.entries(fields)
      .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`)
      .join('');

  it('finds the project to destroy: the plan lists the deletion and apply makes it', async () => {
    const { w, tenantId } = await upperWorld({ destroy: true });
    const plan = await w.hcr(['plan', '-f', 'shop.yaml', '--allow-destroy', '--detailed-exitcode']);
    expect(plan.stderr).not.toContain('does not exist');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('shop');
    const r = await w.hcr(['apply', '-f', 'shop.yaml', '--allow-destroy', '--auto-approve']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ shop: deleted');
    expect(w.store.getTenant(tenantId)).toBeUndefined();
  });

  it('lets drift see the difference (exit 2), rather than "all is well"', async () => {
    const { w } = await upperWorld({ env: { FEATURE: 'v2' } });
    const r = await w.hcr(['drift', '-f', 'shop.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('FEATURE');
  });

  it('plans and applies through a saved plan, and is the same tenant as its lowercase spelling', async () => {
    const { w, tenantId } = await upperWorld({ env: { FEATURE: 'v2' } });
    expect((await w.hcr(['plan', '-f', 'shop.yaml', '--out', 'plan.hcr'])).code).toBe(0);
    const r = await w.hcr(['apply', 'plan.hcr']);
    expect(r.code).toBe(0);
    expect(w.store.getEnv(tenantId).env.FEATURE).toBe('v2');
    w.writeInput(
      'two.yaml',
      `version: 1\nprojects:\n  shop:\n    tenantId: ${tenantId.toUpperCase()}\n  shop-copy:\n    tenantId: ${tenantId}\n`,
    );
    const twice = await w.hcr(['validate', '-f', 'two.yaml']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('the same tenant as project shop');
  });
});

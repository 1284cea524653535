import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/emulator/index.js';
import { injected, SOLO, soloWorld, type Step } from './harness.js';

const APPLIED = { HASURA_GRAPHQL_ADMIN_SECRET: 'cloud-admin', FEATURE: 'v2', NEW_KEY: 'added', KEEP: 'keep' };

describe('a write whose answer is lost', () => {
  it.each([
    ['updateTenantEnv', 'solo-set-only.yaml'],
    ['deleteTenantEnv', 'solo.yaml'],
  ])('%s landed: reading back confirms it, it counts as applied, and it is never sent twice', async (operation, file) => {
    const s = await soloWorld({ [operation]: ['lost-answer'] });
    const r = await s.apply(file);
    expect(r.code, r.stdout).toBe(0);
    expect(r.project).toMatchObject({ outcome: 'applied', pending: [] });
    expect(injected(s.w.emulator.requests)).toEqual([`${operation}:lost-answer`]);
    const ops = s.operations();
    expect(ops[ops.indexOf(operation) + 1]).toBe('getTenantEnv');
    expect(ops.filter((op) => op === operation)).toHaveLength(1);
    expect(s.live()).toMatchObject({ FEATURE: 'v2', NEW_KEY: 'added', KEEP: 'keep' });
  });

  it('landed but the project changed before hcr read it back: the delete is not sent on a hash nobody reviewed', async () => {
    const script: Record<string, Step[]> = { updateTenantEnv: ['lost-answer'] };
    const s = await soloWorld(script);
    // After hcr's update landed and before it reads back, someone decides OLD_FLAG is still needed.
    script.getTenantEnv = ['ok', { step: 'ok', before: s.edit({ OLD_FLAG: 'still-needed' }) }];
    const r = await s.apply();
    expect(r.code).toBe(1);
    expect(r.project).toMatchObject({ outcome: 'failed', set: ['FEATURE', 'NEW_KEY'], removed: [], pending: ['OLD_FLAG'] });
    expect(r.project.reason).toMatch(
      /^updateTenantEnv failed: .*connection closed.*; reading back showed it landed, but not whether the project changed after it/,
    );
    expect(r.project.reason).not.toMatch(/may or may not/);
    expect(s.live().OLD_FLAG).toBe('still-needed');
    expect(s.operations()).not.toContain('deleteTenantEnv');
    // Their edit is shown for review instead of being silently deleted.
    expect(await s.plan()).toEqual([{ key: 'OLD_FLAG', action: 'remove', sensitive: false, before: 'still-needed' }]);
  });
});

describe('a write that failed without landing', () => {
  it.each<Fault>(['server-error', 'http-502', 'http-503', 'dropped'])(
    '(%s) is sent once more with the same hash, and applies',
    async (fault) => {
      const s = await soloWorld({ updateTenantEnv: [fault] });
      const r = await s.apply();
      expect(r.code, r.stdout).toBe(0);
      expect(r.project).toMatchObject({ outcome: 'applied', set: ['FEATURE', 'NEW_KEY'], removed: ['OLD_FLAG'] });
      expect(injected(s.w.emulator.requests)).toEqual([`updateTenantEnv:${fault}`]);
      expect(s.operations()).toEqual([
        'findProjectsByName',
        'getTenantEnv',
        // Before writing: the name still leads to the tenant the plan read.
        'findProjects',
        'updateTenantEnv',
        'getTenantEnv',
        'updateTenantEnv',
        'deleteTenantEnv',
      ]);
      const updates = s.w.journal.byHcr().filter((e) => e.operation === 'updateEnv');
      expect(updates.map((e) => e.currentHash)).toEqual([s.seededHash]);
      expect(s.live()).toEqual(APPLIED);
    },
  );

  it('twice: failed, exit 1, nothing written, and the next plan shows every change still to do', async () => {
    const s = await soloWorld({ updateTenantEnv: ['http-503', 'server-error'] });
    const r = await s.apply();
    expect(r.code).toBe(1);
    expect(r.project).toMatchObject({ outcome: 'failed', set: [], removed: [], pending: ['FEATURE', 'NEW_KEY', 'OLD_FLAG'] });
    // Reading back settled the doubt a failed write casts: the reason must not keep it.
    expect(r.project.reason).toMatch(
      /^updateTenantEnv failed: there was an internal error while serving your request \(twice; nothing was written\)$/,
    );
    expect(s.w.journal.byHcr()).toEqual([]);
    expect(s.live()).toEqual(SOLO);
    expect(await s.plan()).toEqual([
      { key: 'FEATURE', action: 'change', sensitive: false, before: 'v1', after: 'v2' },
      { key: 'NEW_KEY', action: 'add', sensitive: true }, // named like a secret: hidden
      { key: 'OLD_FLAG', action: 'remove', sensitive: false, before: 'old' },
    ]);
  });
});

describe('a write hcr cannot confirm: unknown, exit 1, and the next plan shows the truth', () => {
  it('when the answer is lost and reading back fails too', async () => {
    const s = await soloWorld({ updateTenantEnv: ['lost-answer'], getTenantEnv: ['ok', 'http-503'] });
    const r = await s.apply('solo.yaml', '--retries', '0');
    expect(r.code).toBe(1);
    expect(r.project).toMatchObject({ outcome: 'unknown', set: [], pending: ['FEATURE', 'NEW_KEY', 'OLD_FLAG'] });
    expect(r.project.reason).toMatch(/reading the project back failed too/);
    // It had landed: the plan now asks only for the delete.
    expect(await s.plan()).toEqual([{ key: 'OLD_FLAG', action: 'remove', sensitive: false, before: 'old' }]);
  });

  it('when the write failed and someone else wrote before hcr read back', async () => {
    const script: Record<string, Step[]> = { updateTenantEnv: ['server-error'] };
    const s = await soloWorld(script);
    script.getTenantEnv = ['ok', { step: 'ok', before: s.edit({ FEATURE: 'hotfix' }) }];
    const r = await s.apply();
    expect(r.code).toBe(1);
    expect(r.project).toMatchObject({ outcome: 'unknown', set: [], removed: [] });
    expect(r.project.reason).toMatch(/changed meanwhile/);
    expect(s.operations().filter((op) => op === 'updateTenantEnv')).toHaveLength(1);
    expect(s.live().FEATURE).toBe('hotfix');
    expect(await s.plan()).toEqual([
      { key: 'FEATURE', action: 'change', sensitive: false, before: 'hotfix', after: 'v2' },
      { key: 'NEW_KEY', action: 'add', sensitive: true }, // named like a secret: hidden
      { key: 'OLD_FLAG', action: 'remove', sensitive: false, before: 'old' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { world } from './setup.js';

const PINNED = '7a79cf94-0e53-4520-a560-1b02bf522f08';
const OTHER = '0c6a3f1e-5b7d-4e2a-9f80-2d1c4b6a8e01';

describe('a project pinned by tenantId', () => {
  it('is found by its tenant, whatever the case of the id, and applied', async () => {
    const { t, hcr } = await world();
    t.seed('shop-prod', { FEATURE: 'v1' }, { tenantId: PINNED });
    const plan = await hcr(['plan', '-f', 'pinned.yaml']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/~ FEATURE\s+"v1" -> "v2"/);
    expect(t.emulator.requests.map((r) => r.operationName)).toContain('findProjects');
    expect((await hcr(['apply', '-f', 'pinned.yaml', '--auto-approve'])).code).toBe(0);
    expect(t.emulator.store.getEnv(PINNED).env.FEATURE).toBe('v2');
  });

  it('whose tenant no project has is an error at its place, even beside a project of its name, and nothing is written', async () => {
    const { t, hcr, mutations } = await world();
    // shop-prod deleted and made again: the same name, another tenant, perhaps other data.
    t.seed('shop-prod', { FEATURE: 'v1' }, { tenantId: OTHER });
    for (const command of [['plan'], ['apply', '--auto-approve'], ['drift']]) {
      const r = await hcr([...command, '-f', 'pinned.yaml']);
      expect(r.code, command[0]).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`pinned.yaml:4:3: project "shop-prod": no project has tenantId ${PINNED}`);
    }
    expect(mutations()).toEqual([]);
    expect(t.emulator.store.getEnv(OTHER).env.FEATURE).toBe('v1');
  });

  it('whose tenant belongs to a project of another name is an error naming that project, and nothing is written', async () => {
    const { t, hcr, mutations } = await world();
    // Renamed since the file was written, and a new project took the name.
    t.seed('shop-old', { FEATURE: 'v1' }, { tenantId: PINNED });
    t.seed('shop-prod', { FEATURE: 'v1' }, { tenantId: OTHER });
    const r = await hcr(['apply', '-f', 'pinned.yaml', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `pinned.yaml:4:3: project "shop-prod": tenantId ${PINNED} belongs to project "shop-old"; fix the name or the tenantId`,
    );
    expect(mutations()).toEqual([]);
    expect([t.emulator.store.getEnv(PINNED).env.FEATURE, t.emulator.store.getEnv(OTHER).env.FEATURE]).toEqual(['v1', 'v1']);
  });
});

import { describe, expect, it } from 'vitest';
import { sameApproval, type PlannedProject } from '../../src/plan/approval.js';
import type { KeyChange } from '../../src/plan/types.js';

const planned = (env: KeyChange[], live: Record<string, string>): PlannedProject => ({
  plan: { name: 'shop', tenantId: 't', hash: 'h', action: 'update', env, unmanaged: 0 },
  live: { tenantId: 't', hash: 'h', env: live },
});
const setA: KeyChange = { key: 'A', action: 'change', sensitive: false, before: '1', after: '2' };
const secret: KeyChange = { key: 'S', action: 'change', sensitive: true, source: { fromEnv: 'S_VAR' } };

describe('sameApproval()', () => {
  it('allows the same changes when only other keys moved', () => {
    expect(
      sameApproval(planned([setA, secret], { A: '1', S: 'x', B: 'b' }), planned([setA, secret], { A: '1', S: 'x', B: 'edited', C: 'new' })),
    ).toBe(true);
  });

  it('refuses when a key the approval changes moved, even to a value the plan still changes the same way', () => {
    expect(sameApproval(planned([setA], { A: '1' }), planned([{ ...setA, before: '9' }], { A: '9' }))).toBe(false);
    expect(sameApproval(planned([secret], { S: 'x' }), planned([secret], { S: 'rotated' }))).toBe(false);
  });

  it('refuses different changes: another value, another source, one more removal', () => {
    expect(sameApproval(planned([setA], { A: '1' }), planned([{ ...setA, after: '3' }], { A: '1' }))).toBe(false);
    expect(sameApproval(planned([secret], { S: 'x' }), planned([{ ...secret, source: { fromEnv: 'OTHER' } }], { S: 'x' }))).toBe(false);
    const prune: KeyChange = { key: 'NEW', action: 'remove', sensitive: false, before: 'n' };
    expect(sameApproval(planned([setA], { A: '1' }), planned([setA, prune], { A: '1', NEW: 'n' }))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { diffEnv } from '../../src/plan/diff.js';

describe('diffEnv', () => {
  it('lists what is added, changed and removed, sorted by key, and nothing that is equal', () => {
    const before = { B: 'same', C: 'old', E: 'gone', A_: 'x' };
    const after = { D: 'new', C: 'changed', B: 'same', A_: 'x', A: '' };
    expect(diffEnv(before, after)).toEqual([
      { key: 'A', action: 'add', after: '' },
      { key: 'C', action: 'change', before: 'old', after: 'changed' },
      { key: 'D', action: 'add', after: 'new' },
      { key: 'E', action: 'remove', before: 'gone' },
    ]);
  });

  it("takes keys that are Object.prototype's names, and maps without a prototype, as plain keys", () => {
    const before: Record<string, string> = Object.assign(Object.create(null), { constructor: 'c', toString: 't' });
    const after: Record<string, string> = { constructor: 'c', hasOwnProperty: 'h' };
    expect(diffEnv(before, after)).toEqual([
      { key: 'hasOwnProperty', action: 'add', after: 'h' },
      { key: 'toString', action: 'remove', before: 't' },
    ]);
  });

  it('is empty for equal maps', () => {
    expect(diffEnv({ A: '1' }, { A: '1' })).toEqual([]);
  });
});

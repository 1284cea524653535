import { describe, expect, it } from 'vitest';
import { displayName, formatValue, quote } from '../../src/render/format.js';
import { plural } from '../../src/util/words.js';

describe('formatValue', () => {
  it('quotes a short value so whitespace and newlines show', () => {
    expect(formatValue(' a\tb\n', 72)).toBe('" a\\tb\\n"');
  });

  it('shortens a long value in the middle and says how much it left out', () => {
    const value = `${'a'.repeat(50)}${'x'.repeat(1000)}${'z'.repeat(30)}`;
    expect(formatValue(value, 72)).toBe(`"${'a'.repeat(48)}…${'z'.repeat(24)}" (1008 chars elided)`);
  });

  it('keeps a value exactly as long as the width whole', () => {
    expect(formatValue('v'.repeat(72), 72)).toBe(`"${'v'.repeat(72)}"`);
  });

  it('never cuts a character in half', () => {
    const value = `${'a'.repeat(47)}😀${'b'.repeat(100)}😀${'c'.repeat(23)}`;
    const out = formatValue(value, 72);
    expect(out).not.toMatch(/\\ud8/);
    expect(out).toBe(`"${'a'.repeat(47)}…${'c'.repeat(23)}" (102 chars elided)`);
  });
});

describe('quote and displayName', () => {
  it('escape invisible and direction-changing characters', () => {
    expect(quote('a\u200bb\u202ec\u0085')).toBe('"a\\u200bb\\u202ec\\u0085"');
  });

  it('leave a plain name alone and quote an odd one', () => {
    expect(displayName('HASURA_GRAPHQL_ADMIN_SECRET')).toBe('HASURA_GRAPHQL_ADMIN_SECRET');
    expect(displayName('two words')).toBe('"two words"');
    expect(displayName('')).toBe('""');
  });
});

it('plural', () => {
  expect(plural(1, 'project')).toBe('1 project');
  expect(plural(0, 'project')).toBe('0 projects');
  expect(plural(2, 'key')).toBe('2 keys');
});

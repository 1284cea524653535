import { describe, expect, it } from 'vitest';
import { didYouMean, quoteList } from '../../src/util/words.js';

const FIELDS = ['tenantId', 'create', 'prune', 'ignore', 'remove', 'env'];

describe('didYouMean', () => {
  it.each([
    ['enviroment', 'env'],
    ['environment', 'env'],
    ['Env', 'env'],
    ['prun', 'prune'],
    ['prnue', 'prune'],
    ['tenant_id', 'tenantId'],
    ['tenant', 'tenantId'],
    ['ignored', 'ignore'],
    ['remvoe', 'remove'],
    ['creat', 'create'],
  ])('reads %j as %j', (input, known) => {
    expect(didYouMean(input, FIELDS)).toBe(known);
  });

  it.each(['name', 'id', 'x', 'settings', 'variables'])('has no guess for %j', (input) => {
    expect(didYouMean(input, FIELDS)).toBeUndefined();
  });

  it('finds an enum value from part of it', () => {
    expect(didYouMean('payg', ['cloud_free', 'cloud_payg'])).toBe('cloud_payg');
  });
});

describe('quoteList', () => {
  it.each([
    [[], ''],
    [['a'], '"a"'],
    [['a', 'b'], '"a" or "b"'],
    [['a', 'b', 'c'], '"a", "b" or "c"'],
  ])('quotes %j', (items, text) => {
    expect(quoteList(items)).toBe(text);
  });
});

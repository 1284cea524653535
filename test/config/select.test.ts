import { describe, expect, it } from 'vitest';
import { parseShard, selectProjects, shardOf } from '../../src/config/select.js';
import { UserError } from '../../src/errors.js';

const NAMES = Array.from({ length: 200 }, (_, i) => `project-${i.toString(36)}-${(i * 7919) % 1000}`);

describe('parseShard', () => {
  it.each([
    ['1/1', { index: 1, count: 1 }],
    ['2/3', { index: 2, count: 3 }],
    [' 3 / 3 ', { index: 3, count: 3 }],
    ['07/12', { index: 7, count: 12 }],
  ])('reads %j', (text, shard) => {
    expect(parseShard(text)).toEqual(shard);
  });

  it.each([
    ['', 'expected K/N'],
    ['2', 'expected K/N'],
    ['1/3/5', 'expected K/N'],
    ['a/b', 'expected K/N'],
    ['-1/3', 'expected K/N'],
    ['1.5/3', 'expected K/N'],
    ['0/3', 'between 1 and 3'],
    ['4/3', 'between 1 and 3'],
    ['1/0', 'at least 1'],
    ['99999999999999999999/99999999999999999999', 'at least 1'],
  ])('refuses %j as a user error', (text, message) => {
    expect(() => parseShard(text)).toThrow(UserError);
    expect(() => parseShard(text)).toThrow(message);
  });
});

describe('shardOf', () => {
  it('is a fixed function of the name: the same on every run and machine (sha256, first 4 bytes, mod N)', () => {
    expect(['shop-prod', 'shop-staging', 'blog-prod', 'a'].map((n) => shardOf(n, 5))).toEqual([5, 3, 5, 1]);
  });

  it('keeps a project in its shard whichever other projects exist', () => {
    for (let count = 1; count <= 7; count++) {
      const alone = NAMES.map((name) => selectProjects([name], [], { index: shardOf(name, count), count }).selected);
      expect(alone).toEqual(NAMES.map((name) => [name]));
    }
  });

  it('splits the selected projects into N disjoint shards that cover them all, for N = 1..7', () => {
    for (let count = 1; count <= 7; count++) {
      const shards = Array.from({ length: count }, (_, i) => selectProjects(NAMES, [], { index: i + 1, count }).selected);
      expect(shards.flat().sort()).toEqual([...NAMES].sort());
      expect(new Set(shards.flat()).size).toBe(NAMES.length);
      if (count > 1) for (const shard of shards) expect(shard.length).toBeGreaterThan(NAMES.length / count / 2);
    }
  });
});

describe('selectProjects', () => {
  const names = ['blog-prod', 'shop-dev', 'shop-prod', 'shop-staging'];

  it('selects everything without patterns', () => {
    expect(selectProjects(names)).toEqual({ selected: names, unmatched: [] });
  });

  it('selects the names matching any glob, in their order, and names the globs that match none', () => {
    expect(selectProjects(names, ['shop-{dev,staging}', 'blog-*', 'wiki-*', 'Shop-prod'])).toEqual({
      selected: ['blog-prod', 'shop-dev', 'shop-staging'],
      unmatched: ['wiki-*', 'Shop-prod'],
    });
  });

  it('shards only the selected projects', () => {
    const selected = ['shop-dev', 'shop-prod', 'shop-staging'];
    const shards = [1, 2].map((index) => selectProjects(names, ['shop-*'], { index, count: 2 }).selected);
    expect(shards.flat().sort()).toEqual(selected);
  });
});

import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { globMatcher } from './glob.js';

/** One of `count` disjoint parts of the selected projects; `index` is 1-based, as in `--shard 2/3`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `K/N` (1 ≤ K ≤ N). */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new UserError(`--shard ${JSON.stringify(text)}: expected K/N, e.g. --shard 1/3 for the first of three shards`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new UserError(`--shard ${text}: the number of shards N must be at least 1`);
  if (!Number.isSafeInteger(index) || index < 1 || index > count) {
    throw new UserError(`--shard ${text}: the shard K must be between 1 and ${count}`);
  }
  return { index, count };
}

/**
 * The shard (1-based) a project belongs to among `count`: from a hash of its name alone, so it is
 * the same on every run and does not move when other projects come or go.
 */
export function shardOf(name: string, count: number): number {
  return (createHash('sha256').update(name).digest().readUInt32BE(0) % count) + 1;
}

export interface Selection {
  /** The selected names, in the order given. */
  selected: string[];
  /** Patterns that matched no name. */
  unmatched: string[];
}

/**
 * The names matching any of `patterns` (all when none are given), then only those in `shard`. The
 * patterns are valid globs (globProblem): the command line checks `--project` as it reads it.
 */
export function selectProjects(names: readonly string[], patterns: readonly string[] = [], shard?: Shard): Selection {
  const matchers = patterns.map((pattern) => ({ pattern, matches: globMatcher([pattern]) }));
  const unmatched = matchers.filter((m) => !names.some((name) => m.matches(name))).map((m) => m.pattern);
  const selected = names.filter(
    (name) => (matchers.length === 0 || matchers.some((m) => m.matches(name))) && (!shard || shardOf(name, shard.count) === shard.index),
  );
  return { selected, unmatched };
}

export interface EnvDiff {
  key: string;
  action: 'add' | 'change' | 'remove';
  before?: string;
  after?: string;
}

/**
 * The difference between two flat env maps, as hcr's own change types, sorted by key. `before` is
 * what hcr manages of the live env, `after` what it should be. Two loops over the keys: deep-diff,
 * which did this before, walked the maps as trees and took a tenth of a 1000-project plan.
 */
export function diffEnv(before: Record<string, string>, after: Record<string, string>): EnvDiff[] {
  const changes: EnvDiff[] = [];
  for (const [key, value] of Object.entries(after)) {
    if (!Object.hasOwn(before, key)) changes.push({ key, action: 'add', after: value });
    else if (before[key] !== value) changes.push({ key, action: 'change', before: before[key], after: value });
  }
  for (const [key, value] of Object.entries(before)) {
    if (!Object.hasOwn(after, key)) changes.push({ key, action: 'remove', before: value });
  }
  return changes.sort((a, b) => compareKeys(a.key, b.key));
}

/** Code-point order: deterministic across locales, unlike localeCompare. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import deepDiff from 'deep-diff';

export interface EnvDiff {
  key: string;
  action: 'add' | 'change' | 'remove';
  before?: string;
  after?: string;
}

/**
 * The one place deep-diff is used: the difference between two flat env maps, as hcr's own change
 * types, sorted by key. `before` is what hcr manages of the live env, `after` what it should be.
 */
export function diffEnv(before: Record<string, string>, after: Record<string, string>): EnvDiff[] {
  const changes = (deepDiff.diff(before, after) ?? []).map((d): EnvDiff => {
    const key = String(d.path?.[0]);
    switch (d.kind) {
      case 'N':
        return { key, action: 'add', after: String(d.rhs) };
      case 'E':
        return { key, action: 'change', before: String(d.lhs), after: String(d.rhs) };
      case 'D':
        return { key, action: 'remove', before: String(d.lhs) };
      default:
        throw new Error(`unexpected array difference at ${key}: env maps hold only strings`);
    }
  });
  return changes.sort((a, b) => compareKeys(a.key, b.key));
}

/** Code-point order: deterministic across locales, unlike localeCompare. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

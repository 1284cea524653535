/** `1 project`, `2 projects`; pass `many` for an irregular plural (`1 entry`, `2 entries`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `A glob` → `a glob`, leaving `UUID` alone. */
export function lowerFirst(s: string): string {
  return /^[A-Z][a-z ]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/** `"a", "b" or "c"` */
export function quoteList(items: readonly string[], conjunction = 'or'): string {
  const quoted = items.map((s) => JSON.stringify(s));
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}

/**
 * The known name a misspelled one most likely means: the same ignoring case, `_` and `-`
 * (`tenant_id`), one containing the other (`enviroment` → `env`, `payg` → `cloud_payg`), or a few
 * edits away (`prun` → `prune`).
 */
export function didYouMean(input: string, known: readonly string[]): string | undefined {
  const normal = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const wanted = normal(input);
  let best: { name: string; score: number } | undefined;
  for (const name of known) {
    const candidate = normal(name);
    const edits = Math.max(candidate.length, wanted.length) <= 4 ? 1 : 2;
    const score =
      candidate === wanted
        ? 0
        : Math.min(candidate.length, wanted.length) >= 3 &&
            (candidate.startsWith(wanted) || wanted.startsWith(candidate) || candidate.includes(wanted))
          ? 1
          : Math.abs(candidate.length - wanted.length) <= edits && editDistance(candidate, wanted) <= edits
            ? 2
            : undefined;
    if (score !== undefined && (!best || score < best.score)) best = { name, score };
  }
  return best?.name;
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment), in three rolling rows. */
function editDistance(a: string, b: string): number {
  let before = new Int32Array(b.length + 1);
  let previous = Int32Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      current[j] = v;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

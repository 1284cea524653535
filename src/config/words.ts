/** `A glob` → `a glob`, leaving `UUID` alone. */
export function lowerFirst(s: string): string {
  return /^[A-Z][a-z ]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

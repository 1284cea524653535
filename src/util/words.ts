/** `1 project`, `2 projects`; pass `many` for an irregular plural (`1 entry`, `2 entries`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

import { expect } from 'vitest';

/**
 * Fails unless every one of `parts` occurs in `text`, each after the previous one. (An
 * `indexOf(a) < indexOf(b)` check passes when `a` is missing.)
 */
export function expectInOrder(text: string, parts: readonly string[]): void {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    expect(at, `${JSON.stringify(part)} after ${JSON.stringify(text.slice(Math.max(0, from - 40), from))}`).toBeGreaterThanOrEqual(0);
    from = at + part.length;
  }
}

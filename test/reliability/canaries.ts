import { readFileSync } from 'node:fs';

/**
 * Distinctive secret values planted in desired state, in the environment and in live projects. No
 * output of hcr may contain one: not stdout, not stderr, not a file it wrote.
 */
export class Canaries {
  readonly #values = new Set<string>();

  /** Registers the values and returns the first, for planting. */
  add(...values: string[]): string {
    for (const value of values) this.#values.add(value);
    return values[0]!;
  }

  /** A fresh canary, e.g. `canary-admin-3f9a1c`: random, so that no fixture text matches it by chance. */
  make(label: string): string {
    return this.add(`canary-${label}-${Math.random().toString(16).slice(2, 10)}`);
  }

  expectNoneIn(where: string, text: string): void {
    for (const value of this.#values) {
      if (text.includes(value)) throw new Error(`canary ${value} leaked into ${where}:\n${text}`);
    }
  }

  /** Checks a run's stdout and stderr, and every file hcr wrote. */
  expectNoneLeaked(run: { stdout: string; stderr: string }, files: readonly string[] = []): void {
    this.expectNoneIn('stdout', run.stdout);
    this.expectNoneIn('stderr', run.stderr);
    for (const file of files) this.expectNoneIn(file, readFileSync(file, 'utf8'));
  }
}

import picomatch from 'picomatch';
import { lowerFirst } from './words.js';

/** Unbalanced brackets are errors, not literal characters: `[A-` is a typo, not a name. */
const OPTIONS = { strictBrackets: true } as const;

/**
 * Matchers by their globs: most projects share their `ignore` globs through defaults, and
 * compiling the same globs again for each of a thousand projects took over 100 ms.
 */
const compiled = new Map<string, (name: string) => boolean>();

/**
 * Whether a name (an env key, a project name) matches any of `globs`: picomatch syntax,
 * case-sensitive, as `ignore` and `--project` mean it. The globs must be valid (see globProblem).
 */
export function globMatcher(globs: readonly string[]): (name: string) => boolean {
  if (globs.length === 0) return () => false;
  const key = JSON.stringify(globs);
  let matcher = compiled.get(key);
  if (!matcher) {
    matcher = picomatch([...globs], OPTIONS);
    compiled.set(key, matcher);
  }
  return matcher;
}

/** Why `glob` is not a valid glob, if it is not (`missing closing "]"`). */
export function globProblem(glob: string): string | undefined {
  try {
    picomatch.makeRe(glob, OPTIONS);
    return undefined;
  } catch (err) {
    return lowerFirst((err as Error).message.replace(/ - use .*$/, '').replace(/: "/, ' "'));
  }
}

import picomatch from 'picomatch';
import { lowerFirst } from './words.js';

/** Unbalanced brackets are errors, not literal characters: `[A-` is a typo, not a name. */
const OPTIONS = { strictBrackets: true } as const;

/**
 * Whether a name (an env key, a project name) matches any of `globs`: picomatch syntax,
 * case-sensitive, as `ignore` and `--project` mean it. The globs must be valid (see globProblem).
 */
export function globMatcher(globs: readonly string[]): (name: string) => boolean {
  return globs.length === 0 ? () => false : picomatch([...globs], OPTIONS);
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

import picomatch from 'picomatch';
import { lowerFirst } from './words.js';

/** Unbalanced brackets are errors, not literal characters: `[A-` is a typo, not a key. */
const OPTIONS = { strictBrackets: true } as const;

/** Whether a key is ignored by any of `globs` (picomatch syntax, case-sensitive). The globs must be valid. */
export function ignoreMatcher(globs: readonly string[]): (key: string) => boolean {
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

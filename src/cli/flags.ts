/**
 * Checks of flag values, each made for an option's `coerce`: yargs runs it while it reads the
 * command line, and what it throws ends the run there, before anything else runs (main reports
 * it as a usage error). A flag given twice never gets here: main refuses it first.
 */
import { globProblem } from '../config/glob.js';
import { UserError } from '../errors.js';

/** A flag's value as a whole number of at least `min` (and at most `max`, when given). */
export function wholeNumber(flag: string, min: number, max?: number): (value: number) => number {
  return (value) => {
    if (!(Number.isInteger(value) && value >= min && (max === undefined || value <= max))) {
      throw new UserError(
        `${flag} must be a whole number ${max === undefined ? `of ${min} or more` : `from ${min} to ${max}`}, not ${value}`,
        'usage',
      );
    }
    return value;
  };
}

/** A flag that names a pull or merge request (`what`): a whole number of 1 or more. */
export function requestNumber(flag: string, what: string): (value: number) => number {
  return (value) => {
    if (!(Number.isInteger(value) && value >= 1)) throw new UserError(`${flag} must be ${what} (1 or more), not ${value}`, 'usage');
    return value;
  };
}

/**
 * Node's timers wait at most 2^31 - 1 ms (24.8 days); a longer wait fires at once, so no flag of
 * seconds may ask for one.
 */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A flag's value as a number of seconds above 0 and at most `max`. */
export function seconds(flag: string, max = MAX_TIMER_SECONDS): (value: number) => number {
  return (value) => {
    if (!(Number.isFinite(value) && value > 0 && value <= max)) {
      throw new UserError(`${flag} must be a number of seconds above 0 and at most ${max}, not ${value}`, 'usage');
    }
    return value;
  };
}

/** A flag whose value may not be empty or blank. */
export function nonEmpty(flag: string): (value: string) => string {
  return (value) => {
    if (value.trim() === '') throw new UserError(`${flag} must not be empty`, 'usage');
    return value;
  };
}

/** A repeatable flag of globs (over project names, or keys): each must be one hcr can match by. */
export function globs(flag: string, what: string): (patterns: string[]) => string[] {
  return (patterns) => {
    for (const pattern of patterns) {
      const problem = globProblem(pattern);
      if (problem) throw new UserError(`${flag} ${JSON.stringify(pattern)} is not a valid ${what}: ${problem}`, 'usage');
    }
    return patterns;
  };
}

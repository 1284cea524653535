import { UserError } from '../errors.js';

/** A flag's value as a whole number of at least `min` (and at most `max`, when given). */
export function wholeNumber(flag: string, value: number, min: number, max?: number): number {
  if (!(Number.isInteger(value) && value >= min && (max === undefined || value <= max))) {
    throw new UserError(
      `${flag} must be a whole number ${max === undefined ? `of ${min} or more` : `from ${min} to ${max}`}, not ${value}`,
    );
  }
  return value;
}

/**
 * Node's timers wait at most 2^31 - 1 ms (24.8 days); a longer wait fires at once, so no flag of
 * seconds may ask for one.
 */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A flag's value as a number of seconds above 0 and at most `max`. */
export function seconds(flag: string, value: number, max = MAX_TIMER_SECONDS): number {
  if (!(Number.isFinite(value) && value > 0 && value <= max)) {
    throw new UserError(`${flag} must be a number of seconds above 0 and at most ${max}, not ${value}`);
  }
  return value;
}

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

/** A flag's value as a number of seconds above 0. */
export function seconds(flag: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new UserError(`${flag} must be a number of seconds above 0, not ${value}`);
  return value;
}

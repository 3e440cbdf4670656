// Option checks shared by the commands: one rule and one message for every whole-number option
// (`--n must be an integer from 1 to 1024, got 0`). yargs parses; this says what it cannot.
// Imports runtime/errors only.
import { UserError } from '../runtime/errors';

/**
 * Refuses `value` of `--name` unless it is an integer within [min, max] (max optional); an
 * undefined value (an option not given) passes.
 */
export function checkInteger(name: string, value: number | undefined, min: number, max?: number): void {
  if (value === undefined || (Number.isInteger(value) && value >= min && (max === undefined || value <= max))) return;
  const range = max !== undefined ? `from ${min} to ${max}` : min === 1 ? '' : `of at least ${min}`;
  const what = range === '' ? 'a positive integer' : `an integer ${range}`;
  throw new UserError(`--${name} must be ${what}, got ${value}`);
}

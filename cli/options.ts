// Option checks shared by the commands: one rule and one message for every whole-number option
// (`--n must be an integer from 1 to 1024, got 0`). yargs parses; this says what it cannot. Also
// the one `--weights` option of the commands that draw samples (gan-sample, gan-eval, gan-export).
// Imports runtime/errors and runtime/loop/ema's types only.
import { UserError } from '../runtime/errors';
import type { WeightsChoice } from '../runtime/loop/ema';

/** `--weights`, for yargs: which weights draw the samples where the spec declares EMA copies. */
export const WEIGHTS_OPTION = {
  choices: ['ema', 'raw', 'spec'] as WeightsChoice[],
  default: 'ema' as WeightsChoice,
  describe: "with EMA copies in the spec: ema draws each averaged network with its EMA copy (G(z) with G_ema), raw with its trained weights (G_ema(z) with G), spec each band as the preview writes it",
} as const;

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

// Option checks shared by the commands: one rule and one message for every whole-number option
// (`--n must be an integer from 1 to 1024, got 0`). yargs parses; this says what it cannot. Also
// the one `--weights` option of the commands that draw samples (gan-sample, gan-eval, gan-export),
// `--seed`, an `--out` file's extension, and the one line every command gives a usage mistake.
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

/** Refuses a `--seed` that is not a whole number (any safe integer, negative ones too), before anything runs. */
export function checkSeed(value: number): void {
  if (!Number.isSafeInteger(value)) throw new UserError(`--seed must be an integer, got ${value}`);
}

/**
 * Refuses an `--out` file whose name does not end in one of `extensions` (any case): a grid
 * written as `grid.jpg` would be a PNG under a JPEG's name. An option not given passes.
 */
export function checkOutExtension(file: string | undefined, extensions: readonly string[], what: string): void {
  if (file === undefined || extensions.some((e) => file.toLowerCase().endsWith(e))) return;
  throw new UserError(`--out is ${what}: give it a name ending in ${extensions.join(' or ')}, got ${file}`);
}

/**
 * yargs' `fail` for every command: a usage mistake (an unknown option, a missing value, a choice
 * not offered) is one line, `gan-train: Unknown argument: stpes (gan-train --help lists the
 * options)`, instead of the whole help with the mistake under it; an error thrown while parsing
 * goes on as it is.
 */
export function usageError(command: string): (msg: string | null | undefined, err: unknown) => never {
  return (msg, err) => {
    // yargs' own errors are usage mistakes too, and so is a .check() that failed (it passes its message as `err`).
    if (err instanceof Error && err.name !== 'YError') throw err;
    const text = (msg ?? 'bad usage').replace(/\s*\n\s*/g, ' ');
    throw new UserError(`${text} (${command} --help lists the options)`);
  };
}

// The commands' whole-number options: one rule and one message (cli/options.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkInteger } from '../cli/options';
import { UserError } from '../runtime/errors';

const CASES: { name: string; given: [number | undefined, number, number?]; want: string | undefined }[] = [
  { name: 'an option not given passes', given: [undefined, 1], want: undefined },
  { name: 'the bounds themselves pass', given: [16, 1, 16], want: undefined },
  { name: 'zero where a count must be positive', given: [0, 1], want: '--x must be a positive integer, got 0' },
  { name: 'a fraction', given: [2.5, 1], want: '--x must be a positive integer, got 2.5' },
  { name: 'NaN (yargs reads a word as NaN)', given: [NaN, 0], want: '--x must be an integer of at least 0, got NaN' },
  { name: 'below a minimum other than 1', given: [1, 2], want: '--x must be an integer of at least 2, got 1' },
  { name: 'above a maximum', given: [1e9, 2, 100000], want: '--x must be an integer from 2 to 100000, got 1000000000' },
];

for (const c of CASES) {
  test(`checkInteger: ${c.name}`, () => {
    const run = () => checkInteger('x', ...c.given);
    if (c.want === undefined) assert.doesNotThrow(run);
    else assert.throws(run, (err: unknown) => err instanceof UserError && err.message === c.want);
  });
}

// Expression functions, reductions: mean and sum of every value of a tensor (all examples and
// all axes) to a single number. A mean keeps its argument's range; a sum of values that may be
// negative (or positive) is unbounded below (above). Imports the vocabulary's types and ranges only.
import { range, type Range } from '../ranges';
import type { FunctionDef } from './types';

/** A sum of one or more values in [lo, hi] (how many is not known here). */
const sumRange = (a: Range): Range => range(a.lo >= 0 ? a.lo : -Infinity, a.hi <= 0 ? a.hi : Infinity, 'a sum', a.net);

function reduction(name: 'mean' | 'sum', doc: string): FunctionDef {
  return {
    name,
    signature: `${name}(a)`,
    doc,
    lower(call) {
      call.arity(1);
      const ref = call.ref(0, `take the ${name} of`);
      return { ty: { t: 'scalar' }, operand: { ref: call.emit({ op: 'reduce', fn: name, arg: ref }) } };
    },
    range: ([a]) => (name === 'mean' ? a : sumRange(a)),
  };
}

export const REDUCTIONS: FunctionDef[] = [
  reduction('mean', 'the mean of every value of a (over the batch and all axes): a single number'),
  reduction('sum', 'the sum of every value of a (over the batch and all axes): a single number'),
];

// Expression functions, reductions: mean and sum of every value of a tensor (all examples and
// all axes) to a single number. Imports the vocabulary's types only.
import type { FunctionDef } from './types';

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
  };
}

export const REDUCTIONS: FunctionDef[] = [
  reduction('mean', 'the mean of every value of a (over the batch and all axes): a single number'),
  reduction('sum', 'the sum of every value of a (over the batch and all axes): a single number'),
];

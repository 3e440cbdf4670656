// Expression functions, reductions: mean, sum, max, min, std and var, of every value of a tensor
// (all examples and all axes) to a single number, or along the axes given (`mean(t, 0)`: over the
// batch; axis 0 is the batch axis, negative axes count from the end; shapes.ts). std and var are
// the population ones (numpy's default). A mean, max or min keeps its argument's range; a sum of
// values that may be negative (or positive) is unbounded below (above); std and var are
// nonnegative. Imports the vocabulary's types, shape rules and ranges only.
import type { Stmt } from '../../ir';
import { range, type Range } from '../ranges';
import { reduceAxes } from './shapes';
import { ExprError, type FunctionDef, shapeOf, tyOfShape } from './types';

type ReduceFn = (Stmt & { op: 'reduce' })['fn'];

/** A sum of one or more values in [lo, hi] (how many is not known here). */
const sumRange = (a: Range): Range => range(a.lo >= 0 ? a.lo : -Infinity, a.hi <= 0 ? a.hi : Infinity, 'a sum', a.net);

/** The range of each reduction from its argument's: std at most half the width, var its square. */
function reducedRange(name: ReduceFn, a: Range): Range {
  const half = (a.hi - a.lo) / 2;
  switch (name) {
    case 'mean':
    case 'max':
    case 'min':
      return a;
    case 'sum':
      return sumRange(a);
    case 'std':
      return range(0, half, 'a standard deviation', a.net);
    case 'var':
      return range(0, half * half, 'a variance', a.net);
  }
}

function reduction(name: ReduceFn, doc: string): FunctionDef {
  return {
    name,
    signature: `${name}(a, axis...)`,
    doc,
    lower(call) {
      const { e, args } = call;
      if (args.length === 0) throw new ExprError(`${name}() takes a tensor and optionally axes, got no argument`, e.at);
      if (args.length === 1) {
        const ref = call.ref(0, `take the ${name} of`);
        return { ty: { t: 'scalar' }, operand: { ref: call.emit({ op: 'reduce', fn: name, arg: ref }) } };
      }
      const ref = call.ref(0, `take the ${name} of`);
      const ty = args[0].ty;
      if ((ty.t !== 'tensor' && ty.t !== 'scalar') || (ty.t === 'tensor' && ty.dtype === 'int32')) {
        throw new ExprError(`${name}() along axes needs real values, got class labels`, e.args[0].at);
      }
      const axes = args.slice(1).map((a, i) => {
        if (a.ty.t !== 'num' || !Number.isInteger(a.ty.value)) throw new ExprError(`${name}(): an axis is a whole number such as 0 or -1`, e.args[i + 1].at);
        return a.ty.value;
      });
      const reduced = reduceAxes(shapeOf(ty), axes);
      if ('error' in reduced) throw new ExprError(`${name}(): ${reduced.error}`, e.args[reduced.index + 1].at, undefined, undefined, 'GS137');
      return { ty: tyOfShape(reduced.result), operand: { ref: call.emit({ op: 'reduce', fn: name, arg: ref, axes: reduced.axes }) } };
    },
    range: ([a]) => reducedRange(name, a),
  };
}

export const REDUCTIONS: FunctionDef[] = [
  reduction('mean', 'the mean of every value of a (over the batch and all axes): a single number; with axes, the mean along them (axis 0: over the batch)'),
  reduction('sum', 'the sum of every value of a: a single number; with axes, the sum along them'),
  reduction('max', 'the largest value of a: a single number; with axes, along them'),
  reduction('min', 'the smallest value of a: a single number; with axes, along them'),
  reduction('std', 'the population standard deviation (numpy\'s, ddof 0) of every value of a; with axes, along them'),
  reduction('var', 'the population variance mean((a - mean(a))²) of every value of a; with axes, along them'),
];

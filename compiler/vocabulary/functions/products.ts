// Expression functions, per-example products and norms: dot(a, b), norm(a), norm(a, p) and
// sqnorm(a) sum over every axis but the batch axis and give one number per example (shape []),
// as runtime/ops/tensor.ts computes them. Norms are nonnegative; a dot product is a sum of
// products. Imports the vocabulary's types, shape rules and ranges only.
import { show } from '../../expr/ast';
import { combineRanges, range } from '../ranges';
import { showShape } from './shapes';
import { type Call, describe, ExprError, type FunctionDef, fmt, shapeOf, type Ty } from './types';

const PER_EXAMPLE: Ty = { t: 'tensor', shape: [], dtype: 'float32' };

/** Argument i as a per-example real tensor, or a located error. */
function perExample(call: Call, i: number, name: string): Ty & { t: 'tensor' } {
  const ty = call.tensor(i, `pass to ${name}()`);
  if (ty.dtype === 'int32') throw new ExprError(`${name}() needs real values, but ${show(call.e.args[i])} is class labels`, call.e.args[i].at);
  if (ty.batched === false) {
    throw new ExprError(`${name}() works per example, but ${show(call.e.args[i])} is ${describe(ty)}`, call.e.args[i].at, 'a reduction over axis 0 leaves no batch axis', undefined, 'GS136');
  }
  return ty;
}

export const DOT: FunctionDef = {
  name: 'dot',
  signature: 'dot(a, b)',
  doc: 'per example, the sum over all axes but the batch axis of a * b (a and b of one shape): one number per example',
  lower(call) {
    call.arity(2);
    const [a, b] = [perExample(call, 0, 'dot'), perExample(call, 1, 'dot')];
    if (fmt(a.shape) !== fmt(b.shape)) {
      throw new ExprError(`dot() needs operands of one shape, got ${showShape(shapeOf(a))} and ${showShape(shapeOf(b))}`, call.e.at, undefined, undefined, 'GS136');
    }
    return { ty: PER_EXAMPLE, operand: { ref: call.emit({ op: 'dot', a: call.ref(0, 'pass to dot()'), b: call.ref(1, 'pass to dot()') }) } };
  },
  range: ([a, b]) => {
    const p = combineRanges('mul', a, b);
    return range(p.lo >= 0 ? 0 : -Infinity, p.hi <= 0 ? 0 : Infinity, 'a dot product', p.net);
  },
};

export const NORM: FunctionDef = {
  name: 'norm',
  signature: 'norm(a, p)',
  doc: 'per example, the p-norm over all axes but the batch axis (p = 2 by default, or 1): one number per example; the L2 norm is sqrt(sum a² + 1e-12), so its gradient at 0 is finite',
  lower(call) {
    const { e, args } = call;
    if (args.length !== 1 && args.length !== 2) throw new ExprError(`norm() takes 1 or 2 arguments (a tensor and p = 1 or 2), got ${args.length}`, e.at);
    perExample(call, 0, 'norm');
    let p: 1 | 2 = 2;
    if (args.length === 2) {
      const ty = args[1].ty;
      if (ty.t !== 'num' || (ty.value !== 1 && ty.value !== 2)) {
        throw new ExprError(`norm()'s p is 1 or 2, got ${show(e.args[1])}`, e.args[1].at, 'for the largest |value| per example write max(abs(a), 1, ...) over its axes');
      }
      p = ty.value;
    }
    return { ty: PER_EXAMPLE, operand: { ref: call.emit({ op: 'norm', p, arg: call.ref(0, 'take the norm of') }) } };
  },
  range: ([a]) => range(0, Infinity, 'a norm', a.net),
};

export const SQNORM: FunctionDef = {
  name: 'sqnorm',
  signature: 'sqnorm(a)',
  doc: 'per example, the sum of squares over all axes but the batch axis (norm(a)² without the square root): one number per example',
  lower(call) {
    call.arity(1);
    perExample(call, 0, 'sqnorm');
    return { ty: PER_EXAMPLE, operand: { ref: call.emit({ op: 'norm', p: 'sq', arg: call.ref(0, 'take the norm of') }) } };
  },
  range: ([a]) => range(0, Infinity, 'a sum of squares', a.net),
};

export const PRODUCTS: FunctionDef[] = [DOT, NORM, SQNORM];

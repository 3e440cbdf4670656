// Expression functions, elementwise: relu ... tanh apply to each value of a tensor (or a single
// number) and keep its shape, and map its range (a sigmoid gives a probability); detach passes the
// value on with no gradient. Imports the vocabulary's types and ranges only.
import type { Stmt } from '../../ir';
import { unaryRange } from '../ranges';
import { ExprError, type FunctionDef } from './types';

type UnaryFn = Exclude<(Stmt & { op: 'unary' })['fn'], 'neg'>;

function elementwise(name: UnaryFn | 'detach', doc: string): FunctionDef {
  return {
    name,
    signature: `${name}(a)`,
    doc,
    lower(call) {
      call.arity(1);
      if (call.args[0].ty.t === 'num') throw new ExprError(`${name}() of a constant: write the number`, call.e.at);
      const ref = call.ref(0, `apply ${name}() to`);
      const ref2 = call.emit(name === 'detach' ? { op: 'detach', arg: ref } : { op: 'unary', fn: name, arg: ref });
      return { ty: call.args[0].ty, operand: { ref: ref2 } };
    },
    range: ([a]) => (name === 'detach' ? a : unaryRange(name, a)),
  };
}

export const ELEMENTWISE: FunctionDef[] = [
  elementwise('relu', 'max(a, 0), value by value: nonnegative'),
  elementwise('softplus', 'log(1 + exp(a)), value by value: positive'),
  elementwise('abs', '|a|, value by value: nonnegative'),
  elementwise('square', 'a², value by value: nonnegative'),
  elementwise('sqrt', '√a, value by value'),
  elementwise('log', 'the natural logarithm of a, value by value'),
  elementwise('exp', 'e^a, value by value: positive'),
  elementwise('sigmoid', '1 / (1 + exp(-a)), value by value: a probability'),
  elementwise('tanh', 'the hyperbolic tangent of a, value by value: within [-1, 1]'),
];

export const DETACH: FunctionDef = elementwise('detach', 'a itself, with no gradient: what follows learns nothing through it');

// Expression functions, noise: uniform_like(a, lo, hi) and normal_like(a, mean, std), a fresh
// random tensor shaped like a (batch axis included), drawn once per update from the run's seeded
// randomness (runtime/ops/noise.ts). Two identical calls in one expression are one draw, since
// identical subexpressions are shared. A uniform draw lies in [lo, hi], a normal one is
// unbounded. Imports the vocabulary's types and ranges only.
import { show } from '../../expr/ast';
import { range } from '../ranges';
import { ExprError, type FunctionDef, type Ty } from './types';

function noise(dist: 'uniform' | 'normal', doc: string): FunctionDef {
  const name = `${dist}_like`;
  const [p, q] = dist === 'uniform' ? ['lo', 'hi'] : ['mean', 'std'];
  const defaults = dist === 'uniform' ? [0, 1] : [0, 1];
  return {
    name,
    signature: `${name}(a, ${p}, ${q})`,
    doc,
    lower(call) {
      const { e, args } = call;
      if (args.length < 1 || args.length > 3) throw new ExprError(`${name}() takes 1 to 3 arguments (a tensor, ${p} and ${q}), got ${args.length}`, e.at);
      const ty = call.tensor(0, `draw ${name}() of`);
      const [a, b] = [1, 2].map((i) => {
        if (i >= args.length) return defaults[i - 1];
        const v = args[i].ty;
        if (v.t !== 'num') throw new ExprError(`${name}()'s ${i === 1 ? p : q} is a number, got ${show(e.args[i])}`, e.args[i].at);
        return v.value;
      });
      if (dist === 'uniform' && !(a < b)) {
        throw new ExprError(`uniform_like() needs lo < hi, got lo ${a} and hi ${b}`, e.args[args.length - 1].at, undefined, undefined, 'GS139');
      }
      if (dist === 'normal' && !(b > 0)) throw new ExprError(`normal_like() needs std > 0, got ${b}`, e.args[2].at, undefined, undefined, 'GS139');
      const result: Ty = ty.batched === false ? { t: 'tensor', shape: ty.shape, dtype: 'float32', batched: false } : { t: 'tensor', shape: ty.shape, dtype: 'float32' };
      return { ty: result, operand: { ref: call.emit({ op: 'noise', dist, arg: call.ref(0, `draw ${name}() of`), a, b }) } };
    },
    range: ([, lo, hi]) => (dist === 'uniform' ? range(lo?.lo ?? 0, hi?.hi ?? 1, 'a uniform draw') : range(-Infinity, Infinity, 'a normal draw')),
  };
}

export const NOISE: FunctionDef[] = [
  noise('uniform', 'a fresh draw, uniform on [lo, hi) (default 0, 1), shaped like a (batch axis included), once per update'),
  noise('normal', 'a fresh draw, normal with this mean and std (default 0, 1), shaped like a (batch axis included), once per update'),
];

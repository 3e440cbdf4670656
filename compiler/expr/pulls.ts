// Which way a loss pulls a critic's outputs, for the adversarial check (check/adversarial.ts):
// minimizing `bce(D(x), 1) + bce(D(G(z)), 0)` pulls D(x) toward 1 and D(G(z)) toward 0;
// `-mean(D(G(z)))` pulls D(G(z)) up, `mean(relu(1 + D(G(z))))` down, `mean(square(D(x) - 1))`
// toward 1. A pull is a value the outputs are drawn toward, +Infinity for up and -Infinity for
// down, or 'unknown' where the loss is not monotone in them (any other square, a class
// cross-entropy, a product with another output) or its terms disagree; undefined where the loss does not reach them. Gradient penalties (grad,
// gradient_penalty) and detach(...) pull nothing. Imports the expression syntax tree and the
// term split of expr/terms.ts only.
import type { Expr } from './ast';
import { splitTerms } from './terms';

export type Pull = number | 'unknown';

/** Which outputs a pull is about: an expression is one of them or not. */
export type IsOutput = (e: Expr) => boolean;

/** Functions that never decrease when their first argument grows (their other arguments are axes). */
const INCREASING = new Set(['mean', 'sum', 'max', 'min', 'relu', 'softplus', 'sqrt', 'log', 'exp', 'sigmoid', 'tanh']);
/** Functions whose value carries no gradient of the outputs: penalties on D's slope, noise shapes, detach. */
const NO_PULL = new Set(['detach', 'grad', 'gradient_penalty', 'uniform_like', 'normal_like']);
/** Cross-entropies against a number: 1 makes them decrease in the prediction, 0 increase. */
const BINARY_CE = new Set(['bce', 'bce_logits']);
/** Losses that draw their first argument toward a number target. */
const TOWARD = new Set(['bce', 'bce_logits', 'mse', 'l1']);
/** Distances from 0, smallest there; and reductions that keep where a value is smallest. */
const DISTANCE = new Set(['square', 'abs']);
const KEEPS_MINIMUM = new Set(['mean', 'sum']);

/** The pull of minimizing `loss` on the outputs `isOutput` picks. */
export function pullOf(loss: Expr, isOutput: IsOutput): Pull | undefined {
  return combine(splitTerms(loss).map((t) => termPull(t.coefficient, t.expr, isOutput)));
}

/** One value for several pulls on the same outputs: the same one, else unknown. */
export function combine(pulls: readonly (Pull | undefined)[]): Pull | undefined {
  const known = pulls.filter((p): p is Pull => p !== undefined);
  if (known.length === 0) return undefined;
  return known.every((p) => p === known[0]) ? known[0] : 'unknown';
}

function termPull(coefficient: number, e: Expr, isOutput: IsOutput): Pull | undefined {
  // bce(D(x), 0.9), mse(D(G(z)), 1): the output itself drawn toward a number.
  const t = e.kind === 'call' && e.args.length === 2 ? constant(e.args[1]!) : undefined;
  if (coefficient > 0 && e.kind === 'call' && TOWARD.has(e.callee) && isOutput(e.args[0]!) && t !== undefined) {
    // bce_logits draws logits toward the logit of its target.
    const toward = e.callee === 'bce_logits' ? Math.log(t / (1 - t)) : t;
    return Number.isNaN(toward) ? 'unknown' : toward;
  }
  // mean(square(D(x) - 1)), abs(D(G(z))): the output's distance from a number, drawn to it.
  const from = coefficient > 0 ? distanceFrom(e, isOutput) : undefined;
  if (from !== undefined) return from;
  const s = Math.sign(coefficient) * slope(e, isOutput);
  if (Number.isNaN(s)) return 'unknown';
  return s === 0 ? undefined : s > 0 ? -Infinity : Infinity;
}

/** The sign of d e / d output: 1, -1, 0 (no dependence), NaN (neither). */
function slope(e: Expr, isOutput: IsOutput): number {
  if (isOutput(e)) return 1;
  const of = (x: Expr) => slope(x, isOutput);
  switch (e.kind) {
    case 'num':
    case 'name':
      return 0;
    case 'member':
      return of(e.object) === 0 ? 0 : NaN;
    case 'unary':
      return -of(e.arg);
    case 'binary': {
      const [l, r] = [of(e.left), of(e.right)];
      if (e.op === '+') return add(l, r);
      if (e.op === '-') return add(l, -r);
      if (l === 0 && r === 0) return 0;
      const [cl, cr] = [constant(e.left), constant(e.right)];
      if (e.op === '*' && cl !== undefined) return Math.sign(cl) * r;
      if (cr !== undefined) return Math.sign(cr) * l;
      return NaN;
    }
    case 'call': {
      if (NO_PULL.has(e.callee)) return 0;
      const [first, ...rest] = e.args.map(of);
      if (first === undefined || first === 0) return rest.every((s) => s === 0) ? 0 : NaN;
      if (rest.some((s) => s !== 0)) return NaN;
      if (INCREASING.has(e.callee)) return first;
      const target = e.args[1] && constant(e.args[1]);
      if (BINARY_CE.has(e.callee) && (target === 0 || target === 1)) return target === 1 ? -first : first;
      return NaN;
    }
  }
}

/** c where e is an output's distance from the number c (`square(D(x) - 1)`, `abs(1 - D(x))`,
 *  `square(D(x) + 1)`: -1), or its mean or sum. */
function distanceFrom(e: Expr, isOutput: IsOutput): number | undefined {
  while (e.kind === 'call' && KEEPS_MINIMUM.has(e.callee) && e.args.slice(1).every((a) => constant(a) !== undefined)) e = e.args[0]!;
  if (e.kind !== 'call' || !DISTANCE.has(e.callee) || e.args.length !== 1) return undefined;
  const a = e.args[0]!;
  if (isOutput(a)) return 0;
  if (a.kind !== 'binary' || (a.op !== '-' && a.op !== '+')) return undefined;
  const [cl, cr] = [constant(a.left), constant(a.right)];
  if (isOutput(a.left) && cr !== undefined) return a.op === '-' ? cr : -cr;
  if (isOutput(a.right) && cl !== undefined) return a.op === '-' ? cl : -cl;
  return undefined;
}

/** A number as written: `1`, `-1`. */
function constant(e: Expr): number | undefined {
  if (e.kind === 'num') return e.value;
  if (e.kind !== 'unary') return undefined;
  const v = constant(e.arg);
  return v === undefined ? undefined : -v;
}

function add(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0 || a === b) return a;
  return NaN;
}

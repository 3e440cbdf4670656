// Unit tests of ranges as types (compiler/vocabulary/ranges.ts, compiler/check/ranges.ts and the
// range rules of compiler/vocabulary/functions/): each case merges a network fragment into the
// tiny spec of unit-helpers.ts (D ends in a sigmoid, G in a tanh, images in [-1, 1]), lowers one
// expression and wants its range as `kind [lo, hi] (why)`, the kind and interval computed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpr, isExprError } from '../compiler/expr/parse';
import type { Expr } from '../compiler/expr/ast';
import { ExprLowering, StmtBuilder } from '../compiler/lower/expressions';
import { inputRanges } from '../compiler/lower/module';
import { rangeKind, rangeText, UNBOUNDED, type Range } from '../compiler/vocabulary/ranges';
import { contextOf, lines, through } from './unit-helpers';

const linearD = { D: { layers: ['flatten', { dense: { units: 1 } }] } };

function rangeOf(expr: string, networks: object = {}): string {
  const ctx = contextOf({ networks, sample: { z: 'normal(2)', u: 'uniform(2)', c: 'categorical(3)' } });
  const { resolved, checked } = through(ctx, 'check');
  assert.deepEqual(lines(ctx.report.all), []);
  const env = {
    real: new Map([
      ['x', { t: 'tensor' as const, shape: [4, 4, 1], dtype: 'float32' as const }],
      ['y', { t: 'tensor' as const, shape: [], dtype: 'int32' as const, classes: 10 }],
    ]),
    sampled: new Map([
      ['z', { t: 'tensor' as const, shape: [2], dtype: 'float32' as const }],
      ['u', { t: 'tensor' as const, shape: [2], dtype: 'float32' as const }],
      ['c', { t: 'tensor' as const, shape: [3], dtype: 'float32' as const }],
    ]),
    networks: new Map(checked.map((n) => [n.name, n])),
    ranges: inputRanges(resolved, [
      { name: 'z', kind: 'normal', size: 2, shape: [2], mean: 0, std: 1 },
      { name: 'u', kind: 'uniform', size: 2, shape: [2], low: -1, high: 1 },
      { name: 'c', kind: 'categorical', size: 3, shape: [3] },
    ]),
    training: true,
  };
  const parsed = parseExpr(expr);
  assert.ok(!isExprError(parsed), expr);
  const r: Range = new ExprLowering(env, new StmtBuilder()).lower(parsed as Expr).range ?? UNBOUNDED;
  return `${rangeKind(r)} [${r.lo}, ${r.hi}] (${r.why})`;
}

const cases: { given: string; networks?: object; want: string }[] = [
  // Inputs and constants.
  { given: 'x', want: 'bounded [-1, 1] (the data, scaled to [-1, 1])' },
  { given: 'z', want: 'unbounded [-Infinity, Infinity] (normal noise)' },
  { given: 'u', want: 'bounded [-1, 1] (uniform noise in [-1, 1))' },
  { given: 'c', want: 'probability [0, 1] (one-hot codes)' },
  { given: '0.5', want: 'probability [0.5, 0.5] (a constant)' },
  { given: '2 * 3', want: 'bounded [6, 6] (a constant)' },
  // Network heads: from the last layer's activation, or an activation layer after it.
  { given: 'D(x)', want: 'probability [0, 1] (a sigmoid output)' },
  { given: 'G(z)', want: 'bounded [-1, 1] (a tanh output)' },
  { given: 'D(x)', networks: linearD, want: 'unbounded [-Infinity, Infinity] (the output of a dense layer with no activation)' },
  { given: 'D(x)', networks: { D: { layers: ['flatten', { dense: { units: 1 } }, 'sigmoid'] } }, want: 'probability [0, 1] (a sigmoid output)' },
  { given: 'D(x)', networks: { D: { layers: ['flatten', { dense: { units: 1, activation: 'relu' } }] } }, want: 'nonnegative [0, Infinity] (a relu output)' },
  { given: 'D(x)', networks: { D: { layers: ['flatten', { dense: { units: 1, activation: 'leaky_relu' } }] } }, want: 'unbounded [-Infinity, Infinity] (a leaky_relu output)' },
  { given: 'D(x)', networks: { D: { layers: ['flatten', { dense: { units: 1, activation: 'sigmoid' } }, { dropout: 0.5 }] } }, want: 'bounded [0, 2] (a dropout output)' },
  { given: 'D(x).label', networks: { D: { layers: ['flatten'], outputs: { valid: [{ dense: { units: 1 } }], label: [{ dense: { units: 3, activation: 'softmax' } }] } } }, want: 'probability [0, 1] (a softmax output)' },
  { given: 'D(x).valid', networks: { D: { layers: ['flatten'], outputs: { valid: [{ dense: { units: 1 } }], label: [{ dense: { units: 3, activation: 'softmax' } }] } } }, want: 'unbounded [-Infinity, Infinity] (the output of a dense layer with no activation)' },
  // Arithmetic: interval arithmetic on the operands.
  { given: '1 - D(x)', want: 'probability [0, 1] (a difference)' },
  { given: '0.9 * D(x)', want: 'probability [0, 0.9] (a product)' },
  { given: 'D(x) / 2', want: 'probability [0, 0.5] (a quotient)' },
  { given: 'D(x) + D(G(z))', want: 'bounded [0, 2] (a sum of network outputs)' },
  { given: 'D(x) - mean(D(G(z)))', want: 'bounded [-1, 1] (a difference of network outputs)' },
  { given: 'D(x) - mean(D(G(z)))', networks: linearD, want: 'unbounded [-Infinity, Infinity] (a difference of network outputs)' },
  { given: 'D(x) / D(G(z))', want: 'unbounded [-Infinity, Infinity] (a quotient of network outputs)' },
  { given: 'D(x) * D(G(z))', want: 'probability [0, 1] (a product of network outputs)' },
  { given: '-D(x)', want: 'bounded [-1, 0] (a negation)' },
  // Functions: each entry's range rule.
  { given: 'log(D(x))', want: 'unbounded [-Infinity, 0] (a log output)' },
  { given: 'abs(G(z) - 0.5)', want: 'bounded [0, 1.5] (an abs output)' },
  { given: 'square(G(z))', want: 'probability [0, 1] (a square output)' },
  { given: 'exp(D(x))', networks: linearD, want: 'nonnegative [0, Infinity] (an exp output)' },
  { given: 'tanh(D(x))', networks: linearD, want: 'bounded [-1, 1] (a tanh output)' },
  { given: 'sigmoid(D(x))', networks: linearD, want: 'probability [0, 1] (a sigmoid output)' },
  { given: 'detach(D(x))', want: 'probability [0, 1] (a sigmoid output)' },
  { given: 'mean(D(x))', want: 'probability [0, 1] (a sigmoid output)' },
  { given: 'sum(D(x))', want: 'nonnegative [0, Infinity] (a sum)' },
  { given: 'sum(G(z))', want: 'unbounded [-Infinity, Infinity] (a sum)' },
  { given: 'bce(D(x), 1)', want: 'nonnegative [0, Infinity] (a loss)' },
  { given: 'bce_logits(D(x), 1)', networks: linearD, want: 'nonnegative [0, Infinity] (a loss)' },
  { given: 'gradient_penalty(D, x, G(z))', want: 'nonnegative [0, Infinity] (a penalty)' },
  // Tensor functions: reductions along axes keep or widen, spreads and norms are nonnegative.
  { given: 'max(D(x), 0)', want: 'probability [0, 1] (a sigmoid output)' },
  { given: 'sum(x, -1)', want: 'unbounded [-Infinity, Infinity] (a sum)' },
  { given: 'std(x, 0)', want: 'probability [0, 1] (a standard deviation)' },
  { given: 'var(G(z))', want: 'probability [0, 1] (a variance)' },
  { given: 'norm(grad(D(x), x))', want: 'nonnegative [0, Infinity] (a norm)' },
  { given: 'sqnorm(x)', want: 'nonnegative [0, Infinity] (a sum of squares)' },
  { given: 'dot(x, x)', want: 'unbounded [-Infinity, Infinity] (a dot product)' },
  { given: 'dot(D(x), D(x))', want: 'nonnegative [0, Infinity] (a dot product)' },
  { given: 'grad(D(x), x)', want: 'unbounded [-Infinity, Infinity] (a gradient)' },
  { given: 'uniform_like(x, 2, 3)', want: 'bounded [2, 3] (a uniform draw)' },
  { given: 'uniform_like(D(x))', want: 'probability [0, 1] (a uniform draw)' },
  { given: 'normal_like(x)', want: 'unbounded [-Infinity, Infinity] (a normal draw)' },
  { given: 'onehot(y, 10)', want: 'probability [0, 1] (one-hot codes)' },
];

for (const c of cases) {
  test(`range: ${c.given}${c.networks ? ` (${JSON.stringify(c.networks)})` : ''} is ${c.want}`, () => {
    assert.equal(rangeOf(c.given, c.networks), c.want);
  });
}

test('range: how a message says a range', () => {
  const r = (lo: number, hi: number) => rangeText({ lo, hi, why: '' });
  assert.deepEqual(
    [r(-Infinity, Infinity), r(-Infinity, 0), r(-2, Infinity), r(0, Infinity), r(0, 1), r(-1, 1), r(0.1234567, 2)],
    ['is unbounded', 'is unbounded below (at most 0)', 'is unbounded above (at least -2)', 'is nonnegative but unbounded above', 'is a probability', 'lies within [-1, 1]', 'lies within [0.1235, 2]'],
  );
});

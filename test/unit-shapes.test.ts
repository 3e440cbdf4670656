// Unit tests of the shape rules of tensor expressions (compiler/vocabulary/functions/shapes.ts):
// given two operands' shapes, how they broadcast or the exact message why not; given a shape and
// the axes a reduction names, the tfjs axes and the result, or the exact message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { broadcast, reduceAxes, type Shaped } from '../compiler/vocabulary/functions/shapes';

const ex = (...shape: number[]): Shaped => ({ shape, batched: true });
const wide = (...shape: number[]): Shaped => ({ shape, batched: false });
const RULES = 'numpy rules: axes align from the last, each pair equal or one of them 1';

test('broadcast: per-example values pair their batch axes; their other axes and batch-wide values follow numpy', () => {
  const cases: { given: [Shaped, Shaped]; want: unknown }[] = [
    // Same shape: no change.
    { given: [ex(1), ex(1)], want: { result: ex(1), expandA: undefined, expandB: undefined } },
    // A per-example number or [1] against an image: it gains leading 1s after the batch axis.
    { given: [ex(28, 28, 1), ex(1)], want: { result: ex(28, 28, 1), expandA: undefined, expandB: [1, 1, 1] } },
    { given: [ex(), ex(2, 3)], want: { result: ex(2, 3), expandA: [1, 1], expandB: undefined } },
    { given: [ex(1, 3), ex(4, 1)], want: { result: ex(4, 3), expandA: undefined, expandB: undefined } },
    { given: [ex(10), ex(5)], want: { error: `cannot broadcast [batch, 10] and [batch, 5]: sizes 10 and 5 meet (${RULES})` } },
    // Per example against batch-wide: numpy on the whole shapes.
    { given: [ex(10), wide(10)], want: { result: ex(10) } },
    { given: [ex(28, 28, 1), wide(28, 28, 1)], want: { result: ex(28, 28, 1) } },
    { given: [wide(1, 10), ex(10)], want: { result: ex(10) } },
    { given: [ex(1), wide(8)], want: { result: ex(8) } },
    { given: [ex(), wide(10)], want: { error: `cannot broadcast [batch] and [10]: the batch axis meets size 10 (${RULES}; the batch size is not known when the spec compiles)` } },
    { given: [ex(3), wide(1, 1, 3)], want: { error: 'cannot broadcast [batch, 3] and [1, 1, 3]: [1, 1, 3] has more axes than [batch, 3], which would put axes before the batch axis' } },
    { given: [ex(3), wide(4)], want: { error: `cannot broadcast [batch, 3] and [4]: sizes 3 and 4 meet (${RULES})` } },
    // Two batch-wide values, and single numbers.
    { given: [wide(3), wide(2, 1)], want: { result: wide(2, 3) } },
    { given: [wide(), ex(5)], want: { result: ex(5) } },
  ];
  for (const c of cases) assert.deepEqual(broadcast(...c.given), c.want, JSON.stringify(c.given));
});

test('reduceAxes: axis 0 is the batch axis, negative axes count from the end, out of range and repeated axes are errors', () => {
  const cases: { given: [Shaped, number[]]; want: unknown }[] = [
    { given: [ex(10), [0]], want: { axes: [0], result: wide(10) } },
    { given: [ex(28, 28, 1), [1, 2]], want: { axes: [1, 2], result: ex(1) } },
    { given: [ex(28, 28, 1), [-1]], want: { axes: [3], result: ex(28, 28) } },
    { given: [ex(28, 28, 1), [0, -1, 1, 2]], want: { axes: [0, 1, 2, 3], result: wide() } },
    { given: [wide(4, 5), [-2]], want: { axes: [0], result: wide(5) } },
    { given: [ex(28, 28, 1), [4]], want: { error: 'axis 4 is out of range for [batch, 28, 28, 1] (rank 4: axes -4..3)', index: 0 } },
    { given: [ex(10), [0, -3]], want: { error: 'axis -3 is out of range for [batch, 10] (rank 2: axes -2..1)', index: 1 } },
    { given: [ex(10), [1, -1]], want: { error: 'axis -1 names axis 1 again', index: 1 } },
    { given: [wide(), [0]], want: { error: 'axis 0 is out of range for [] (rank 0: it has no axes)', index: 0 } },
  ];
  for (const c of cases) assert.deepEqual(reduceAxes(...c.given), c.want, JSON.stringify(c.given));
});

// The evaluation's numbers on cases with known answers: FID (self, shifted and diagonal Gaussians,
// closed forms), the symmetric eigendecomposition and square root behind it, KID, the inception
// score, class coverage, entropy, label accuracy and code statistics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installSeededRandom } from '../runtime/rng';
import { accuracyOf, classStats, codeStats, fid, frechetDistance, gaussianOf, kid, sqrtmSymmetric, symmetricEigen, type Gaussian } from '../eval/stats';

function normal(): number {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

/** n rows of d correlated features: x = A g + shift, g standard normal, A fixed per seed. */
function features(n: number, d: number, shift = 0, seed = 1, mixSeed = 7): Float64Array {
  installSeededRandom(mixSeed);
  const mix = Array.from({ length: d * d }, () => normal() / Math.sqrt(d));
  installSeededRandom(seed);
  const out = new Float64Array(n * d);
  const g = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) g[j] = normal();
    for (let a = 0; a < d; a++) {
      let s = shift;
      for (let b = 0; b < d; b++) s += mix[a * d + b] * g[b];
      out[i * d + a] = s;
    }
  }
  return out;
}

function diagonal(mean: number[], variance: number[]): Gaussian {
  const d = mean.length;
  const cov = new Float64Array(d * d);
  variance.forEach((v, i) => (cov[i * d + i] = v));
  return { d, mean: Float64Array.from(mean), cov, n: 0 };
}

test('FID of a set against itself is 0', () => {
  const x = features(2000, 64);
  const value = fid(x, 2000, x, 2000, 64);
  assert.ok(Math.abs(value) < 1e-6, `FID(x, x) = ${value}`);
});

test('FID of diagonal Gaussians matches the closed form |m1 - m2|^2 + sum (s1 - s2)^2', () => {
  const m1 = [0, 1, -2, 0.5, 3];
  const m2 = [1, 1, 0, 0.5, -1];
  const v1 = [1, 4, 0.25, 2, 9];
  const v2 = [2, 1, 1, 2, 0.5];
  let expected = 0;
  for (let i = 0; i < m1.length; i++) expected += (m1[i] - m2[i]) ** 2 + (Math.sqrt(v1[i]) - Math.sqrt(v2[i])) ** 2;
  const value = frechetDistance(diagonal(m1, v1), diagonal(m2, v2));
  assert.ok(Math.abs(value - expected) < 1e-9 * expected, `FID ${value}, closed form ${expected}`);
  assert.ok(Math.abs(frechetDistance(diagonal(m2, v2), diagonal(m1, v1)) - expected) < 1e-9 * expected, 'symmetric');
});

test('FID of rotated Gaussians with commuting covariances matches the closed form', () => {
  // S1 = Q diag(a) Q^T, S2 = Q diag(b) Q^T: FID = sum (sqrt a - sqrt b)^2 for equal means.
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const q = [c, -s, 0, s, c, 0, 0, 0, 1];
  const rotate = (v: number[]) => {
    const m = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) m[i * 3 + j] += q[i * 3 + k] * v[k] * q[j * 3 + k];
    return m;
  };
  const a = [4, 1, 0.5];
  const b = [1, 9, 0.5];
  const g1 = { d: 3, mean: new Float64Array(3), cov: rotate(a), n: 0 };
  const g2 = { d: 3, mean: new Float64Array(3), cov: rotate(b), n: 0 };
  const expected = a.reduce((sum, ai, i) => sum + (Math.sqrt(ai) - Math.sqrt(b[i])) ** 2, 0);
  assert.ok(Math.abs(frechetDistance(g1, g2) - expected) < 1e-9, `FID ${frechetDistance(g1, g2)}, closed form ${expected}`);
});

test('FID grows as one Gaussian shifts, as |shift|^2 * d', () => {
  const d = 16;
  const n = 4000;
  const base = features(n, d, 0, 1);
  const other = features(n, d, 0, 2);
  let last = fid(base, n, other, n, d);
  assert.ok(last < 0.05 * d, `two samples of one Gaussian: FID ${last} is small`);
  for (const shift of [0.5, 1, 2]) {
    const value = fid(base, n, features(n, d, shift, 2), n, d);
    assert.ok(value > last, `FID grows with the shift (${shift}: ${value} after ${last})`);
    assert.ok(Math.abs(value - shift * shift * d) < 0.1 * shift * shift * d + 0.05 * d, `shift ${shift}: FID ${value}, expected about ${shift * shift * d}`);
    last = value;
  }
});

test('the symmetric eigendecomposition reconstructs its matrix, and the square root squares back', () => {
  const d = 24;
  const g = gaussianOf(features(500, d), 500, d);
  const { values, vectors } = symmetricEigen(g.cov, d);
  let err = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += vectors[i * d + k] * values[k] * vectors[j * d + k];
      err = Math.max(err, Math.abs(s - g.cov[i * d + j]));
    }
  }
  assert.ok(err < 1e-10, `max reconstruction error ${err}`);
  const r = sqrtmSymmetric(g.cov, d);
  let err2 = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += r[i * d + k] * r[k * d + j];
      err2 = Math.max(err2, Math.abs(s - g.cov[i * d + j]));
    }
  }
  assert.ok(err2 < 1e-10, `max |sqrt(S)^2 - S| ${err2}`);
});

test('KID is about 0 for one distribution and clearly positive for a shifted one', () => {
  const d = 16;
  const a = features(2000, d, 0, 1);
  const b = features(2000, d, 0, 2);
  const same = kid(a, 2000, b, 2000, d, 500);
  assert.equal(same.blocks, 4);
  assert.ok(Math.abs(same.mean) < 0.01, `KID of one distribution ${same.mean}`);
  const shifted = kid(a, 2000, features(2000, d, 1, 2), 2000, d, 500);
  assert.ok(shifted.mean > 0.1 && shifted.mean > 20 * Math.abs(same.mean), `KID after a shift of 1: ${shifted.mean} (same: ${same.mean})`);
  // (A set against itself is not two independent samples: the unbiased estimate is then negative,
  // by twice the mean gap between k(x, x) and k(x, x'), so that case is not a test of KID.)
});

test('inception score: 10 for even one-hot predictions over 10 classes, 1 for a single class', () => {
  const n = 1000;
  const oneHot = (cls: (i: number) => number) => {
    const p = new Float64Array(n * 10);
    for (let i = 0; i < n; i++) p[i * 10 + cls(i)] = 1;
    return p;
  };
  const even = classStats(oneHot((i) => i % 10), n, 10);
  assert.ok(Math.abs(even.inceptionScore - 10) < 1e-9, `IS ${even.inceptionScore}`);
  assert.equal(even.covered, 10);
  assert.ok(Math.abs(even.entropyBits - Math.log2(10)) < 1e-9);
  const single = classStats(oneHot(() => 3), n, 10);
  assert.ok(Math.abs(single.inceptionScore - 1) < 1e-9);
  assert.equal(single.covered, 1);
  assert.equal(single.entropyBits, 0);
  const uniform = classStats(new Float64Array(n * 10).fill(0.1), n, 10);
  assert.ok(Math.abs(uniform.inceptionScore - 1) < 1e-9, 'confident about nothing: IS 1');
  // A class with under 1% of the samples is not covered.
  const rare = classStats(oneHot((i) => (i < 5 ? 9 : i % 9)), n, 10);
  assert.equal(rare.covered, 9);
});

test('label accuracy and code statistics count what they should', () => {
  const probs = new Float64Array(40);
  const predicted = [0, 1, 2, 3];
  predicted.forEach((c, i) => (probs[i * 10 + c] = 1));
  assert.equal(accuracyOf(probs, [0, 1, 2, 0], 10), 0.75);
  // Code value 0 -> classes 0, 1 (tie: first); value 1 -> 2, 3.
  const p2 = new Float64Array(60);
  [7, 7, 1, 4, 4, 4].forEach((c, i) => (p2[i * 10 + c] = 1));
  const stats = codeStats(p2, [0, 0, 0, 1, 1, 1], 2, 10);
  assert.deepEqual(stats.majority, [7, 4]);
  assert.deepEqual(stats.purity, [2 / 3, 1]);
  assert.equal(stats.distinct, 2);
  assert.ok(Math.abs(stats.meanPurity - 5 / 6) < 1e-12);
});

// The numbers of the evaluation, in float64 on plain arrays: Gaussian statistics of features,
// the Fréchet distance between two Gaussians (FID), the kernel inception distance (KID), and
// statistics of a classifier's outputs (classes covered, entropy, inception-style score).

/** A row-major d x d symmetric matrix. */
export type Matrix = Float64Array;

export interface Gaussian {
  d: number;
  mean: Float64Array;
  /** Sample covariance (divided by n - 1), row-major d x d. */
  cov: Matrix;
  n: number;
}

/** Mean and covariance of n rows of d features. */
export function gaussianOf(features: ArrayLike<number>, n: number, d: number): Gaussian {
  if (n < 2) throw new Error(`need at least 2 samples for a covariance, got ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += features[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = features[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      const base = a * d;
      for (let b = a; b < d; b++) cov[base + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b] / (n - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return { d, mean, cov, n };
}

/**
 * Eigendecomposition of a symmetric matrix by cyclic Jacobi rotations: A = V diag(values) V^T,
 * eigenvectors in the columns of V. Accurate to rounding for the small (<= a few hundred) sizes here.
 */
export function symmetricEigen(matrix: Matrix, d: number): { values: Float64Array; vectors: Matrix } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let p = 0; p < d; p++) {
      for (let q = 0; q < d; q++) {
        const x = a[p * d + q] * a[p * d + q];
        total += x;
        if (p !== q) off += x;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const app = a[p * d + p];
        const aqq = a[q * d + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A <- J^T A J on rows/columns p and q.
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        a[p * d + q] = 0;
        a[q * d + p] = 0;
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = a[i * d + i];
  return { values, vectors: v };
}

/** The symmetric positive semi-definite square root V diag(sqrt(max(l, 0))) V^T. */
export function sqrtmSymmetric(matrix: Matrix, d: number): Matrix {
  const { values, vectors } = symmetricEigen(matrix, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const s = Math.sqrt(Math.max(values[k], 0));
    if (s === 0) continue;
    for (let i = 0; i < d; i++) {
      const vik = vectors[i * d + k] * s;
      if (vik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j] += vik * vectors[j * d + k];
    }
  }
  return out;
}

function matmul(a: Matrix, b: Matrix, d: number): Matrix {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k];
      if (aik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j] += aik * b[k * d + j];
    }
  }
  return out;
}

/**
 * Fréchet distance between N(m1, S1) and N(m2, S2):
 * |m1 - m2|^2 + tr S1 + tr S2 - 2 tr (S1^1/2 S2 S1^1/2)^1/2, the trace of the square root taken
 * from the eigenvalues of the symmetric matrix S1^1/2 S2 S1^1/2 (clamped at 0).
 */
export function frechetDistance(g1: Gaussian, g2: Gaussian): number {
  const d = g1.d;
  if (g2.d !== d) throw new Error(`feature sizes differ: ${d} and ${g2.d}`);
  let diff = 0;
  for (let j = 0; j < d; j++) diff += (g1.mean[j] - g2.mean[j]) ** 2;
  let tr = 0;
  for (let j = 0; j < d; j++) tr += g1.cov[j * d + j] + g2.cov[j * d + j];
  const r = sqrtmSymmetric(g1.cov, d);
  const m = matmul(matmul(r, g2.cov, d), r, d);
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const s = (m[i * d + j] + m[j * d + i]) / 2;
      m[i * d + j] = s;
      m[j * d + i] = s;
    }
  }
  const { values } = symmetricEigen(m, d);
  let trSqrt = 0;
  for (const l of values) trSqrt += Math.sqrt(Math.max(l, 0));
  return Math.max(0, diff + tr - 2 * trSqrt);
}

/** FID of two feature sets ([n, d] row-major each). */
export function fid(a: ArrayLike<number>, na: number, b: ArrayLike<number>, nb: number, d: number): number {
  return frechetDistance(gaussianOf(a, na, d), gaussianOf(b, nb, d));
}

/**
 * Kernel inception distance (Bińkowski et al. 2018): the unbiased estimate of MMD^2 with the
 * polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over disjoint blocks of `block` rows
 * of each set (the last, partial block dropped); std is across blocks.
 */
export function kid(a: ArrayLike<number>, na: number, b: ArrayLike<number>, nb: number, d: number, block = 1000): { mean: number; std: number; blocks: number } {
  const m = Math.min(block, na, nb);
  if (m < 2) throw new Error(`KID needs at least 2 samples per set, got ${na} and ${nb}`);
  const blocks = Math.max(1, Math.min(Math.floor(na / m), Math.floor(nb / m)));
  const k = (x: ArrayLike<number>, i: number, y: ArrayLike<number>, j: number): number => {
    let dot = 0;
    const xi = i * d;
    const yj = j * d;
    for (let t = 0; t < d; t++) dot += x[xi + t] * y[yj + t];
    const u = dot / d + 1;
    return u * u * u;
  };
  const values: number[] = [];
  for (let s = 0; s < blocks; s++) {
    const o = s * m;
    let kxx = 0;
    let kyy = 0;
    let kxy = 0;
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        kxx += k(a, o + i, a, o + j);
        kyy += k(b, o + i, b, o + j);
      }
      for (let j = 0; j < m; j++) kxy += k(a, o + i, b, o + j);
    }
    values.push((2 * kxx) / (m * (m - 1)) + (2 * kyy) / (m * (m - 1)) - (2 * kxy) / (m * m));
  }
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std, blocks };
}

export function argmaxRows(probs: ArrayLike<number>, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

export interface ClassStats {
  /** Share of samples the classifier puts in each class (argmax). */
  histogram: number[];
  /** Classes holding at least `minShare` of the samples. */
  covered: number;
  /** Entropy of the histogram in bits (log2 10 = 3.32 for ten even classes). */
  entropyBits: number;
  /** exp(E_x KL(p(y|x) || p(y))), p(y) the mean of p(y|x): the inception score with this classifier. */
  inceptionScore: number;
}

export function classStats(probs: ArrayLike<number>, n: number, k: number, minShare = 0.01): ClassStats {
  const predicted = argmaxRows(probs, n, k);
  const counts = new Array<number>(k).fill(0);
  for (const c of predicted) counts[c]++;
  const histogram = counts.map((c) => c / n);
  const marginal = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) marginal[c] += probs[i * k + c] / n;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const p = probs[i * k + c];
      if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[c]));
    }
  }
  return {
    histogram,
    covered: histogram.filter((s) => s >= minShare).length,
    entropyBits: Math.max(0, -histogram.reduce((s, p) => (p > 0 ? s + p * Math.log2(p) : s), 0)),
    inceptionScore: Math.exp(kl / n),
  };
}

/** Share of rows whose argmax equals the wanted class. */
export function accuracyOf(probs: ArrayLike<number>, wanted: ArrayLike<number>, k: number): number {
  const n = wanted.length;
  const predicted = argmaxRows(probs, n, k);
  let hits = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === wanted[i]) hits++;
  return hits / n;
}

export interface CodeStats {
  /** For each code value: the class most of its samples fall in, and that class's share. */
  majority: number[];
  purity: number[];
  meanPurity: number;
  /** How many different classes the code values' majorities are. */
  distinct: number;
}

/** How a categorical code with `values` settings maps onto the classifier's classes. */
export function codeStats(probs: ArrayLike<number>, codes: ArrayLike<number>, values: number, k: number): CodeStats {
  const predicted = argmaxRows(probs, codes.length, k);
  const counts = Array.from({ length: values }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < codes.length; i++) counts[codes[i]][predicted[i]]++;
  const majority: number[] = [];
  const purity: number[] = [];
  for (const row of counts) {
    const total = row.reduce((s, v) => s + v, 0);
    const best = row.indexOf(Math.max(...row));
    majority.push(best);
    purity.push(total > 0 ? row[best] / total : NaN);
  }
  const seen = purity.filter((p) => !Number.isNaN(p));
  return { majority, purity, meanPurity: seen.reduce((s, p) => s + p, 0) / seen.length, distinct: new Set(majority.filter((_, i) => !Number.isNaN(purity[i]))).size };
}

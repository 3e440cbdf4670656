// BatchMatMul on wasm with transposed operands: the backend's own kernel uses XNNPACK only for
// untransposed single matrices and a naive loop otherwise (about 10 times slower), and dense
// layers' gradients are exactly such products. Transposed operands are copied transposed first;
// with OpenBLAS on, every single-matrix float32 product is one sgemm, transposes included.
import type * as tf from '@tensorflow/tfjs';
import { gemm, openBlasOn } from './openblas';
import { type Info, type Wasm, free, transposedCopy } from './wasm-heap';

const isSingleMatrix = (t: Info): boolean => t.shape.slice(0, -2).every((d) => d === 1);

export function withTransposedCopies(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const fast = a.dtype === 'float32' && b.dtype === 'float32' && isSingleMatrix(a) && isSingleMatrix(b);
    const backend = args.backend as Wasm;
    if (fast && openBlasOn()) {
      const r = Math.max(a.shape.length, b.shape.length);
      const out = gemm(backend, a, b, transposeA, transposeB);
      return { ...out, shape: [...new Array<number>(r - 2).fill(1), ...out.shape] };
    }
    if ((!transposeA && !transposeB) || !fast) return original(args);
    const copies: Info[] = [];
    const plain = (t: Info, transposed: boolean): Info => {
      if (!transposed) return t;
      copies.push(transposedCopy(backend, t));
      return copies[copies.length - 1];
    };
    const inputs = { a: plain(a, transposeA), b: plain(b, transposeB) };
    const out = original({ backend, inputs, attrs: { transposeA: false, transposeB: false } });
    free(backend, ...copies);
    return out;
  };
}

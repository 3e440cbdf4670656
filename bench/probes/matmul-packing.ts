// Probe: what XNNPACK's packing of the right operand costs a wasm matMul. tfjs's BatchMatMul
// packs its right operand into XNNPACK's layout on the first product with that tensor and keeps
// the packed copy for later products with the same tensor. A filter gradient multiplies by a
// fresh dy every call, so it pays the packing each time. For each size, the best of 5 products
// (after a warm-up) with one right operand reused, then with a fresh one each time (made before
// the clock starts), on the wasm backend with ganspec's kernels and threads.
//
//   node --import tsx bench/probes/matmul-packing.ts [m k n ...]   (default: the filter gradients
//                                                                  of DCGAN's folded layers)
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../runtime/backend/select';

/** Best ms of 5 products after a warm-up; `right` gives the operand of each, made before the clock
 *  starts, and `fresh` says whether it is a new tensor each time (then disposed after its product). */
function best(a: tf.Tensor2D, right: () => tf.Tensor2D, fresh: boolean): number {
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const b = right();
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    times.push(performance.now() - t0);
    c.dispose();
    if (fresh) b.dispose();
  }
  return Math.min(...times.slice(1));
}

async function main(): Promise<void> {
  console.log(`backend: ${await selectBackend('wasm')}`);
  const args = process.argv.slice(2).map(Number);
  const sizes = args.length >= 3 ? Array.from({ length: Math.floor(args.length / 3) }, (_, i) => args.slice(3 * i, 3 * i + 3)) : [[512, 7200, 256], [512, 2048, 512]];
  console.log('m x k x n            reused ms  GFLOP/s   fresh ms  GFLOP/s   packing ms');
  for (const [m, k, n] of sizes as [number, number, number][]) {
    const a = tf.randomNormal([m, k]) as tf.Tensor2D;
    const kept = tf.randomNormal([k, n]) as tf.Tensor2D;
    const reused = best(a, () => kept, false);
    const fresh = best(a, () => tf.randomNormal([k, n]) as tf.Tensor2D, true);
    tf.dispose([a, kept]);
    const rate = (ms: number): string => ((2 * m * k * n) / 1e6 / ms).toFixed(1).padStart(7);
    console.log(`${`${m} x ${k} x ${n}`.padEnd(20)} ${reused.toFixed(1).padStart(9)}  ${rate(reused)}  ${fresh.toFixed(1).padStart(9)}  ${rate(fresh)}  ${(fresh - reused).toFixed(1).padStart(11)}`);
  }
}

void main();

// The random draws a loss makes while it runs (the gradient penalty's interpolation weights,
// uniform_like / normal_like, DiffAugment's per-example numbers), told to a listener when one is
// set. Training sets none; the tfjs-vs-torch equivalence test (test/torch-equivalence.test.ts)
// records them in order and replays them on the torch side, so both targets see the same
// numbers. Imports only TensorFlow.js (and a type of diffaugment.ts).
import type * as tf from '@tensorflow/tfjs';
import type { AugmentDraws } from './diffaugment';

/** One draw: a random tensor (tfjs layout, batch axis first) or one batch's augmentation. */
export type Draw =
  | { readonly kind: 'uniform' | 'normal'; readonly shape: number[]; readonly values: Float32Array }
  | { readonly kind: 'augment'; readonly draws: AugmentDraws };

let listener: ((draw: Draw) => void) | null = null;

/** Calls `fn` with every draw a loss makes from now on (null: stop). */
export function listenToDraws(fn: ((draw: Draw) => void) | null): void {
  listener = fn;
}

/** Tells the listener, if any, of a random tensor just drawn (its values are read back). */
export function tellTensor(kind: 'uniform' | 'normal', t: tf.Tensor): tf.Tensor {
  listener?.({ kind, shape: [...t.shape], values: Float32Array.from(t.dataSync()) });
  return t;
}

/** Tells the listener, if any, of a batch's augmentation draws. */
export function tellAugment(draws: AugmentDraws): AugmentDraws {
  listener?.({ kind: 'augment', draws });
  return draws;
}

// Random tensors shaped like another one (`uniform_like(x, lo, hi)`, `normal_like(x, mean, std)`)
// for generated modules. They draw through tfjs's random ops without a seed, which seed
// themselves from Math.random: the run's seeded generator (runtime/rng.ts), as the random inputs
// of runtime/loop/random-inputs.ts do, so a run repeats and a checkpoint holds the stream. The
// draw carries no gradient to `t` (only its shape is read); a listener (draws.ts) may record it.
// Imports only TensorFlow.js and draws.ts.
import * as tf from '@tensorflow/tfjs';
import { tellTensor } from './draws';

/** Uniform on [lo, hi), shaped like t (batch axis included). */
export function uniformLike(t: tf.Tensor, lo = 0, hi = 1): tf.Tensor {
  return tellTensor('uniform', tf.randomUniform(t.shape, lo, hi));
}

/** Normal with this mean and standard deviation, shaped like t (batch axis included). */
export function normalLike(t: tf.Tensor, mean = 0, std = 1): tf.Tensor {
  return tellTensor('normal', tf.randomNormal(t.shape, mean, std));
}

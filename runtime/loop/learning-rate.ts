// The learning rate an optimizer uses at a step, and setting it on a tfjs optimizer. The rate is
// a pure function of the step (never a running product), so a resumed run uses exactly the
// rates of the same run uninterrupted. Imports tfjs and the contract only.
//
// tfjs 4.22 (tfjs-core/dist/optimizers/*_optimizer.js): Adam and RMSProp read their
// `learningRate` field at every applyGradients; SGD (and Momentum) keep `-learningRate` in a
// scalar tensor that only setLearningRate() replaces.
import type * as tf from '@tensorflow/tfjs';
import type { OptimizerSettings } from '../../contract/trainer';

/** The rate of the updates of step `step` (counted from 1): lr * clamp((end - step) / (end - start), 0, 1) under a linear decay. */
export function learningRate(settings: OptimizerSettings, step: number): number {
  const d = settings.decay;
  if (d === undefined || step <= d.start) return settings.lr;
  return settings.lr * Math.min(1, Math.max(0, (d.end - step) / (d.end - d.start)));
}

/** The field tfjs declares protected on every optimizer it has. */
type WithRate = { learningRate: number };

/** The rate the optimizer's next updates use. */
export function currentLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as WithRate).learningRate;
}

/** Sets the rate the optimizer's next updates use. */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  if (currentLearningRate(optimizer) === lr) return;
  // Not `instanceof tf.SGDOptimizer`: tfjs defines Optimizer[Symbol.hasInstance] by duck typing
  // (minimize, computeGradients, applyGradients), so every optimizer is an instance of every
  // optimizer class, and Adam has no setLearningRate.
  const sgd = optimizer as unknown as { setLearningRate?: (lr: number) => void };
  if (typeof sgd.setLearningRate === 'function') sgd.setLearningRate(lr);
  else (optimizer as unknown as WithRate).learningRate = lr;
}

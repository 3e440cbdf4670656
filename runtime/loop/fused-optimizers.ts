// tfjs's Adam, RMSprop and SGD with one fused kernel call per variable (runtime/backend/
// optimizer-kernels.ts) in place of tfjs's 2 to 14 elementwise ones. Subclasses that replace only
// applyGradients: the state (slot variables and their names and order, Adam's accBeta1/accBeta2,
// the iteration count), getWeights/setWeights, the class name and the configuration are tfjs's
// own, so checkpoints are the same files as before and old ones resume. On a backend without the
// kernels (tfjs-node), or for centered RMSprop, tfjs's own update runs. Imports tfjs and
// runtime/backend/optimizer-kernels.ts only.
import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE, type AdamAttrs, RMSPROP_UPDATE, type RMSPropAttrs, SGD_UPDATE, type SGDAttrs, registerOptimizerKernels } from '../backend/optimizer-kernels';

// For whichever of wasm and cpu runs, however it was chosen (selectBackend or tf.setBackend).
registerOptimizerKernels();

/** What tfjs's applyGradients takes (Adam's declares Variables in its map, a narrower type). */
type Gradients = Parameters<tf.Optimizer['applyGradients']>[0];

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** The fields tfjs 4.22 declares private on AdamOptimizer (tfjs-core/dist/optimizers/adam_optimizer.js). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

/** RMSPropOptimizer's (rmsprop_optimizer.js). */
interface RMSPropState {
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
  accumulatedMeanSquares: Slot[];
  accumulatedMoments: Slot[];
}

const fused = (kernel: string): boolean => tf.getKernel(kernel, tf.getBackend()) !== undefined;

/** The variables and gradients of an applyGradients call, by position, as tfjs reads them. */
function entries(gradients: Gradients): { name: string; value: tf.Variable; gradient: tf.Tensor | undefined }[] {
  const names = Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients);
  const registered = tf.engine().registeredVariables;
  return names.map((name, i) => ({
    name,
    value: registered[name],
    gradient: Array.isArray(gradients) ? gradients[i].tensor : gradients[name],
  }));
}

/** A zero slot named as tfjs names it, made as tfjs makes it. */
const slot = (value: tf.Variable, originalName: string): Slot => ({
  originalName,
  variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
});

/** Runs a fused update and assigns its outputs to the variable and its slots (in that order). */
function update(kernel: string, targets: tf.Variable[], gradient: tf.Tensor, inputs: Record<string, tf.Tensor>, attrs: object): void {
  const outs = tf.engine().runKernel(kernel, { x: targets[0], g: gradient, ...inputs }, attrs as tf.NamedAttrMap) as tf.Tensor[];
  targets.forEach((t, i) => t.assign(outs[i]));
  tf.dispose(outs);
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(gradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!fused(ADAM_UPDATE)) return super.applyGradients(gradients);
    const s = this as unknown as AdamState;
    const accBeta1 = s.accBeta1.dataSync()[0];
    const accBeta2 = s.accBeta2.dataSync()[0];
    const attrs: AdamAttrs = { learningRate: s.learningRate, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, accBeta1, accBeta2 };
    entries(gradients).forEach(({ name, value, gradient }, i) => {
      s.accumulatedFirstMoment[i] ??= slot(value, `${name}/m`);
      s.accumulatedSecondMoment[i] ??= slot(value, `${name}/v`);
      if (gradient == null) return;
      const m = s.accumulatedFirstMoment[i].variable;
      const v = s.accumulatedSecondMoment[i].variable;
      update(ADAM_UPDATE, [value, m, v], gradient, { m, v }, attrs);
    });
    // tfjs: accBeta.assign(mul(accBeta, beta)), a float32 product.
    tf.tidy(() => {
      s.accBeta1.assign(tf.scalar(Math.fround(accBeta1 * Math.fround(s.beta1))));
      s.accBeta2.assign(tf.scalar(Math.fround(accBeta2 * Math.fround(s.beta2))));
    });
    this.incrementIterations();
  }
}

export class FusedRMSPropOptimizer extends tf.RMSPropOptimizer {
  override applyGradients(gradients: Gradients): void {
    const s = this as unknown as RMSPropState;
    if (s.centered || !fused(RMSPROP_UPDATE)) return super.applyGradients(gradients);
    const attrs: RMSPropAttrs = { learningRate: s.learningRate, decay: s.decay, momentum: s.momentum, epsilon: s.epsilon };
    entries(gradients).forEach(({ name, value, gradient }, i) => {
      s.accumulatedMeanSquares[i] ??= slot(value, `${name}/rms`);
      s.accumulatedMoments[i] ??= slot(value, `${name}/momentum`);
      if (gradient == null) return;
      const ms = s.accumulatedMeanSquares[i].variable;
      const mom = s.accumulatedMoments[i].variable;
      update(RMSPROP_UPDATE, [value, ms, mom], gradient, { s: ms, p: mom }, attrs);
    });
    this.incrementIterations();
  }
}

export class FusedSGDOptimizer extends tf.SGDOptimizer {
  override applyGradients(gradients: Gradients): void {
    if (!fused(SGD_UPDATE)) return super.applyGradients(gradients);
    const attrs: SGDAttrs = { learningRate: this.learningRate };
    for (const { value, gradient } of entries(gradients)) {
      if (gradient != null) update(SGD_UPDATE, [value], gradient, {}, attrs);
    }
    this.incrementIterations();
  }
}

// Gradients registered for every backend: zero gradients for comparison and logical kernels that
// tfjs leaves without one (their outputs are piecewise constant, so the gradient is zero; without
// it second-order gradients fail: a gradient penalty through leakyReLU, whose gradient uses
// Greater), a Tile gradient in place of tfjs-core's, and Tanh, Sigmoid and Exp gradients that
// recompute their output from the input (tfjs-core's read a saved copy of the output, which its
// tape records before the op itself, so a second-order gradient (grad(D(x), x) in a loss, the
// gradient penalty) loses every path through it: R1's gradient missed D's first-layer biases
// behind a tanh; test/expr-tensor.test.ts).
import * as tf from '@tensorflow/tfjs';

const BINARY = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual',
  'LogicalAnd', 'LogicalOr', 'LogicalXor'];
const UNARY = ['LogicalNot', 'IsNan', 'IsInf', 'IsFinite', 'All', 'Any'];

function registerZero(kernelName: string, inputs: string[]): void {
  if (tf.getGradient(kernelName) != null) return;
  tf.registerGradient({
    kernelName,
    inputsToSave: inputs,
    gradFunc: (_dy, saved) =>
      Object.fromEntries(inputs.map((name, i) => [name, () => tf.zerosLike(saved[i])])),
  });
}

/** d tile(x, reps) / dx: dy [r0·d0, r1·d1, ...] seen as [r0, d0, r1, d1, ...] and summed over
 *  the r axes, after dropping axes of size 1 and merging neighbours of the same kind. One Reshape
 *  and one Sum (tfjs-core's gradient makes a Slice and an Add per repetition), differentiable
 *  itself for second-order gradients. Above rank 4 (the Sum's own gradient then broadcasts at
 *  that rank, which the wasm backend gets wrong beyond its limit) one axis is summed at a time. */
export function tileGradient(dy: tf.Tensor, reps: number[], xShape: number[]): tf.Tensor {
  const sizes: number[] = [];
  const isRep: boolean[] = [];
  xShape.forEach((d, i) => {
    for (const [size, rep] of [[reps[i], true], [d, false]] as const) {
      if (size === 1) continue;
      if (isRep.length > 0 && isRep[isRep.length - 1] === rep) sizes[sizes.length - 1] *= size;
      else { sizes.push(size); isRep.push(rep); }
    }
  });
  const axes = isRep.flatMap((rep, i) => (rep ? [i] : []));
  if (axes.length === 0) return tf.reshape(dy, xShape);
  if (sizes.length <= 4) return tf.reshape(tf.sum(tf.reshape(dy, sizes), axes), xShape);
  const product = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const shape = xShape.map((d, i) => d * reps[i]);
  let g = dy;
  for (let i = 0; i < shape.length; i++) {
    if (reps[i] === 1) continue;
    const view = [product(shape.slice(0, i)), reps[i], xShape[i], product(shape.slice(i + 1))];
    g = tf.sum(tf.reshape(g, view), 1);
    shape[i] = xShape[i];
  }
  return tf.reshape(g, xShape);
}

const tileGradFunc: tf.GradFunc = (dy, saved, attrs) => {
  const { reps } = attrs as unknown as { reps: number[] };
  return { x: () => tileGradient(dy as tf.Tensor, reps, saved[0].shape) };
};

/** Replaces tfjs-core's Tile gradient (for every backend). */
function registerTileGradient(): void {
  if (tf.getGradient('Tile')?.gradFunc === tileGradFunc) return;
  tf.registerGradient({ kernelName: 'Tile', inputsToSave: ['x'], gradFunc: tileGradFunc });
}

/**
 * d f(x) / dx written with f(x) recomputed from the saved input, so it is on the tape; in
 * tfjs-core's order of operations, so first-order gradients stay bit for bit what they were.
 */
const FROM_INPUT: Record<string, (x: tf.Tensor, dy: tf.Tensor) => tf.Tensor> = {
  Tanh: (x, dy) => tf.mul(tf.sub(1, tf.square(tf.tanh(x))), dy),
  Sigmoid: (x, dy) => {
    const s = tf.sigmoid(x);
    return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
  },
  Exp: (x, dy) => tf.mul(dy, tf.exp(x)),
};

function registerFromInput(kernelName: string): void {
  const derivative = FROM_INPUT[kernelName];
  tf.registerGradient({
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => derivative(saved[0], dy as tf.Tensor) }),
  });
}

export function registerGradients(): void {
  for (const name of BINARY) registerZero(name, ['a', 'b']);
  for (const name of UNARY) registerZero(name, ['x']);
  registerTileGradient();
  for (const name of Object.keys(FROM_INPUT)) registerFromInput(name);
}

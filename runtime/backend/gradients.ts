// Zero gradients for comparison and logical kernels that tfjs leaves without one. Their outputs
// are piecewise constant, so the gradient is zero; without it second-order gradients fail
// (a gradient penalty through leakyReLU, whose gradient uses Greater). Backend-independent.
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

export function registerZeroGradients(): void {
  for (const name of BINARY) registerZero(name, ['a', 'b']);
  for (const name of UNARY) registerZero(name, ['x']);
}

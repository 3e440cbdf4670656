// Tensor functions of the spec language beyond the elementwise ones, as generated modules call
// them (`gs.reduce('std', t, [0])`, `gs.norm(t, 2)`, `gs.dot(a, b)`, `gs.grad(f, x)`): reductions
// along axes, per-example products and norms, and the gradient of an expression with respect to
// a tensor it reads. Axes are tfjs axes (the compiler resolves the spec's, negative ones too).
// Imports only TensorFlow.js.
import * as tf from '@tensorflow/tfjs';

export type Reduction = 'mean' | 'sum' | 'max' | 'min' | 'std' | 'var';

/** Added under the square root of an L2 norm, so its gradient at 0 is finite (as gradientPenalty). */
const NORM_EPSILON = 1e-12;

/**
 * `fn` of `t` over `axes` (all of them when absent). std and var are the population ones
 * (numpy's default, ddof 0): var = mean((t - mean(t))^2), std = sqrt(var).
 */
export function reduce(fn: Reduction, t: tf.Tensor, axes?: number[]): tf.Tensor {
  return tf.tidy(() => {
    switch (fn) {
      case 'mean':
        return tf.mean(t, axes);
      case 'sum':
        return tf.sum(t, axes);
      case 'max':
        return tf.max(t, axes);
      case 'min':
        return tf.min(t, axes);
      case 'var':
      case 'std': {
        const variance = tf.moments(t, axes ?? t.shape.map((_, i) => i)).variance;
        return fn === 'var' ? variance : tf.sqrt(variance);
      }
    }
  });
}

/** The axes after the batch axis (1 .. rank - 1). */
const exampleAxes = (t: tf.Tensor): number[] => t.shape.slice(1).map((_, i) => i + 1);

/** Per example, the sum over all other axes of a * b: [batch]. Operands of one shape. */
export function dot(a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const product = tf.mul(a, b);
    return (product.rank === 1 ? product : tf.sum(product, exampleAxes(product))) as tf.Tensor1D;
  });
}

/** Per example, the sum of squares over all other axes: [batch]. */
export function sqnorm(t: tf.Tensor): tf.Tensor1D {
  return dot(t, t);
}

/**
 * Per example, the p-norm over all other axes: [batch]. p = 2 is sqrt(sum t^2 + 1e-12), whose
 * gradient stays finite where t is 0 (the 1e-12 adds at most 1e-6 to the value); p = 1 is
 * sum |t|; p = 'inf' is max |t|.
 */
export function norm(t: tf.Tensor, p: 1 | 2 | 'inf' = 2): tf.Tensor1D {
  return tf.tidy(() => {
    if (p === 2) return tf.sqrt(tf.add(sqnorm(t), NORM_EPSILON)) as tf.Tensor1D;
    const magnitude = tf.abs(t);
    const axes = exampleAxes(t);
    if (axes.length === 0) return magnitude as tf.Tensor1D;
    return (p === 1 ? tf.sum(magnitude, axes) : tf.max(magnitude, axes)) as tf.Tensor1D;
  });
}

/**
 * The gradient of f (summed over every axis, batch included, to one number) with respect to its
 * argument, at `at`: a tensor of at's shape. Built with tf.grad inside the caller's tape, so the
 * result is differentiable again with respect to the weights f uses (double backprop).
 */
export function grad(f: (v: tf.Tensor) => tf.Tensor, at: tf.Tensor): tf.Tensor {
  return tf.grad((v: tf.Tensor) => tf.sum(f(v)))(at);
}

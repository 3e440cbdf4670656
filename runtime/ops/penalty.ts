// The gradient penalty of Gulrajani et al. 2017: mean((||d critic(x̂) / d x̂||₂ - 1)²) over random interpolates
// x̂ of real and generated batches; differentiable again w.r.t. the critic's weights. The
// interpolation weights are told to a draws listener (draws.ts) when one is set.
import * as tf from '@tensorflow/tfjs';
import { tellTensor } from './draws';

export function gradientPenalty(critic: (x: tf.Tensor) => tf.Tensor, real: tf.Tensor, fake: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const alphaShape = [real.shape[0], ...real.shape.slice(1).map(() => 1)];
    const alpha = tellTensor('uniform', tf.randomUniform(alphaShape));
    const interpolated = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
    const gradients = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(interpolated);
    const axes = gradients.shape.slice(1).map((_, i) => i + 1);
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(gradients), axes), 1e-12));
    return tf.mean(tf.square(tf.sub(norms, 1))) as tf.Scalar;
  });
}

// The small critic the second-order gradient tests share (conv, batch norm, leaky ReLU, a valid
// conv, flatten, dense, on [8, 8, 2] images) and the penalty they differentiate: mean over the
// batch of (||d sum(critic(x)) / dx|| - 1)^2, WGAN-GP's penalty at x. Imports tfjs only.
import * as tf from '@tensorflow/tfjs';

export function penaltyCritic(): { critic: tf.Sequential; penalty: (x: tf.Tensor) => tf.Scalar } {
  const L = tf.layers;
  const critic = tf.sequential({
    layers: [
      L.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false }),
      L.batchNormalization({ momentum: 0.8 }),
      L.leakyReLU({ alpha: 0.2 }),
      L.conv2d({ filters: 3, kernelSize: 3, strides: 1, padding: 'valid' }),
      L.leakyReLU({ alpha: 0.2 }),
      L.flatten(),
      L.dense({ units: 1 }),
    ],
  });
  const penalty = (x: tf.Tensor): tf.Scalar => {
    const g = tf.grad((a) => tf.sum(critic.apply(a, { training: true }) as tf.Tensor))(x);
    const norm = tf.sqrt(tf.sum(tf.square(g), [1, 2, 3]));
    return tf.mean(tf.square(tf.sub(norm, 1))) as tf.Scalar;
  };
  return { critic, penalty };
}

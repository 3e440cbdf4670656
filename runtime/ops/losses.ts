// The loss functions of the spec language, as Keras defines them: each takes a batch of
// predictions and a target (a tensor or a constant) and returns the batch mean.
import * as tf from '@tensorflow/tfjs';

const EPSILON = 1e-7;

type Target = tf.Tensor | number;

function like(pred: tf.Tensor, target: Target): tf.Tensor {
  return typeof target === 'number' ? tf.fill(pred.shape, target) : target;
}

/** Binary cross-entropy on probabilities (a sigmoid output), clipped like Keras. */
export function bce(pred: tf.Tensor, target: Target): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(pred, EPSILON, 1 - EPSILON);
    const t = like(pred, target);
    const loss = tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p))));
    return tf.neg(tf.mean(loss)) as tf.Scalar;
  });
}

/**
 * Categorical cross-entropy on probabilities [batch, classes] (a softmax output). The target is a
 * class number, int32 class labels [batch] (or [batch, 1]), or float one-hot codes [batch, classes].
 */
export function ce(pred: tf.Tensor, target: Target): tf.Scalar {
  return tf.tidy(() => {
    const classes = pred.shape[pred.shape.length - 1];
    const batch = pred.shape[0];
    let onehot: tf.Tensor;
    if (typeof target === 'number') onehot = tf.oneHot(tf.fill([batch], target, 'int32') as tf.Tensor1D, classes);
    else if (target.dtype === 'int32') onehot = tf.oneHot(tf.reshape(target, [batch]) as tf.Tensor1D, classes);
    else onehot = target;
    const p = tf.clipByValue(pred, EPSILON, 1 - EPSILON);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.log(p)), -1))) as tf.Scalar;
  });
}

export function mse(pred: tf.Tensor, target: Target): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(pred, target))) as tf.Scalar);
}

/** Mean absolute error (Keras 'mae'). */
export function l1(pred: tf.Tensor, target: Target): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(pred, target))) as tf.Scalar);
}

/** The identity whose gradient is zero: the value flows on, learning does not. */
export const detach = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.zerosLike(dy as tf.Tensor),
})) as (x: tf.Tensor) => tf.Tensor;

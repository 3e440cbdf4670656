// The loss functions of the spec language, as Keras defines them: each takes a batch of
// predictions and a target (a tensor or a constant) and returns the batch mean. bce and ce take
// probabilities (clipped like Keras); bceLogits and ceLogits take logits, computed stably.
import * as tf from '@tensorflow/tfjs';

const EPSILON = 1e-7;

type Target = tf.Tensor | number;

function like(pred: tf.Tensor, target: Target): tf.Tensor {
  return typeof target === 'number' ? tf.fill(pred.shape, target) : target;
}

/** ce's target as one-hot codes [batch, classes]: a class number, int32 labels [batch] (or [batch, 1]), or the codes. */
function onehotTarget(pred: tf.Tensor, target: Target): tf.Tensor {
  const classes = pred.shape[pred.shape.length - 1];
  const batch = pred.shape[0];
  if (typeof target === 'number') return tf.oneHot(tf.fill([batch], target, 'int32') as tf.Tensor1D, classes);
  if (target.dtype === 'int32') return tf.oneHot(tf.reshape(target, [batch]) as tf.Tensor1D, classes);
  return target;
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
    const p = tf.clipByValue(pred, EPSILON, 1 - EPSILON);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehotTarget(pred, target), tf.log(p)), -1))) as tf.Scalar;
  });
}

/**
 * Binary cross-entropy on logits (unbounded scores), stable at any logit:
 * mean(max(l, 0) - l * t + log(1 + exp(-|l|))), which is bce(sigmoid(l), t) without its clipping.
 */
export function bceLogits(logits: tf.Tensor, target: Target): tf.Scalar {
  return tf.tidy(() => {
    const t = like(logits, target);
    const loss = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, t)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(loss) as tf.Scalar;
  });
}

/**
 * Categorical cross-entropy on class logits [batch, classes] by log-softmax (l - log-sum-exp(l),
 * stable at any logit), with ce's targets: ce(softmax(l), t) without its clipping.
 */
export function ceLogits(logits: tf.Tensor, target: Target): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(onehotTarget(logits, target), tf.logSoftmax(logits)), -1))) as tf.Scalar);
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

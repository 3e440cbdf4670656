// Typed steps for generated code, so that no line of a trainer module needs a cast: `layer`
// applies a layer to symbolic inputs while a network is built, `asScalar` hands back a loss.
// Each checks at run time what its type claims. Imports only TensorFlow.js.
import * as tf from '@tensorflow/tfjs';

/** Applies `layer` to one symbolic tensor (or, for a merge, a list) and returns its one output. */
export function layer(l: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
  const output = l.apply(input);
  if (!(output instanceof tf.SymbolicTensor)) throw new Error(`internal error: layer '${l.name}' did not give one symbolic tensor`);
  return output;
}

/** A loss value as a scalar: a tensor of rank 0, anything else is a compiler bug. */
export function asScalar(loss: tf.Tensor): tf.Scalar {
  if (loss.rank !== 0) throw new Error(`internal error: a loss of shape [${loss.shape.join(', ')}] is not a single number`);
  return loss as tf.Scalar;
}

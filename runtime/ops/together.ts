// Several calls of one network as one batch (compiler/emit/together.ts decides which): each input
// joined along axis 0, one call, each output split back into the calls' own batches. For networks
// whose layers treat each example on its own, the values are those of separate calls, in one set of
// larger kernels. Imports only TensorFlow.js.
import * as tf from '@tensorflow/tfjs';

/** One call's inputs: a tensor for a network of one input, a list for several. */
type Inputs = tf.Tensor | tf.Tensor[];

const asList = (x: Inputs): tf.Tensor[] => (Array.isArray(x) ? x : [x]);

/** The network's outputs for all the calls, each head split into the calls' batch sizes. */
function applyJoined(net: tf.LayersModel, calls: Inputs[], training: boolean): tf.Tensor[][] {
  const lists = calls.map(asList);
  const sizes = lists.map((l) => l[0].shape[0]);
  const joined = lists[0].map((_, i) => tf.concat(lists.map((l) => l[i]), 0));
  const out = net.apply(joined.length === 1 ? joined[0] : joined, { training }) as tf.Tensor | tf.Tensor[];
  const heads = asList(out).map((h) => tf.split(h, sizes, 0));
  return calls.map((_, c) => heads.map((h) => h[c]));
}

/** Calls of a network of one output: each call's output. */
export function applyTogether(net: tf.LayersModel, calls: Inputs[], options: { training: boolean }): tf.Tensor[] {
  if (net.outputs.length !== 1) throw new Error(`internal error: applyTogether on ${net.name}, which has ${net.outputs.length} outputs`);
  return applyJoined(net, calls, options.training).map((heads) => heads[0]);
}

/** Calls of a network of several outputs: each call's outputs, in the network's order. */
export function applyTogetherHeads(net: tf.LayersModel, calls: Inputs[], options: { training: boolean }): tf.Tensor[][] {
  return applyJoined(net, calls, options.training);
}

// Reads a checkpointed network's weights for an already-built tf.LayersModel: weights are
// matched by order (model.weights, the order model.save wrote them in) and each one's name and
// shape is checked, so a changed architecture fails with the network and weight named.
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { MODEL_JSON, readModelArtifacts, WEIGHTS_BIN } from './dir-io-handler';

// Auto-generated layer names carry a per-process counter (dense_Dense1 vs dense_Dense4 for the
// same layer built twice), so names are compared with the digits ending each scope removed.
function comparableName(name: string): string {
  return name.replace(/\d+(?=\/)/g, '');
}

function sameShape(a: readonly number[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function describe(name: string, shape: readonly (number | null)[]): string {
  return `${name} [${shape.join(',')}]`;
}

/** Decoded weights of network `name` stored in `dir`, in model.weights order (caller disposes). */
export async function readNetworkWeights(name: string, dir: string, model: tf.LayersModel): Promise<tf.Tensor[]> {
  const { weightSpecs = [], weightData = new ArrayBuffer(0) } = await readModelArtifacts(dir);
  const expected = model.weights;
  if (weightSpecs.length !== expected.length) {
    throw new UserError(`checkpoint network '${name}' in ${dir} has ${weightSpecs.length} weights but the model has ${expected.length}`);
  }
  weightSpecs.forEach((spec, i) => {
    const want = expected[i]!;
    if (comparableName(spec.name) !== comparableName(want.originalName) || !sameShape(spec.shape, want.shape)) {
      throw new UserError(`checkpoint network '${name}' weight ${i} is ${describe(spec.name, spec.shape)} but the model expects ${describe(want.originalName, want.shape)} (${dir})`);
    }
  });
  let decoded: tf.NamedTensorMap;
  try {
    decoded = tf.io.decodeWeights(weightData, weightSpecs);
  } catch (err) {
    throw new UserError(`corrupt checkpoint file ${path.join(dir, WEIGHTS_BIN)}: ${(err as Error).message}`);
  }
  if (Object.keys(decoded).length !== weightSpecs.length) {
    tf.dispose(decoded);
    throw new UserError(`corrupt checkpoint file ${path.join(dir, MODEL_JSON)}: duplicate weight names`);
  }
  return weightSpecs.map((spec) => decoded[spec.name]!);
}

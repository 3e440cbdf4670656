// Turning a network's dropout layers into the identity and back. Dropout draws its own mask in
// each framework, so the tfjs-vs-torch equivalence test (test/torch-equivalence.test.ts) runs
// both targets with dropout off; training never calls this. Imports tfjs only.
import type * as tf from '@tensorflow/tfjs';

/** tfjs's Dropout keeps its rate in a public field and applies no mask at rate 0. */
type WithRate = { rate: number };

const rates = new WeakMap<object, number>();

/** Every dropout layer of the networks passes its input through (false) or drops again at its own rate (true). */
export function setDropoutEnabled(nets: Record<string, tf.LayersModel>, enabled: boolean): void {
  for (const model of Object.values(nets)) {
    for (const layer of model.layers) {
      if (layer.getClassName() !== 'Dropout') continue;
      const l = layer as unknown as WithRate;
      if (!rates.has(layer)) rates.set(layer, l.rate);
      l.rate = enabled ? rates.get(layer)! : 0;
    }
  }
}

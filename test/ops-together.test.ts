// Calls of one network as one batch (runtime/ops/together.ts) against the same calls made apart:
// each call's outputs, and the gradients of a loss over both with respect to the weights, for a
// network of one input and one output and for one of two inputs and two heads, calls of unequal
// batch sizes, on the cpu backend and on wasm.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { applyTogether, applyTogetherHeads } from '../runtime/ops/together';
import { useBackend } from './helpers';

/** A small critic: conv, leaky relu, flatten, dense. */
function critic(): tf.LayersModel {
  const x = tf.input({ shape: [6, 6, 2] });
  const c = tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }).apply(x) as tf.SymbolicTensor;
  const a = tf.layers.leakyReLU({ alpha: 0.2 }).apply(c) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) }).apply(tf.layers.flatten().apply(a)) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}

/** Two inputs (an image and a code) and two heads. */
function twoHeaded(): tf.LayersModel {
  const x = tf.input({ shape: [4] });
  const code = tf.input({ shape: [2] });
  const h = tf.layers.dense({ units: 5, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ seed: 3 }) }).apply(tf.layers.concatenate().apply([x, code])) as tf.SymbolicTensor;
  const a = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomNormal({ seed: 4 }) }).apply(h) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 5 }) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: [x, code], outputs: [a, b] });
}

/** The weights' gradients of `loss`, in the model's order. */
function weightGrads(model: tf.LayersModel, loss: () => tf.Scalar): tf.Tensor[] {
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { grads } = tf.variableGrads(loss, vars);
  return vars.map((v) => grads[v.name]);
}

function assertClose(actual: tf.Tensor, expected: tf.Tensor, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, what);
  const [a, e] = [actual.dataSync(), expected.dataSync()];
  for (let i = 0; i < e.length; i++) assert.ok(Math.abs(a[i] - e[i]) <= 1e-5 + 1e-4 * Math.abs(e[i]), `${what}[${i}]: ${a[i]} against ${e[i]}`);
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`${backend}: one critic's calls on batches of 3 and 5 give each call's own outputs and the same weight gradients`, async () => {
    await useBackend(backend);
    const d = critic();
    const fake = tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 11);
    const real = tf.randomNormal([5, 6, 6, 2], 0, 1, 'float32', 12);
    const [df, dr] = applyTogether(d, [fake, real], { training: true });
    assertClose(df, d.apply(fake) as tf.Tensor, 'D(fake)');
    assertClose(dr, d.apply(real) as tf.Tensor, 'D(real)');
    const apart = weightGrads(d, () => tf.sub(tf.mean(d.apply(fake, { training: true }) as tf.Tensor), tf.mean(d.apply(real, { training: true }) as tf.Tensor)) as tf.Scalar);
    const joined = weightGrads(d, () => {
      const [f, r] = applyTogether(d, [fake, real], { training: true });
      return tf.sub(tf.mean(f), tf.mean(r)) as tf.Scalar;
    });
    assert.equal(joined.length, 4);
    joined.forEach((g, i) => assertClose(g, apart[i], `gradient ${i}`));
  });

  test(`${backend}: a network of two inputs and two heads gives each call its heads, in order`, async () => {
    await useBackend(backend);
    const m = twoHeaded();
    const calls = [
      [tf.randomNormal([2, 4], 0, 1, 'float32', 21), tf.randomNormal([2, 2], 0, 1, 'float32', 22)],
      [tf.randomNormal([4, 4], 0, 1, 'float32', 23), tf.randomNormal([4, 2], 0, 1, 'float32', 24)],
    ];
    const together = applyTogetherHeads(m, calls, { training: true });
    calls.forEach((inputs, c) => {
      const apart = m.apply(inputs) as tf.Tensor[];
      assert.equal(together[c].length, 2);
      together[c].forEach((h, i) => assertClose(h, apart[i], `call ${c} head ${i}`));
    });
    assert.throws(() => applyTogether(m, calls, { training: true }), /internal error: applyTogether on .*, which has 2 outputs/);
  });
}

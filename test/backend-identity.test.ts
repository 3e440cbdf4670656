// Identity without copies (runtime/backend/identity.ts): the same gradients, first and second
// order, as tfjs's own clone and Identity give, on cpu (bit for bit) and wasm (against cpu);
// the tensors saved for the backward pass no longer cost an Identity kernel call each; and the
// wasm Identity (and Cast to the same dtype) shares its input's data, which outlives either
// tensor's disposal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerGradients } from '../runtime/backend/gradients';
import { registerTrainingKernels } from '../runtime/backend/wasm-kernels';

const x0 = [0.3, -1.2, 0.8, 2.1, -0.4, 0.05];
const w0 = [0.5, -0.7, 1.1, 0.2, -0.9, 0.6];

/**
 * A small critic with a gradient penalty, as WGAN-GP's: d(x) = sum(tanh(leakyRelu(x·W))),
 * loss = d(x) + (|∂d/∂x| - 1)²; returns ∂loss/∂W (through the second-order path) and the
 * Identity calls of one evaluation.
 */
async function penaltyGradient(): Promise<{ grad: number[]; identities: number; kernels: number }> {
  const w = tf.variable(tf.tensor2d(w0, [3, 2]));
  const x = tf.tensor2d(x0, [2, 3]);
  let grad: number[] = [];
  const profile = await tf.profile(() => {
    const g = tf.tidy(() => {
      const critic = (input: tf.Tensor) => tf.sum(tf.tanh(tf.leakyRelu(tf.matMul(input, w), 0.2)));
      const { value, grads } = tf.variableGrads(() => {
        const dx = tf.grad(critic)(x);
        const norm = tf.sqrt(tf.sum(tf.square(dx)));
        return tf.add(critic(x), tf.square(tf.sub(norm, 1))) as tf.Scalar;
      }, [w]);
      value.dispose();
      return grads[w.name];
    });
    grad = Array.from(g.dataSync());
    g.dispose();
  });
  w.dispose();
  x.dispose();
  const registered = profile.kernels.filter((k) => tf.getKernel(k.name, tf.getBackend()) !== undefined);
  return { grad, identities: registered.filter((k) => k.name === 'Identity').length, kernels: registered.length };
}

test('shared clones: the same first- and second-order gradients as tfjs, without the Identity calls', async () => {
  await tf.setBackend('cpu');
  registerGradients(); // leakyRelu's second-order gradient needs Greater's (zero) gradient
  const before = await penaltyGradient();
  assert.ok(before.identities >= 10, `tfjs's clones: ${before.identities} Identity calls`);

  registerTrainingKernels();
  const cpu = await penaltyGradient();
  assert.deepEqual(cpu.grad, before.grad, 'cpu: bit for bit');
  assert.equal(cpu.kernels, before.kernels - (before.identities - cpu.identities));
  assert.ok(cpu.identities < before.identities / 2, `${cpu.identities} Identity calls left of ${before.identities}`);

  await tf.setBackend('wasm');
  const wasm = await penaltyGradient();
  assert.equal(wasm.identities, cpu.identities);
  wasm.grad.forEach((g, i) => assert.ok(Math.abs(g - cpu.grad[i]) <= 1e-5 * Math.max(1, Math.abs(cpu.grad[i])), `wasm ∂/∂W[${i}] ${g} vs cpu ${cpu.grad[i]}`));
  // The penalty reaches W: a gradient without it differs.
  assert.ok(cpu.grad.some((g) => g !== 0));
});

for (const [what, op] of [['Identity', tf.clone], ['Cast to float32', (t: tf.Tensor) => tf.cast(t, 'float32')]] as const) {
  test(`wasm ${what} of a float32 tensor shares the data, which outlives either tensor`, async () => {
    registerTrainingKernels();
    await tf.setBackend('wasm');
    const backend = tf.engine().backend;
    const x = tf.tensor1d([1, 2.5, 3]);
    const ids = backend.numDataIds();
    const y = op(x);
    assert.equal(backend.numDataIds(), ids, 'no new data');
    x.dispose();
    assert.deepEqual(Array.from(y.dataSync()), [1, 2.5, 3]);
    y.dispose();
    assert.equal(backend.numDataIds(), ids - 1, 'freed with its last tensor');
  });
}

test('wasm Cast to another dtype still converts', async () => {
  registerTrainingKernels();
  await tf.setBackend('wasm');
  const y = tf.tidy(() => tf.cast(tf.tensor1d([1.7, -2.2, 0]), 'int32'));
  assert.equal(y.dtype, 'int32');
  assert.deepEqual(Array.from(y.dataSync()), [1, -2, 0]);
  y.dispose();
});

// Memory of a training step on the wasm backend (runtime/backend/tape-memory.ts and
// identity.ts): the backward pass frees each gradient and saved activation once it is done
// with them, yet computes bit for bit the gradients tfjs-core's own pass computes; Identity and
// same-dtype Cast share the input's memory instead of copying it. Heap use is measured exactly,
// by counting the bytes JavaScript asks the wasm heap for (tensors) and gives back.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { penaltyCritic } from './penalty-critic';
import type { DataSource } from '../contract/data';
import type { AnyTrainer } from '../contract/trainer';
import { withOriginalGradients } from '../runtime/backend/tape-memory';
import { registerTrainingKernels } from '../runtime/backend/wasm-kernels';
import { phaseRunners, updateOnce } from '../runtime/loop/phase';
import { buildNetworks } from '../runtime/loop/train';
import { installSeededRandom } from '../runtime/rng';
import { generatedTrainer } from './helpers';

interface Heap {
  _malloc(n: number): number;
  _free(p: number): void;
  /** The module's exports (frozen); its _malloc/_free call them. */
  asm: { malloc(n: number): number; free(p: number): void };
}

/** Counts the wasm heap's live bytes and their peak while f runs. */
function heapUse<T>(f: () => T): { result: T; peak: number; added: number } {
  const wasm = (tf.backend() as unknown as { wasm: Heap }).wasm;
  const [malloc, free] = [wasm._malloc, wasm._free];
  const sizes = new Map<number, number>();
  let live = 0;
  let peak = 0;
  wasm._malloc = (n) => {
    const p = wasm.asm.malloc(n);
    sizes.set(p, n);
    live += n;
    peak = Math.max(peak, live);
    return p;
  };
  wasm._free = (p) => {
    live -= sizes.get(p) ?? 0;
    sizes.delete(p);
    wasm.asm.free(p);
  };
  try {
    const result = f();
    return { result, peak, added: live };
  } finally {
    wasm._malloc = malloc;
    wasm._free = free;
  }
}

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed * 2654435761 >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

before(async () => {
  registerTrainingKernels();
  assert.ok(await tf.setBackend('wasm'));
});

describe('backward pass frees as it goes (runtime/backend/tape-memory.ts)', () => {
  const N = 1 << 14; // floats per activation: 64 KiB
  /** The gradient of sum(tanh(...tanh(x)...)), `depth` tanh deep, with its peak heap bytes. */
  const chain = (depth: number, original: boolean) => {
    const x = tf.variable(tf.tensor1d(values(N, 7)));
    const run = () => heapUse(() => tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        let h: tf.Tensor = x;
        for (let i = 0; i < depth; i++) h = tf.tanh(h);
        return tf.sum(h) as tf.Scalar;
      }, [x]);
      return grads[x.name].dataSync() as Float32Array;
    }));
    const use = original ? withOriginalGradients(run) : run();
    x.dispose();
    return use;
  };

  test('each tanh more costs one saved activation, not also its gradient; the gradient is the same bits', () => {
    const bytes = N * 4;
    const ours = [chain(4, false), chain(8, false)];
    const theirs = [chain(4, true), chain(8, true)];
    // Ours keeps the 4 more saved inputs of tanh; tfjs-core's keeps their 4 gradients as well.
    assert.equal(ours[1].peak - ours[0].peak, 4 * bytes);
    assert.equal(theirs[1].peak - theirs[0].peak, 8 * bytes);
    for (const use of [...ours, ...theirs]) assert.equal(use.added, 0, 'heap bytes left behind');
    assert.deepEqual(ours[1].result, theirs[1].result);
    // d/dx of tanh(tanh(x)) at x = 0.5, by hand, against a 2-deep chain's first element.
    const x0 = values(N, 7)[0];
    const t = Math.tanh(x0);
    const expected = (1 - Math.tanh(t) ** 2) * (1 - t ** 2);
    assert.ok(Math.abs(chain(2, false).result[0] - expected) < 1e-6);
  });

  test('what a gradient function makes before its per-input closures is freed with its node', () => {
    // An op whose gradient function computes a temporary t = 2·dy, then returns t / 2, and saves
    // nothing: tfjs-core keeps each op's t and its dy until the pass ends, ours frees both when
    // the op is done.
    const halfOfDouble = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: tf.mul(args[0] as tf.Tensor, 1),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const t = tf.mul(dy as tf.Tensor, 2);
        return [tf.mul(t, 0.5)];
      },
    }));
    const run = (depth: number) => {
      const x = tf.variable(tf.tensor1d(values(N, 9)));
      const use = heapUse(() => tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          let h: tf.Tensor = x;
          for (let i = 0; i < depth; i++) h = halfOfDouble(h) as tf.Tensor;
          return tf.sum(h) as tf.Scalar;
        }, [x]);
        return grads[x.name].dataSync() as Float32Array;
      }));
      x.dispose();
      return use;
    };
    const ours = [run(4), run(8)];
    const theirs = withOriginalGradients(() => [run(4), run(8)]);
    assert.deepEqual(ours[1].result, theirs[1].result);
    assert.ok(ours[1].result.every((v) => v === 1));
    // Each op more: ours peaks in the forward pass, which holds one more output; tfjs-core's
    // in its backward pass, which holds one more dy and one more t (the outputs are gone by then).
    assert.equal(ours[1].peak - ours[0].peak, 4 * N * 4);
    assert.equal(theirs[1].peak - theirs[0].peak, 2 * 4 * N * 4);
  });

  test('a discriminator update frees the generator activations it does not differentiate: its backward pass fits in its forward pass\'s peak', () => {
    // loss(D) = sum(tanh(G(z) · wD)) with only wD trained: G's 8 tanh save 8 activations that the
    // backward pass never reads. tfjs-core keeps them until the pass ends; ours frees them first,
    // which leaves room for every gradient the pass makes.
    const wD = tf.variable(tf.tensor1d(values(N, 3)));
    const loss = () => {
      let h: tf.Tensor = tf.tensor1d(values(N, 5));
      for (let i = 0; i < 8; i++) h = tf.tanh(h);
      return tf.sum(tf.tanh(tf.mul(h, wD))) as tf.Scalar;
    };
    const forward = heapUse(() => tf.tidy(() => loss().dataSync()));
    const step = () => heapUse(() => tf.tidy(() => tf.variableGrads(loss, [wD]).grads[wD.name].dataSync() as Float32Array));
    const ours = step();
    const theirs = withOriginalGradients(step);
    wD.dispose();
    assert.deepEqual(ours.result, theirs.result);
    assert.equal(ours.peak, forward.peak);
    assert.ok(theirs.peak > forward.peak + 4 * N * 4, `tfjs-core's: ${(theirs.peak - forward.peak) / (N * 4)} activations above the forward pass`);
  });

  test('second-order gradient (a gradient penalty through conv, batchnorm, leakyReLU, dense): same bits, nothing leaked', () => {
    const { critic, penalty: penaltyAt } = penaltyCritic();
    critic.setWeights(critic.getWeights().map((w, i) => tf.tensor(values(w.size, 20 + i), w.shape)));
    const x = tf.tensor(values(4 * 8 * 8 * 2, 13), [4, 8, 8, 2]);
    const weights = critic.trainableWeights.map((w) => w.read() as tf.Variable);
    const penalty = () => penaltyAt(x);
    const grads = () => {
      const tensors = tf.memory().numTensors;
      const out = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(penalty, weights);
        return [value, ...Object.values(grads)].map((t) => t.dataSync() as Float32Array);
      });
      assert.equal(tf.memory().numTensors, tensors, 'tensors leaked');
      return out;
    };
    const ours = grads();
    const theirs = withOriginalGradients(grads);
    critic.dispose();
    x.dispose();
    // The dense layer's bias has no gradient under a penalty on d critic / d input.
    assert.equal(ours.length, weights.length);
    assert.equal(theirs.length, ours.length);
    ours.forEach((a, i) => assert.deepEqual(a, theirs[i], `gradient #${i}`));
    assert.ok(ours.slice(1).some((g) => g.some((v) => v !== 0)));
  });
});

describe('generated trainers train bit for bit as with tfjs-core\'s backward pass', () => {
  /** Every weight's bytes and the losses after one update of each phase, at batch 2, seeded. */
  async function train(trainer: AnyTrainer): Promise<{ losses: number[]; weights: Float32Array[] }> {
    installSeededRandom(4);
    const nets = buildNetworks(trainer);
    const runners = phaseRunners(trainer, nets);
    const data: DataSource = {
      size: Number.POSITIVE_INFINITY,
      classes: 10,
      names: trainer.real.map((r) => r.name),
      batch: (n) => Object.fromEntries(trainer.real.map((r, i) => [r.name, tf.tensor(values(n * r.shape.reduce((a, b) => a * b, 1), 30 + i), [n, ...r.shape])])),
      identity: () => 'stand-in',
    };
    // The map runs every update, in order, before the first await: all inside withOriginalGradients.
    const losses = await Promise.all(runners.map((r) => updateOnce(trainer, r, nets, data, 2)));
    const weights = Object.values(nets).flatMap((m) => m.weights.map((w) => (w.read().dataSync() as Float32Array).slice()));
    for (const o of new Set(runners.map((r) => r.optimizer))) o.dispose();
    Object.values(nets).forEach((m) => m.dispose());
    return { losses, weights };
  }

  for (const name of ['infogan', 'wgan-gp']) {
    test(`${name}: one update of each phase${name === 'wgan-gp' ? ' (a gradient penalty: second order)' : ''}`, async () => {
      const trainer = await generatedTrainer(name);
      const ours = await train(trainer);
      const theirs = await withOriginalGradients(() => train(trainer));
      assert.ok(ours.losses.every(Number.isFinite));
      assert.deepEqual(ours.losses, theirs.losses);
      assert.equal(ours.weights.length, theirs.weights.length);
      ours.weights.forEach((w, i) => assert.deepEqual(w, theirs.weights[i], `weight #${i}`));
    });
  }
});

describe('Identity and same-dtype Cast share memory on wasm (runtime/backend/identity.ts)', () => {
  test('clone and cast to float32 take no heap bytes and keep their values after the input is freed', () => {
    const x = tf.tensor1d([1.5, -2.25, 3]);
    const { result: [c, f], added } = heapUse(() => [tf.clone(x), tf.cast(x, 'float32')]);
    assert.equal(added, 0);
    x.dispose();
    assert.deepEqual([...c.dataSync()], [1.5, -2.25, 3]);
    assert.deepEqual([...f.dataSync()], [1.5, -2.25, 3]);
    tf.dispose([c, f]);
  });

  test('a cast to another dtype still converts, into its own 12 bytes', () => {
    const x = tf.tensor1d([1.5, -2.25, 3]);
    const { result: i, added } = heapUse(() => tf.cast(x, 'int32'));
    assert.equal(added, 12);
    assert.equal(i.dtype, 'int32');
    assert.deepEqual([...i.dataSync()], [1, -2, 3]);
    tf.dispose([x, i]);
  });
});

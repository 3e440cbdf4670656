// The fused optimizer updates (runtime/loop/fused-optimizers.ts over runtime/backend/
// optimizer-kernels.ts) against tfjs's own Adam, RMSprop and SGD: the same gradients for 8 steps,
// under a linearly decaying learning rate, with the optimizer shared by two phases (two updates
// a step), on the cpu and the wasm backends; one kernel call per variable; and the checkpointed
// state: the same slot names in the same order, and a checkpoint written by tfjs's optimizer
// resumed by the fused one continues as tfjs's would.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { OptimizerSettings } from '../contract/trainer';
import { ADAM_UPDATE, RMSPROP_UPDATE, SGD_UPDATE } from '../runtime/backend/optimizer-kernels';
import { applyOptimizer, readOptimizers, writeOptimizers } from '../runtime/checkpoint/optimizer-state';
import { learningRate, setLearningRate } from '../runtime/loop/learning-rate';
import { makeOptimizer } from '../runtime/loop/optimizers';

const TOLERANCE = 1e-6;
const STEPS = 8;
const SHAPES = [[3, 4], [7], [2, 3, 3, 2]];

/** Deterministic values in [-scale, scale). */
function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = scale * (s / 2 ** 31 - 1);
  }
  return out;
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

const SETTINGS: Record<string, OptimizerSettings> = {
  adam: { kind: 'adam', lr: 0.01, beta1: 0.5, beta2: 0.999, epsilon: 1e-7, decay: { kind: 'linear', start: 3, end: 7 } },
  rmsprop: { kind: 'rmsprop', lr: 0.005, rho: 0.9, momentum: 0.3, epsilon: 1e-7, decay: { kind: 'linear', start: 2, end: 10 } },
  sgd: { kind: 'sgd', lr: 0.1, decay: { kind: 'linear', start: 4, end: 9 } },
};

const KERNELS: Record<string, string> = { adam: ADAM_UPDATE, rmsprop: RMSPROP_UPDATE, sgd: SGD_UPDATE };

/** tfjs's own optimizer, as the runtime made it before the fused ones. */
function tfjsOptimizer(s: OptimizerSettings): tf.Optimizer {
  switch (s.kind) {
    case 'adam':
      return tf.train.adam(s.lr, s.beta1, s.beta2, s.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(s.lr, s.rho, s.momentum, s.epsilon);
    case 'sgd':
      return tf.train.sgd(s.lr);
  }
}

const makeVars = (prefix: string): tf.Variable[] =>
  SHAPES.map((shape, i) => tf.variable(tf.tensor(values(size(shape), 100 + i), shape), true, `${prefix}_${i}`));

/** Steps from..to (counted from 1) of two phases sharing `opt`: two updates a step, each with its own gradients. */
function train(opt: tf.Optimizer, s: OptimizerSettings, vars: tf.Variable[], from: number, to: number): void {
  for (let step = from; step <= to; step++) {
    setLearningRate(opt, learningRate(s, step));
    for (const phase of [0, 1]) {
      tf.tidy(() => {
        const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(values(v.size, step * 10 + phase * 5 + i, 2), v.shape)]));
        opt.applyGradients(grads);
      });
    }
  }
}

/** Largest |a - b| over every variable and every optimizer weight (slots and iteration count). */
async function maxDiff(a: { vars: tf.Variable[]; opt: tf.Optimizer }, b: { vars: tf.Variable[]; opt: tf.Optimizer }): Promise<number> {
  const wa = await a.opt.getWeights();
  const wb = await b.opt.getWeights();
  assert.equal(wa.length, wb.length);
  let diff = 0;
  const pairs: [tf.Tensor, tf.Tensor][] = [...a.vars.map((v, i) => [v, b.vars[i]] as [tf.Tensor, tf.Tensor]), ...wa.map((w, i) => [w.tensor, wb[i].tensor] as [tf.Tensor, tf.Tensor])];
  for (const [x, y] of pairs) {
    const dx = x.dataSync();
    const dy = y.dataSync();
    for (let i = 0; i < dx.length; i++) diff = Math.max(diff, Math.abs(dx[i] - dy[i]));
  }
  tf.dispose([wa[0].tensor, wb[0].tensor]); // the fresh iteration scalars
  return diff;
}

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'fused-opt-'));
});
after(() => rm(root, { recursive: true, force: true }));

for (const backend of ['cpu', 'wasm']) {
  describe(`fused optimizer updates on ${backend}`, () => {
    before(async () => {
      assert.ok(await tf.setBackend(backend));
    });

    for (const [kind, s] of Object.entries(SETTINGS)) {
      test(`${kind}: ${STEPS} decaying steps of a shared optimizer equal tfjs's within ${TOLERANCE}, same slot names`, async () => {
        const ref = { vars: makeVars(`ref_${kind}_${backend}`), opt: tfjsOptimizer(s) };
        const ours = { vars: makeVars(`ours_${kind}_${backend}`), opt: makeOptimizer(s) };
        assert.equal(ours.opt.getClassName(), ref.opt.getClassName());
        train(ref.opt, s, ref.vars, 1, STEPS);
        train(ours.opt, s, ours.vars, 1, STEPS);
        const diff = await maxDiff(ref, ours);
        assert.ok(diff <= TOLERANCE, `max |fused - tfjs| = ${diff}`);
        // The variables moved: the comparison is not between two untouched copies.
        const moved = Math.abs(ours.vars[0].dataSync()[0] - values(12, 100)[0]);
        assert.ok(moved > 1e-3, `variable 0 moved by ${moved}`);
        const names = async (o: tf.Optimizer, prefix: string) => (await o.getWeights()).map((w) => w.name.replace(prefix, 'P'));
        assert.deepEqual(await names(ours.opt, `ours_${kind}_${backend}`), await names(ref.opt, `ref_${kind}_${backend}`));
        tf.dispose([...ref.vars, ...ours.vars]);
        ref.opt.dispose();
        ours.opt.dispose();
      });

      test(`${kind}: one ${KERNELS[kind]} kernel call per variable`, async () => {
        const vars = makeVars(`count_${kind}_${backend}`);
        const opt = makeOptimizer(s);
        train(opt, s, vars, 1, 1); // makes the slots
        const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(values(v.size, i), v.shape)]));
        const before = tf.memory().numTensors;
        const profile = await tf.profile(() => opt.applyGradients(grads));
        assert.deepEqual(profile.kernels.map((k) => k.name), SHAPES.map(() => KERNELS[kind]));
        assert.equal(tf.memory().numTensors, before, 'tensors leaked');
        tf.dispose([...vars, ...Object.values(grads)]);
        opt.dispose();
      });
    }

    test('adam: a checkpoint of tfjs\'s optimizer, resumed by the fused one, continues as tfjs\'s does', async () => {
      const s = SETTINGS.adam;
      const ref = { vars: makeVars(`ckref_${backend}`), opt: tfjsOptimizer(s) };
      train(ref.opt, s, ref.vars, 1, 3);
      const dir = path.join(root, backend);
      await mkdir(dir);
      await writeOptimizers(dir, { D: ref.opt });
      // The resumed run: the same variable values, a fresh fused optimizer given the saved state.
      const ours = { vars: ref.vars.map((v, i) => tf.variable(v.clone(), true, `ckours_${backend}_${i}`)), opt: makeOptimizer(s) };
      const [restore] = await readOptimizers(dir, { D: ours.opt });
      await applyOptimizer(restore);
      train(ref.opt, s, ref.vars, 4, STEPS);
      train(ours.opt, s, ours.vars, 4, STEPS);
      const diff = await maxDiff(ref, ours);
      assert.ok(diff <= TOLERANCE, `max |resumed fused - tfjs| = ${diff}`);
      tf.dispose([...ref.vars, ...ours.vars]);
      ref.opt.dispose();
      ours.opt.dispose();
    });
  });
}

// Tests optimizer checkpointing: tfjs matches slot variables to the variable list by position,
// so a restored optimizer continues exactly when given the same variables in the same order,
// and silently goes wrong in another order. Also: Adamax (no getWeights in tfjs) is refused.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint } from '../runtime/checkpoint';
import { UserError } from '../runtime/errors';

let root: string;
before(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(path.join(tmpdir(), 'ckpt-opt-'));
});
after(() => rm(root, { recursive: true, force: true }));

const factories: Record<string, () => tf.Optimizer> = {
  Adam: () => tf.train.adam(0.1),
  RMSProp: () => tf.train.rmsprop(0.1, 0.9, 0.5, 1e-7, true),
  SGD: () => tf.train.sgd(0.1),
  Momentum: () => tf.train.momentum(0.1, 0.9),
  Adagrad: () => tf.train.adagrad(0.1),
  Adadelta: () => tf.train.adadelta(1),
};

// Two same-shape variables with different gradients, so swapped slots fail silently.
function makeVars(): [tf.Variable, tf.Variable] {
  return [tf.variable(tf.tensor1d([1, -2, 3])), tf.variable(tf.tensor1d([0.5, 0.25, -4]))];
}

function step(opt: tf.Optimizer, varList: tf.Variable[], [a, b]: tf.Variable[]): void {
  opt.minimize(() => tf.add(tf.sum(tf.square(a!)), tf.sum(tf.mul(tf.square(b!), 5))) as tf.Scalar, false, varList);
}

async function resume(name: string, order: (v: tf.Variable[]) => tf.Variable[]): Promise<{ expected: number[]; actual: number[] }> {
  const ref = makeVars();
  const refOpt = factories[name]!();
  for (let i = 0; i < 6; i++) step(refOpt, ref, ref);
  const expected = ref.flatMap((v) => Array.from(v.dataSync()));

  const first = makeVars();
  const firstOpt = factories[name]!();
  for (let i = 0; i < 3; i++) step(firstOpt, first, first);
  const runDir = path.join(root, `${name}-${order.name}`);
  await saveCheckpoint(runDir, { step: 3, networks: {}, optimizers: { opt: firstOpt }, rng: [] });

  const second = makeVars();
  second.forEach((v, i) => v.assign(first[i]!));
  const secondOpt = factories[name]!();
  await loadCheckpoint(runDir, {}, { opt: secondOpt });
  for (let i = 0; i < 3; i++) step(secondOpt, order(second), second);
  const actual = second.flatMap((v) => Array.from(v.dataSync()));
  [...ref, ...first, ...second].forEach((v) => v.dispose());
  [refOpt, firstOpt, secondOpt].forEach((o) => o.dispose());
  return { expected, actual };
}

const sameOrder = (v: tf.Variable[]) => v;
const reversed = (v: tf.Variable[]) => [...v].reverse();

for (const name of Object.keys(factories)) {
  test(`${name} resumes exactly with the same variable order`, async () => {
    const { expected, actual } = await resume(name, sameOrder);
    assert.deepEqual(actual, expected);
  });
}

test('a different variable order after resume gives different results (slots match by position)', async () => {
  const { expected, actual } = await resume('Adam', reversed);
  assert.notDeepEqual(actual, expected);
});

test('an optimizer tfjs cannot serialise is refused with a UserError', async () => {
  const vars = makeVars();
  const opt = tf.train.adamax(0.1);
  step(opt, vars, vars);
  await assert.rejects(
    saveCheckpoint(path.join(root, 'adamax'), { step: 1, networks: {}, optimizers: { g: opt }, rng: [] }),
    (err: Error) => err instanceof UserError && /optimizer 'g' \(Adamax\) cannot be checkpointed/.test(err.message),
  );
});

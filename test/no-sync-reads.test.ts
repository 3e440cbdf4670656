// What webgpu needs in Node, where it has no synchronous read: on wasm with the engine's
// synchronous read made to throw (and counted), gan-train with --eval-every, grids and checkpoints
// runs to the end, and the evaluator scores translation bands (sources, derived bands, cycle
// error, first-time reference features) and real data with labels exactly as it does with reads
// allowed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { main as train } from '../cli/train';
import { evaluateReal, evaluateRun, type Metrics, type MetricsRecord } from '../eval';
import { buildNetworks } from '../runtime/loop/train';
import { installSeededRandom } from '../runtime/rng';
import { generatedTrainer, tempDir, useBackend } from './helpers';

/** Runs body with the engine's readSync (what dataSync and arraySync call; kernels reading their
 *  own backend's heap do not) throwing, except for the fused Adam update's read of beta^t: its
 *  kernels are registered for wasm and cpu only, backends that read synchronously (on webgpu
 *  tfjs's own Adam runs). Resolves to body's result, the reads refused and the reads allowed. */
async function withoutSyncReads<T>(body: () => Promise<T>): Promise<{ result: T; reads: number; adamReads: number }> {
  const engine = tf.engine();
  const original = engine.readSync;
  let reads = 0;
  let adamReads = 0;
  engine.readSync = (dataId: object) => {
    if (new Error().stack?.includes('FusedAdamOptimizer.applyGradients')) {
      adamReads++;
      return original.call(engine, dataId);
    }
    reads++;
    throw new Error('synchronous read (webgpu has none in Node)');
  };
  try {
    return { result: await body(), reads, adamReads };
  } finally {
    engine.readSync = original;
  }
}

const withoutSeconds = (m: Metrics): Omit<Metrics, 'seconds'> => {
  const { seconds: _, ...rest } = m;
  return rest;
};

test('gan-train with --eval-every, grids and checkpoints reads nothing back synchronously', async () => {
  await useBackend('wasm');
  const dir = join(tempDir('no-sync-reads'), 'gan');
  const tiny = ['networks.G.layers.0.dense.units=8', 'networks.D.layers.1.dense.units=8', 'preview.every=2', 'checkpoint.every=2'].flatMap((s) => ['--set', s]);
  const { reads, adamReads } = await withoutSyncReads(() =>
    train(['specs/gan.yaml', '--out', dir, '--steps', '4', '--batch', '8', '--backend', 'wasm', '--no-report', '--quiet', '--eval-every', '2', '--eval-n', '20', ...tiny], () => {}));
  assert.equal(reads, 0);
  assert.equal(adamReads, 2 * 2 * 4, 'beta1^t and beta2^t read by each of the two networks\' fused Adam at each of 4 steps');
  const records = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsRecord).filter((r) => r.bands);
  assert.deepEqual(records.map((r) => r.step), [0, 2, 4]);
  assert.ok(records.every((r) => Number.isFinite(r.bands[0].fid.x)), 'every evaluation has a finite FID');
  assert.equal(readFileSync(join(dir, 'losses.jsonl'), 'utf8').trim().split('\n').filter((l) => l.includes('"step":4')).length, 1, 'step 4 logged');
  assert.ok(existsSync(join(dir, 'checkpoints', 'step-000004')), 'checkpoint of step 4 written');
});

test('the evaluator without synchronous reads gives the same metrics: translation bands and cycle error, real data with labels', async () => {
  await useBackend('wasm');
  const cyclegan = await generatedTrainer('cyclegan');
  const gan = await generatedTrainer('gan');
  installSeededRandom(5);
  const nets = buildNetworks(cyclegan);
  // A reference size of its own, so that its features are computed here, not taken from a cache.
  const opts = { n: 40, referenceN: 300, kidBlock: 20 };
  const blocked = await withoutSyncReads(async () => [await evaluateRun(cyclegan, nets, opts), await evaluateReal(gan, opts)]);
  const allowed = [await evaluateRun(cyclegan, nets, opts), await evaluateReal(gan, opts)];
  Object.values(nets).forEach((net) => net.dispose());
  assert.equal(blocked.reads, 0);
  assert.ok(blocked.result[0].bands[1].l1! > 0, 'G_AB(a) has a cycle error');
  assert.ok(blocked.result[1].bands[0].labels![0].accuracy > 0.9, 'real digits are labelled as their class');
  assert.deepEqual(blocked.result.map(withoutSeconds), allowed.map(withoutSeconds));
});

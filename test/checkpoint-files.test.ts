// Tests the checkpoint files: the directory IOHandler, the on-disk layout and `latest`, UserErrors
// naming missing or corrupt files, crash leftovers being ignored and cleaned, and retention.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { dirIOHandler, loadCheckpoint, saveCheckpoint } from '../runtime/checkpoint';
import { UserError } from '../runtime/errors';

let root: string;
before(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(path.join(tmpdir(), 'ckpt-files-'));
});
after(() => rm(root, { recursive: true, force: true }));

function net(): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.dense({ units: 3, inputShape: [2] }), tf.layers.batchNormalization(), tf.layers.dense({ units: 1 })],
  });
}

function state(step: number) {
  return { step, networks: { g: net() }, optimizers: { g: tf.train.adam(0.01) }, rng: [1, 2, 3, 4], trainSeconds: step * 1.5, meta: { step } };
}

async function saved(name: string, steps: number[] = [3]): Promise<string> {
  const runDir = path.join(root, name);
  for (const step of steps) await saveCheckpoint(runDir, state(step));
  return runDir;
}

async function rejectsNaming(promise: Promise<unknown>, file: string, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (err: Error) => {
    assert.ok(err instanceof UserError, `${err.name}: ${err.message}`);
    assert.ok(err.message.includes(file), `'${err.message}' should name ${file}`);
    assert.match(err.message, reason);
    assert.ok(!err.message.includes('\n'));
    return true;
  });
}

function load(pathOrRunDir: string) {
  const s = state(0);
  return loadCheckpoint(pathOrRunDir, s.networks, s.optimizers);
}

test('dirIOHandler: model.save and tf.loadLayersModel round-trip', async () => {
  const dir = path.join(root, 'model');
  const model = net();
  await model.save(dirIOHandler(dir));
  assert.deepEqual((await readdir(dir)).sort(), ['model.json', 'weights.bin']);
  const loaded = await tf.loadLayersModel(dirIOHandler(dir));
  const x = tf.tensor2d([[1, 2], [-3, 0.5]]);
  assert.deepEqual((loaded.predict(x) as tf.Tensor).arraySync(), (model.predict(x) as tf.Tensor).arraySync());
});

test('saveCheckpoint writes the documented layout and points latest at it', async () => {
  const runDir = await saved('layout');
  const dir = path.join(runDir, 'checkpoints', 'step-000003');
  assert.deepEqual((await readdir(path.join(runDir, 'checkpoints'))).sort(), ['latest', 'step-000003']);
  assert.deepEqual((await readdir(dir)).sort(), ['g', 'optimizers.bin', 'optimizers.json', 'state.json']);
  assert.deepEqual((await readdir(path.join(dir, 'g'))).sort(), ['model.json', 'weights.bin']);
  assert.deepEqual(JSON.parse(await readFile(path.join(runDir, 'checkpoints', 'latest'), 'utf8')), { checkpoint: 'step-000003', step: 3 });
  const expected = { dir, step: 3, rng: [1, 2, 3, 4], trainSeconds: 4.5, meta: { step: 3 } };
  assert.deepEqual(await load(runDir), expected);
  assert.deepEqual(await load(dir), expected);
  assert.deepEqual(await load(path.join(runDir, 'checkpoints')), expected);
});

test('a corrupt or truncated weights.bin is a UserError naming it', async () => {
  const runDir = await saved('corrupt-weights');
  const file = path.join(runDir, 'checkpoints', 'step-000003', 'g', 'weights.bin');
  const bytes = await readFile(file);
  bytes[5] = bytes[5]! ^ 0xff;
  await writeFile(file, bytes);
  await rejectsNaming(load(runDir), file, /corrupt checkpoint file .*checksum mismatch/);
  await truncate(file, 10);
  await rejectsNaming(load(runDir), file, /corrupt checkpoint file/);
  await rejectsNaming(tf.loadLayersModel(dirIOHandler(path.dirname(file))), file, /corrupt/);
});

test('missing or corrupt checkpoint files are UserErrors naming them', async () => {
  const runDir = await saved('missing');
  const dir = path.join(runDir, 'checkpoints', 'step-000003');
  await rm(path.join(dir, 'optimizers.bin'));
  await rejectsNaming(load(runDir), path.join(dir, 'optimizers.bin'), /missing checkpoint file/);
  await rm(path.join(dir, 'g', 'model.json'));
  await rejectsNaming(load(runDir), path.join(dir, 'g', 'model.json'), /missing checkpoint file/);
  await writeFile(path.join(dir, 'state.json'), '{"step": 3, "rng": [1, 2');
  await rejectsNaming(load(runDir), path.join(dir, 'state.json'), /not valid JSON/);
  await writeFile(path.join(dir, 'state.json'), '{"step": 3, "rng": [1, 2, 3, 4], "trainSeconds": -1}');
  await rejectsNaming(load(runDir), path.join(dir, 'state.json'), /: expected \{step, rng, trainSeconds\?, meta\?\}$/);
  await writeFile(path.join(runDir, 'checkpoints', 'latest'), '{}');
  await rejectsNaming(load(runDir), path.join(runDir, 'checkpoints', 'latest'), /corrupt/);
  const empty = path.join(root, 'empty');
  await mkdir(empty);
  await rejectsNaming(load(empty), empty, /no checkpoint/);
});

test('leftover temp entries from a crashed save are ignored by load and removed by the next save', async () => {
  const runDir = await saved('crash', [3]);
  const ckpts = path.join(runDir, 'checkpoints');
  await mkdir(path.join(ckpts, '.tmp-step-000004-999-dead', 'g'), { recursive: true });
  await writeFile(path.join(ckpts, '.tmp-step-000004-999-dead', 'g', 'weights.bin'), 'partial');
  await writeFile(path.join(ckpts, '.tmp-latest-999-dead'), '{"checkpoint":"step-0000');
  assert.equal((await load(runDir)).step, 3);
  await saveCheckpoint(runDir, state(4));
  assert.deepEqual((await readdir(ckpts)).sort(), ['latest', 'step-000003', 'step-000004']);
  assert.equal((await load(runDir)).step, 4);
});

test('a failed save leaves no temp dir and keeps latest', async () => {
  const runDir = await saved('failed', [3]);
  const bad = { ...state(4), optimizers: { g: tf.train.adamax(0.1) } };
  bad.optimizers.g.minimize(() => tf.sum(tf.square(bad.networks.g.trainableWeights[0]!.read())) as tf.Scalar);
  await assert.rejects(saveCheckpoint(runDir, bad), UserError);
  assert.deepEqual((await readdir(path.join(runDir, 'checkpoints'))).sort(), ['latest', 'step-000003']);
  assert.equal((await load(runDir)).step, 3);
});

test('keeps the last K checkpoints, never the one just written, and replaces a re-saved step', async () => {
  const runDir = await saved('retention', [1, 2, 3, 4, 5]);
  const ckpts = path.join(runDir, 'checkpoints');
  const steps = async () => (await readdir(ckpts)).filter((n) => n !== 'latest').sort();
  assert.deepEqual(await steps(), ['step-000003', 'step-000004', 'step-000005']);
  await saveCheckpoint(runDir, state(6), 1);
  assert.deepEqual(await steps(), ['step-000006']);
  // Resumed from step 4 of an earlier run: later checkpoints stay until overwritten.
  await saveCheckpoint(runDir, state(4), 2);
  assert.deepEqual(await steps(), ['step-000004', 'step-000006']);
  assert.equal((await load(runDir)).step, 4);
  await saveCheckpoint(runDir, state(6), 2);
  assert.deepEqual(await steps(), ['step-000004', 'step-000006']);
  assert.deepEqual((await load(runDir)).meta, { step: 6 });
});

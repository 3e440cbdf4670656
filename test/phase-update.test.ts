// One phase update (runtime/loop/phase.ts updateOnce, on tiny batches of stand-in data) changes
// exactly what the phase updates: after an update every trainable weight of a network or head the
// phase does not update is bit-identical (ring: D vs G; infogan: `update: [G, D.code]` moves only
// the code head's own layers of D), and after a phase with `clip: c` (wgan) every updated weight
// lies in [-c, c]. Imports the runtime, the contract and the generated modules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { DataSource } from '../contract/data';
import type { AnyTrainer } from '../contract/trainer';
import { phaseRunners, updateOnce, type PhaseRunner } from '../runtime/loop/phase';
import { buildNetworks } from '../runtime/loop/train';
import { installSeededRandom } from '../runtime/rng';
import { generatedTrainer, useBackend } from './helpers';

const BATCH = 2;

/** Random real inputs of the shapes the trainer declares: images in [-1, 1], labels in [0, 10). */
function standIn(trainer: AnyTrainer): DataSource {
  return {
    size: Number.POSITIVE_INFINITY,
    classes: 10,
    names: trainer.real.map((r) => r.name),
    batch: (n) =>
      Object.fromEntries(
        trainer.real.map((r) => [r.name, r.dtype === 'int32' ? tf.randomUniform([n, ...r.shape], 0, 10, 'int32') : tf.randomUniform([n, ...r.shape], -1, 1)]),
      ),
    identity: () => 'stand-in',
  };
}

interface Weight {
  /** `<network>:<variable name>`, e.g. `D:D_code_0/kernel`. */
  id: string;
  layer: string;
  trainable: boolean;
  bytes: Buffer;
  values: Float32Array;
}

function snapshot(nets: Record<string, tf.LayersModel>): Map<string, Weight> {
  const out = new Map<string, Weight>();
  for (const [net, model] of Object.entries(nets)) {
    for (const layer of model.layers) {
      for (const w of layer.weights) {
        const values = (w.read().dataSync() as Float32Array).slice();
        const id = `${net}:${w.originalName}`;
        assert.ok(!out.has(id), `two weights named ${id}`);
        out.set(id, { id, layer: layer.name, trainable: w.trainable, bytes: Buffer.from(values.buffer), values });
      }
    }
  }
  return out;
}

/** The ids of the weights whose bytes differ between two snapshots. */
function changed(before: Map<string, Weight>, after: Map<string, Weight>): Set<string> {
  assert.deepEqual([...after.keys()], [...before.keys()]);
  return new Set([...before.values()].filter((w) => !w.bytes.equals(after.get(w.id)!.bytes)).map((w) => w.id));
}

/** A layer and every layer it takes input from, transitively. */
function ancestors(layer: tf.layers.Layer): Set<tf.layers.Layer> {
  const out = new Set<tf.layers.Layer>();
  const walk = (l: tf.layers.Layer) => {
    if (out.has(l)) return;
    out.add(l);
    for (const node of l.inboundNodes) node.inboundLayers.forEach(walk);
  };
  walk(layer);
  return out;
}

async function setUp(name: string, seed: number) {
  await useBackend('wasm');
  const trainer = await generatedTrainer(name);
  installSeededRandom(seed);
  const nets = buildNetworks(trainer);
  const runners = phaseRunners(trainer, nets);
  const data = standIn(trainer);
  const runner = (phase: string): PhaseRunner => runners.find((r) => r.phase.name === phase)!;
  const update = (phase: string): Promise<number> => updateOnce(trainer, runner(phase), nets, data, BATCH);
  return { trainer, nets, runner, update, dispose: () => Object.values(nets).forEach((n) => n.dispose()) };
}

test('ring: the D phase leaves every weight of G bit-identical, the G phase every weight of D', async () => {
  const { nets, update, dispose } = await setUp('ring', 1);
  const all = snapshot(nets);
  const ofNet = (net: string) => [...all.keys()].filter((id) => id.startsWith(`${net}:`));
  assert.equal(ofNet('G').length, 6);
  assert.equal(ofNet('D').length, 6);

  let before = snapshot(nets);
  assert.ok(Number.isFinite(await update('D')));
  let moved = changed(before, snapshot(nets));
  assert.deepEqual([...moved].sort(), ofNet('D').sort(), 'the D phase changes every weight of D and nothing of G');

  before = snapshot(nets);
  assert.ok(Number.isFinite(await update('G')));
  moved = changed(before, snapshot(nets));
  assert.deepEqual([...moved].sort(), ofNet('G').sort(), 'the G phase changes every weight of G and nothing of D');
  dispose();
});

test("infogan: `update: [G, D.code]` changes G and only the code head's own layers of D; the D phase leaves G's trainable weights bit-identical", async () => {
  const { nets, runner, update, dispose } = await setUp('infogan', 2);
  const all = [...snapshot(nets).values()];
  const trainable = (pred: (w: Weight) => boolean) => all.filter((w) => w.trainable && pred(w)).map((w) => w.id).sort();
  // The code head's own layers, from D's graph: the ancestors of its 10-way output that are not
  // ancestors of the 1-unit valid output (two dense layers: 128 relu units, 10 softmax).
  const outputs = nets.D.outputLayers;
  const units = (l: tf.layers.Layer) => (l.outputShape as number[]).at(-1);
  assert.deepEqual(outputs.map(units), [1, 10]);
  const valid = ancestors(outputs[0]);
  const codeLayers = [...ancestors(outputs[1])].filter((l) => !valid.has(l));
  assert.deepEqual(codeLayers.map(units).sort((a, b) => a! - b!), [10, 128]);
  const codeHead = trainable((w) => w.id.startsWith('D:') && codeLayers.some((l) => l.name === w.layer));
  assert.equal(codeHead.length, 4, 'two kernels and two biases');
  const ofG = trainable((w) => w.id.startsWith('G:'));
  const ofD = trainable((w) => w.id.startsWith('D:'));
  // The phase's variable list is exactly G's trainable weights and the code head's.
  assert.equal(runner('G').vars.length, ofG.length + codeHead.length);

  let before = snapshot(nets);
  assert.ok(Number.isFinite(await update('G')));
  let moved = changed(before, snapshot(nets));
  const movedTrainable = (ids: Set<string>) => [...ids].filter((id) => before.get(id)!.trainable).sort();
  assert.deepEqual(movedTrainable(moved), [...ofG, ...codeHead].sort(), "the [G, D.code] phase changes G and D's code head, not D's trunk or valid head");
  for (const id of ofD.filter((id) => !codeHead.includes(id))) assert.ok(!moved.has(id), `${id} changed`);

  before = snapshot(nets);
  assert.ok(Number.isFinite(await update('D')));
  moved = changed(before, snapshot(nets));
  // The D loss does not read the code head: its weights get a zero gradient, and Adam moves nothing.
  const trunkAndValid = ofD.filter((id) => !codeHead.includes(id));
  assert.deepEqual(movedTrainable(moved), trunkAndValid, "the D phase changes D's trunk and valid head, nothing of G");
  dispose();
});

test("wgan: after the D phase (clip: 0.01) every weight of D it updates lies in [-0.01, 0.01]; G's trainable weights are untouched", async () => {
  const { trainer, nets, runner, update, dispose } = await setUp('wgan', 3);
  const clip = runner('D').phase.settings.clip;
  assert.equal(clip, 0.01);
  assert.equal(trainer.phases.find((p) => p.name === 'G')!.settings.clip, null);
  const c = Math.fround(0.01);
  const updated = new Set(runner('D').vars.map((v) => v.id));
  const dTrainable = nets.D.trainableWeights;
  assert.equal(updated.size, dTrainable.length);
  const beyond = (w: Weight) => w.values.filter((v) => Math.abs(v) > c).length;

  const before = snapshot(nets);
  const dWeights = [...before.values()].filter((w) => w.id.startsWith('D:') && w.trainable);
  assert.equal(dWeights.length, dTrainable.length);
  assert.ok(dWeights.reduce((n, w) => n + beyond(w), 0) > 1000, 'the initial weights are not already within the clip');

  for (let r = 0; r < 2; r++) {
    assert.ok(Number.isFinite(await update('D')));
    const after = snapshot(nets);
    for (const w of dWeights) {
      const now = after.get(w.id)!;
      assert.equal(beyond(now), 0, `${w.id}: ${beyond(now)} values outside [-${c}, ${c}] after update ${r + 1}`);
    }
    const atBound = dWeights.reduce((n, w) => n + after.get(w.id)!.values.filter((v) => Math.abs(v) === c).length, 0);
    assert.ok(atBound > 100, `the clip binds: ${atBound} values at ±${c}`);
    for (const w of before.values()) {
      if (w.id.startsWith('G:') && w.trainable) assert.ok(w.bytes.equals(after.get(w.id)!.bytes), `${w.id} changed in the D phase`);
    }
  }
  // The G phase does not clip: G's kernels keep values beyond 0.01, D's weights stay as they were.
  const beforeG = snapshot(nets);
  assert.ok(Number.isFinite(await update('G')));
  const afterG = snapshot(nets);
  assert.ok([...afterG.values()].some((w) => w.id.startsWith('G:') && beyond(w) > 0), "G's weights are not clipped");
  for (const w of dWeights) assert.ok(beforeG.get(w.id)!.bytes.equals(afterG.get(w.id)!.bytes), `${w.id} changed in the G phase`);
  dispose();
});

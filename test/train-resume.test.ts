// On the cpu backend a run is a function of its seed: a run stopped at a checkpoint and resumed
// ends with exactly the weights and losses of the same run uninterrupted (batchnorm, dropout,
// label embeddings and two Adam optimizers included; and an EMA copy with a learning-rate decay).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'node:test';
import type * as tf from '@tensorflow/tfjs';
import { compiledTrainer } from '../cli/module';
import { train } from '../runtime/loop/train';
import { generatedTrainer, tempDir, useBackend } from './helpers';

function weights(nets: Record<string, tf.LayersModel>): Float32Array[] {
  return Object.values(nets).flatMap((m) => m.getWeights().map((w) => w.dataSync() as Float32Array));
}

test('a resumed run equals an uninterrupted one on the cpu backend', async () => {
  await useBackend('cpu');
  const trainer = await generatedTrainer('cgan');
  const opts = { dataDir: 'specs', batch: 2, seed: 11, log: () => {} };
  const whole = tempDir('whole');
  const split = tempDir('split');
  const a = await train(trainer, { ...opts, runDir: whole, steps: 4 });
  const half = await train(trainer, { ...opts, runDir: split, steps: 2 });
  const b = await train(trainer, { ...opts, runDir: split, steps: 4, resume: true });
  const [wa, wb, wh] = [weights(a.nets), weights(b.nets), weights(half.nets)];
  assert.ok(wh.some((w, i) => w.some((v, j) => v !== wb[i][j])), 'steps 3 and 4 changed the weights');
  assert.equal(wa.length, wb.length);
  wa.forEach((w, i) => assert.deepEqual(w, wb[i], `weight ${i} differs`));
  assert.equal(readFileSync(join(split, 'losses.jsonl'), 'utf8'), readFileSync(join(whole, 'losses.jsonl'), 'utf8'));
});

test('a resumed run equals an uninterrupted one with an EMA copy and a linear lr decay (ring.yaml, cpu backend)', async () => {
  await useBackend('cpu');
  const trainer = await compiledTrainer('specs/ring.yaml', 'trained', {
    overrides: ['networks.G_ema={ema: {of: G, decay: 0.5}}', 'schedule.phases.1.optimizer.adam.decay={linear: {start: 1, end: 6}}', 'networks.G.layers.0.dense.units=16'],
  });
  assert.deepEqual(trainer.ema, [{ name: 'G_ema', of: 'G', decay: 0.5, start: 0 }]);
  const opts = { dataDir: 'specs', batch: 4, seed: 3, log: () => {} };
  const whole = tempDir('whole-ema');
  const split = tempDir('split-ema');
  const a = await train(trainer, { ...opts, runDir: whole, steps: 4 });
  await train(trainer, { ...opts, runDir: split, steps: 2 });
  const b = await train(trainer, { ...opts, runDir: split, steps: 4, resume: true });
  const [ema, g] = [b.nets.G_ema.getWeights()[0].dataSync(), b.nets.G.getWeights()[0].dataSync()];
  assert.ok(ema.some((v, i) => v !== g[i]), 'the EMA copy is an average, not G');
  const [wa, wb] = [weights(a.nets), weights(b.nets)];
  assert.equal(wa.length, wb.length);
  wa.forEach((w, i) => assert.deepEqual(w, wb[i], `weight ${i} differs`));
  assert.equal(readFileSync(join(split, 'losses.jsonl'), 'utf8'), readFileSync(join(whole, 'losses.jsonl'), 'utf8'));
});

test('training seconds leave the afterStep hook out, are recorded in each checkpoint and continue over a resume', async () => {
  await useBackend('cpu');
  const trainer = await compiledTrainer('specs/ring.yaml', 'timed', { overrides: ['networks.G.layers.0.dense.units=16'] });
  const runDir = tempDir('timed');
  const seen = new Map<number, number>();
  const lines: string[] = [];
  const pause = 500; // ms in the hook each step, which must not count
  const afterStep = async (step: number, _nets: unknown, trainSeconds: number) => {
    seen.set(step, trainSeconds);
    await delay(pause);
  };
  const opts = { runDir, dataDir: 'specs', batch: 4, seed: 3, log: (l: string) => lines.push(l), afterStep };
  const recorded = (step: number) => JSON.parse(readFileSync(join(runDir, 'checkpoints', `step-${String(step).padStart(6, '0')}`, 'state.json'), 'utf8')) as { trainSeconds?: number };
  const first = await train(trainer, { ...opts, steps: 3 });
  const at3 = recorded(3).trainSeconds!;
  assert.ok(seen.get(1)! > 0 && seen.get(2)! > seen.get(1)! && seen.get(3)! > seen.get(2)!, `training seconds grow: ${[...seen]}`);
  assert.ok(seen.get(3)! < (2 * pause) / 1000, `steps 1-3 without two ${pause} ms hooks: ${seen.get(3)} s`);
  assert.ok(at3 >= seen.get(3)! && at3 < seen.get(3)! + pause / 1000, `checkpoint 3 records ${at3} s, the hook saw ${seen.get(3)} s`);
  assert.ok(first.trainSeconds >= at3 && first.trainSeconds < at3 + pause / 1000, `the result's count ${first.trainSeconds} s is checkpoint 3's`);

  const second = await train(trainer, { ...opts, steps: 5, resume: true });
  assert.ok(seen.get(4)! > at3 && seen.get(5)! > seen.get(4)!, `step 4 continues from checkpoint 3's ${at3} s: ${seen.get(4)} s`);
  assert.ok(seen.get(5)! < at3 + (2 * pause) / 1000, `steps 4-5 without the hooks: ${seen.get(5)} s`);
  assert.ok(recorded(5).trainSeconds! >= seen.get(5)! && second.trainSeconds >= recorded(5).trainSeconds!);

  // A checkpoint written before the count was recorded: the resumed session counts from 0, and says so.
  const state = join(runDir, 'checkpoints', 'step-000005', 'state.json');
  const { trainSeconds: _dropped, ...older } = JSON.parse(readFileSync(state, 'utf8')) as Record<string, unknown>;
  writeFileSync(state, JSON.stringify(older));
  await train(trainer, { ...opts, steps: 6, resume: true });
  assert.ok(seen.get(6)! < seen.get(5)!, `step 6 counts from this session: ${seen.get(6)} s`);
  assert.ok(lines.includes(`${join(runDir, 'checkpoints', 'step-000005')} records no training time (written before ganspec recorded it): trainSeconds counts from this session`), lines.join('\n'));
});

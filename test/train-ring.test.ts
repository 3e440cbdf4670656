// The ring toy spec learns: its generator's points move from near the origin onto the ring of
// eight Gaussians, measured by the mean distance to the nearest mode, on a fixed seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ringMode, RING } from '../runtime/data/ring';
import { train } from '../runtime/loop/train';
import { generatedTrainer, tempDir, useBackend } from './helpers';

function distanceToModes(G: tf.LayersModel): { distance: number; covered: number } {
  const points = tf.tidy(() => (G.apply(tf.randomNormal([2000, 16]), { training: false }) as tf.Tensor).reshape([-1, 2]).dataSync());
  const hits = new Set<number>();
  let total = 0;
  for (let i = 0; i < points.length; i += 2) {
    let best = Infinity;
    let mode = -1;
    for (let k = 0; k < RING.modes; k++) {
      const [cx, cy] = ringMode(k);
      const d = Math.hypot(points[i] - cx, points[i + 1] - cy);
      if (d < best) [best, mode] = [d, k];
    }
    total += best;
    if (best < 0.2) hits.add(mode);
  }
  return { distance: total / (points.length / 2), covered: hits.size };
}

test('an LSGAN on the ring of Gaussians moves its samples onto the modes', async () => {
  await useBackend('wasm');
  const trainer = await generatedTrainer('ring');
  const before = await train(trainer, { runDir: tempDir('ring0'), dataDir: '.', steps: 1, seed: 3, log: () => {} });
  const start = distanceToModes(before.nets.G);
  const after = await train(trainer, { runDir: tempDir('ring'), dataDir: '.', steps: 800, seed: 3, log: () => {} });
  const end = distanceToModes(after.nets.G);
  tf.dispose([...Object.values(before.nets), ...Object.values(after.nets)].flatMap((m) => m.weights.map((w) => w.read())));
  assert.ok(start.distance > 1, `untrained samples start far from the modes (${start.distance.toFixed(3)})`);
  assert.ok(end.distance < start.distance / 3, `after 800 steps the mean distance to a mode fell from ${start.distance.toFixed(3)} to ${end.distance.toFixed(3)}`);
  assert.ok(end.covered >= 6, `samples land within 0.2 of at least 6 of the 8 modes (${end.covered} hit)`);
});

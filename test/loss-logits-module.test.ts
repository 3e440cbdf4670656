// bce_logits and ce_logits as a compiled module computes them: a tiny relativistic average GAN
// (RaGAN's losses, a linear D with a 10-way class head) is compiled and imported, and its phase
// losses on fixed weights and batches are compared with the same losses computed here by hand
// from the networks' outputs (softplus and log-sum-exp in float64). On the cpu backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { compiledTrainer, tempDir, useBackend } from './helpers';

const SPEC = `name: tiny-ragan
data: { source: mnist, image: [4, 4, 1] }
sample:
  z: normal(2)
networks:
  G:
    inputs: { z: [2] }
    layers:
      - dense: { units: 16, activation: tanh }
      - reshape: [4, 4, 1]
  D:
    inputs: { img: image }
    layers:
      - { flatten: null, id: features }
    outputs:
      valid: [ dense: { units: 1 } ]
      label: [ dense: { units: 10 } ]
losses:
  D: bce_logits(D(x).valid - mean(D(G(z)).valid), 1) + bce_logits(D(G(z)).valid - mean(D(x).valid), 0)
  G: ce_logits(D(G(z)).label, 2) + ce_logits(D(x).label, y)
schedule:
  batch: 4
  steps: 1
  phases:
    - { update: D, optimizer: { adam: { lr: 0.001 } } }
    - { update: G, optimizer: { adam: { lr: 0.001 } } }
preview: { show: [G(z)] }
`;

const softplus = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const logSumExp = (xs: number[]): number => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, v) => s + Math.exp(v - m), 0));
};

test('a compiled RaGAN D loss and a ce_logits G loss equal softplus and log-sum-exp computed by hand from the heads', async () => {
  await useBackend('cpu');
  const dir = tempDir('logits');
  const file = join(dir, 'tiny-ragan.yaml');
  writeFileSync(file, SPEC);
  const trainer = await compiledTrainer(file, [], dir);
  const nets = Object.fromEntries(Object.entries(trainer.networks).map(([k, build]) => [k, build()]));
  // Weights large enough that the logits leave [0, 1] by far: 0.9 * sin(k) per weight.
  for (const net of Object.values(nets)) net.setWeights(net.getWeights().map((w) => tf.tensor(Array.from({ length: w.size }, (_, k) => 0.9 * Math.sin(k + w.size)), w.shape)));
  const x = tf.tensor4d(Array.from({ length: 64 }, (_, k) => Math.cos(k)), [4, 4, 4, 1]);
  const y = tf.tensor1d([0, 7, 2, 9], 'int32');
  const z = tf.tensor2d([1.5, -2, 0.3, 0.7, -1, 1, 2, 0.1], [4, 2]);
  const heads = (img: tf.Tensor) => (nets.D.apply(img, { training: true }) as tf.Tensor[]).map((h) => h.arraySync() as number[][]);
  const [validReal, labelReal] = heads(x);
  const [validFake, labelFake] = heads(nets.G.apply(z, { training: true }) as tf.Tensor);
  const dr = validReal.map((r) => r[0]);
  const df = validFake.map((r) => r[0]);
  assert.ok([...dr, ...df].some((v) => Math.abs(v) > 1), `logits beyond [-1, 1]: ${dr} ${df}`);
  // bce_logits(l, 1) = mean(softplus(-l)), bce_logits(l, 0) = mean(softplus(l)).
  const wantD = mean(dr.map((v) => softplus(-(v - mean(df))))) + mean(df.map((v) => softplus(v - mean(dr))));
  // ce_logits(l, k) = mean(log-sum-exp(l) - l[k]).
  const wantG = mean(labelFake.map((l) => logSumExp(l) - l[2])) + mean(labelReal.map((l, i) => logSumExp(l) - l[[0, 7, 2, 9][i]]));
  const got = trainer.phases.map((p) => tf.tidy(() => p.loss(nets, { x, y }, { z }).dataSync()[0]));
  assert.ok(Math.abs(got[0] - wantD) <= 1e-5 * Math.max(1, wantD), `D: got ${got[0]}, by hand ${wantD}`);
  assert.ok(Math.abs(got[1] - wantG) <= 1e-5 * Math.max(1, wantG), `G: got ${got[1]}, by hand ${wantG}`);
  tf.dispose([x, y, z]);
});

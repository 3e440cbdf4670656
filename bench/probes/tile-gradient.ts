// Probe for a runtime proposal (BENCHMARKS.md, "Proposals"): WGAN-GP's critic update with
// tfjs-core's Tile gradient (one Slice and one Add per repetition: the gradient penalty
// differentiates batch norm's tiled 1/sqrt(variance), 3072 slices per update at batch 32) and
// with a gradient that is one reshape and one Sum. Run once per mode, in separate processes:
//
//   node --import tsx bench/probes/tile-gradient.ts tfjs
//   node --import tsx bench/probes/tile-gradient.ts sum
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../runtime/backend/select';
import { loadData } from '../../runtime/data';
import { installSeededRandom } from '../../runtime/rng';
import type { AnyTrainer } from '../../runtime/trainer';
import { median, trainerContender } from '../measure';

/** d tile(x, reps) / dx: dy [r0·s0, r1·s1, ...] seen as [r0, s0, r1, s1, ...], summed over the r axes. */
function tileGrad(dy: tf.Tensor, reps: number[], xShape: number[]): tf.Tensor {
  return tf.sum(tf.reshape(dy, xShape.flatMap((s, i) => [reps[i], s])), reps.map((_, i) => 2 * i));
}

const mode = process.argv[2] === 'sum' ? 'sum' : 'tfjs';
await selectBackend('wasm');
const x = tf.randomNormal([1, 1, 3, 5]);
const dy = tf.randomNormal([2, 3, 3, 20]);
const reps = [2, 3, 1, 4];
const theirs = (tf.getGradient('Tile')!.gradFunc(dy, [x], { reps }) as Record<string, () => tf.Tensor>).x();
const diff = tf.max(tf.abs(tf.sub(theirs, tileGrad(dy, reps, x.shape)))).dataSync()[0];
if (mode === 'sum') {
  tf.registerGradient({
    kernelName: 'Tile',
    inputsToSave: ['x'],
    gradFunc: (g, saved, attrs) => ({ x: () => tileGrad(g as tf.Tensor, (attrs as unknown as { reps: number[] }).reps, saved[0].shape) }),
  });
}
const { trainer } = (await import('../../generated/wgan-gp')) as unknown as { trainer: AnyTrainer };
const data = await loadData(trainer.data, 'specs');
installSeededRandom(1);
const critic = trainerContender(trainer, data, 32).phases[0];
for (let i = 0; i < 2; i++) critic.run();
const wall: number[] = [];
const cpu: number[] = [];
let loss = 0;
for (let i = 0; i < 12; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  loss = critic.run();
  wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const profile = await tf.profile(() => void critic.run());
console.log(JSON.stringify({ mode, max_diff_vs_tfjs_gradient: diff, wall_ms: median(wall), wall_min_ms: Math.min(...wall), cpu_ms: median(cpu), kernel_calls: profile.kernels.length, last_loss: loss }));

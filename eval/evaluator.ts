// The MNIST evaluator: a small convolutional classifier whose softmax scores samples (classes,
// label accuracy, inception-style score) and whose penultimate layer gives the features FID and
// KID compare. Trained by tools/train-evaluator.ts; weights in models/mnist-evaluator/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { dirIOHandler, WEIGHTS_BIN } from '../runtime/checkpoint/dir-io-handler';
import { UserError } from '../runtime/errors';

/** Side of the evaluator's square input. */
export const EVAL_SIZE = 28;
/** Name of the penultimate (feature) layer. */
export const FEATURE_LAYER = 'features';
export const FEATURE_UNITS = 128;
export const CLASSES = 10;

/** models/mnist-evaluator/ of this repository. */
export const DEFAULT_EVALUATOR_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'models', 'mnist-evaluator');

/** conv 16 5x5 - maxpool - conv 32 5x5 - maxpool - dense 128 (features) - dense 10 softmax; input [28, 28, 1] in [-1, 1]. */
export function buildEvaluator(): tf.LayersModel {
  const input = tf.input({ shape: [EVAL_SIZE, EVAL_SIZE, 1], name: 'image' });
  let h = tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu', name: 'conv1' }).apply(input) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 32, kernelSize: 5, activation: 'relu', name: 'conv2' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten({ name: 'flatten' }).apply(h) as tf.SymbolicTensor;
  const features = tf.layers.dense({ units: FEATURE_UNITS, activation: 'relu', name: FEATURE_LAYER }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: 0.4, name: 'dropout' }).apply(features) as tf.SymbolicTensor;
  const probs = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'probs' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ name: 'mnist_evaluator', inputs: input, outputs: probs });
}

export interface EvaluatorMeta {
  testAccuracy: number;
  /** Accuracy on the first `subset.count` test images (what the tests recheck). */
  subset: { count: number; accuracy: number };
  [key: string]: unknown;
}

/** Features and class probabilities of a batch of images. */
export interface Scores {
  features: Float32Array; // [n, FEATURE_UNITS]
  probs: Float32Array; // [n, CLASSES]
  n: number;
}

export class Evaluator {
  private readonly both: tf.LayersModel;
  /** @param weightsSha256 SHA-256 of the weights file it was loaded from (null: built in memory); results record it in their protocol. */
  constructor(readonly model: tf.LayersModel, readonly meta: EvaluatorMeta, readonly weightsSha256: string | null = null) {
    this.both = tf.model({ inputs: model.inputs, outputs: [model.getLayer(FEATURE_LAYER).output as tf.SymbolicTensor, model.outputs[0]] });
  }

  /**
   * Scores images [n, H, W, C] whose pixels are in `range`: channels averaged to one (luminance
   * for 3), larger images center-cropped and smaller ones padded to 28x28, mapped to [-1, 1].
   */
  async score(images: tf.Tensor4D, range: readonly [number, number] = [-1, 1], batch = 500): Promise<Scores> {
    const n = images.shape[0];
    const features = new Float32Array(n * FEATURE_UNITS);
    const probs = new Float32Array(n * CLASSES);
    for (let start = 0; start < n; start += batch) {
      const size = Math.min(batch, n - start);
      const outs = tf.tidy(() => {
        const x = toEvaluatorInput(images.slice([start, 0, 0, 0], [size, -1, -1, -1]), range);
        return this.both.predict(x) as tf.Tensor[];
      });
      try {
        // Read asynchronously: webgpu has no synchronous read in Node.
        const [f, p] = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
        features.set(f, start * FEATURE_UNITS);
        probs.set(p, start * CLASSES);
      } finally {
        tf.dispose(outs);
      }
    }
    return { features, probs, n };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Adapts images of any range, size and channel count to the evaluator's [n, 28, 28, 1] in [-1, 1]. */
export function toEvaluatorInput(images: tf.Tensor4D, range: readonly [number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    let x = images;
    const [, h, w, c] = x.shape;
    if (c === 3) x = tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), -1, true);
    else if (c !== 1) x = tf.mean(x, -1, true);
    const [lo, hi] = range;
    if (lo !== -1 || hi !== 1) x = tf.sub(tf.mul(tf.sub(x, lo), 2 / (hi - lo)), 1);
    const crop = (size: number) => (size > EVAL_SIZE ? [Math.floor((size - EVAL_SIZE) / 2), EVAL_SIZE] : [0, size]);
    const [top, hh] = crop(h);
    const [left, ww] = crop(w);
    if (h > EVAL_SIZE || w > EVAL_SIZE) x = tf.slice(x, [0, top, left, 0], [-1, hh, ww, -1]);
    if (hh < EVAL_SIZE || ww < EVAL_SIZE) {
      const padH = EVAL_SIZE - hh;
      const padW = EVAL_SIZE - ww;
      x = tf.pad(x, [[0, 0], [Math.floor(padH / 2), padH - Math.floor(padH / 2)], [Math.floor(padW / 2), padW - Math.floor(padW / 2)], [0, 0]], -1);
    }
    return x as tf.Tensor4D;
  });
}

const cache = new Map<string, Promise<Evaluator>>();

/** Loads (once per directory and process) the committed evaluator and its meta.json. */
export function loadEvaluator(dir: string = DEFAULT_EVALUATOR_DIR): Promise<Evaluator> {
  const key = resolve(dir);
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = (async () => {
      if (!existsSync(join(key, 'model.json'))) throw new UserError(`no evaluator at ${key} (run tools/train-evaluator.ts)`);
      const model = await tf.loadLayersModel(dirIOHandler(key));
      const metaFile = join(key, 'meta.json');
      const meta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as EvaluatorMeta) : { testAccuracy: NaN, subset: { count: 0, accuracy: NaN } };
      const weightsSha256 = createHash('sha256').update(readFileSync(join(key, WEIGHTS_BIN))).digest('hex');
      return new Evaluator(model, meta, weightsSha256);
    })();
    cache.set(key, loaded);
    loaded.catch(() => cache.delete(key));
  }
  return loaded;
}

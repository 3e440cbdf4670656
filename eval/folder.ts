// Scores a folder of image files, from ganspec (gan-sample --format png) or from any other GAN,
// with the MNIST evaluator: FID and KID to MNIST's test split, classes covered, entropy and
// inception-style score; with a labels.csv ("file,label", as gan-sample writes it) also the
// evaluator's accuracy against the labels. Every png/jpg/webp directly in the folder is read in
// name order, converted to grey and resized to 28x28 (runtime/data/folder.ts).
// Imports runtime/ and eval/.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readImageFolder } from '../runtime/data/folder';
import { UserError } from '../runtime/errors';
import { protocolOf, referenceOf, type EvalOptions, type Metrics } from './evaluate';
import { CLASSES, EVAL_SIZE, FEATURE_UNITS, loadEvaluator } from './evaluator';
import { accuracyOf, classStats, fid, kid } from './stats';

export const LABELS_FILE = 'labels.csv';

/** MNIST's test split as the reference, as a trainer of MNIST would see it. */
const MNIST = {
  data: { source: 'mnist' as const, image: [EVAL_SIZE, EVAL_SIZE, 1] as [number, number, number], range: [-1, 1] as [number, number] },
  real: [{ name: 'x', shape: [EVAL_SIZE, EVAL_SIZE, 1], dtype: 'float32' as const }, { name: 'y', shape: [], dtype: 'int32' as const }],
};

/**
 * The labels of `files` (paths) from a labels.csv whose first column is a file name and whose
 * second is an integer class; every file needs its row.
 */
export function readLabels(csv: string, files: readonly string[], where = LABELS_FILE): Int32Array {
  const byName = new Map<string, number>();
  csv.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || (i === 0 && !/^[^,]*,\s*-?\d+\s*(,|$)/.test(line))) return; // header
    const [file, label] = line.split(',');
    const value = Number(label);
    if (!Number.isInteger(value) || value < 0) throw new UserError(`${where} line ${i + 1}: the label must be a class number, got '${label?.trim() ?? ''}'`);
    byName.set(file.trim(), value);
  });
  return Int32Array.from(files, (f) => {
    const label = byName.get(basename(f));
    if (label === undefined) throw new UserError(`${where} has no row for ${basename(f)}`);
    return label;
  });
}

export type FolderEvalOptions = Pick<EvalOptions, 'evaluator' | 'referenceN' | 'kidBlock' | 'progress'>;

export async function evaluateFolder(dir: string, opts: FolderEvalOptions = {}): Promise<Metrics> {
  const began = performance.now();
  const evaluator = typeof opts.evaluator === 'object' ? opts.evaluator : await loadEvaluator(opts.evaluator);
  const folder = await readImageFolder(dir, MNIST.data.image, undefined, opts.progress);
  if (folder.classes.length > 0) throw new UserError(`${dir} has subfolders: gan-eval --samples reads a flat folder of images (and labels.csv)`);
  const n = folder.images.count;
  if (n < 2) throw new UserError(`${dir}: need at least 2 images, found ${n}`);
  const labelsFile = join(dir, LABELS_FILE);
  const labels = existsSync(labelsFile) ? readLabels(readFileSync(labelsFile, 'utf8'), folder.files, labelsFile) : undefined;
  const ref = await referenceOf(MNIST, evaluator, process.cwd(), opts.referenceN ?? 10000, opts.progress);

  const features = new Float32Array(n * FEATURE_UNITS);
  const probs = new Float32Array(n * CLASSES);
  const size = EVAL_SIZE * EVAL_SIZE;
  for (let start = 0; start < n; start += 500) {
    opts.progress?.('features of the images', start, n);
    const count = Math.min(500, n - start);
    const pixels = folder.images.pixels.subarray(start * size, (start + count) * size);
    const batch = tf.tidy(() => tf.tensor4d(Float32Array.from(pixels), [count, EVAL_SIZE, EVAL_SIZE, 1]));
    const s = await evaluator.score(batch, [0, 255]).finally(() => batch.dispose());
    features.set(s.features, start * FEATURE_UNITS);
    probs.set(s.probs, start * CLASSES);
  }
  opts.progress?.('features of the images', n, n);
  const reference = ref.features.x;
  const k = kid(features, n, reference.features, reference.n, FEATURE_UNITS, opts.kidBlock ?? 1000);
  return {
    model: basename(dir),
    kind: 'folder',
    n,
    seed: 0,
    seconds: (performance.now() - began) / 1000,
    references: { x: { split: ref.split, n: reference.n } },
    evaluator: { testAccuracy: evaluator.meta.testAccuracy },
    protocol: protocolOf(evaluator, n, { split: ref.split, features: { x: reference } }, opts.kidBlock ?? 1000),
    bands: [{
      band: basename(dir),
      role: 'generated',
      n,
      fid: { x: fid(features, n, reference.features, reference.n, FEATURE_UNITS) },
      kid: { x: { mean: k.mean, std: k.std } },
      classes: classStats(probs, n, CLASSES),
      ...(labels ? { labels: [{ input: LABELS_FILE, accuracy: accuracyOf(probs, labels, CLASSES) }] } : {}),
    }],
  };
}

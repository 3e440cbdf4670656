// Evaluates a trainer's generator(s) generically, from the trainer module alone: samples are drawn
// the way the preview grid draws them (runtime/loop/random-inputs.ts) in batches, passed through the
// trainer's `render`, and every band (preview expression) is scored by the MNIST evaluator.
//
// How a band is read (what the compiler found in each preview band decides, nothing model-specific:
// the real and random inputs it reads and how many network calls deep it is, trainer.preview.bands):
// - A band that shows one real input through no network ("a") is a source: real images from the
//   test split.
// - A band that reads exactly one real image input ("G_AB(a)", "G_BA(G_AB(a))") is derived from
//   it; its depth is how many network calls deep it is (1: translated, 2 or more: cycled). It
//   gets classKept: the share of samples whose evaluator class equals the class the evaluator gives
//   the source image (the source's label is the evaluator's prediction on it), and l1: the mean
//   absolute pixel difference to the source, in the data's range (the cycle error of a round trip).
// - Any other band ("G(z)", "G(z, y_g)") is generated.
// - A random input of kind `label` that a band reads is fixed per sample (sample i gets class
//   i mod K, so classes are balanced) and the evaluator's accuracy against it is reported; a
//   `categorical` input read by a band is fixed the same way and reported as code statistics.
// Every band, sources included (FID(A, B) is where a translation A->B starts), is compared (FID,
// KID) with every real image input of the data's test split (mnist, fashion-mnist and
// mnist-domains have one; other sources use their only split).
import * as tf from '@tensorflow/tfjs';
import { resolve } from 'node:path';
import { loadData } from '../runtime/data';
import { DATA_SOURCES, type DataConfig, type DataSource } from '../contract/data';
import { UserError } from '../runtime/errors';
import { drawInput } from '../runtime/loop/random-inputs';
import { installSeededRandom, restoreRng, rngState } from '../runtime/rng';
import { isSourceBand, type AnyTrainer } from '../contract/trainer';
import { CLASSES, FEATURE_UNITS, loadEvaluator, type Evaluator, type Scores } from './evaluator';
import type { MetricProtocol } from './protocol';
import { accuracyOf, argmaxRows, classStats, codeStats, fid, kid, type ClassStats, type CodeStats } from './stats';

export interface EvalOptions {
  /** Samples per band (default 10000; translation models use each test image of the source once, at most this many). */
  n?: number;
  /** Generator batch (default 250). */
  batch?: number;
  /** Seed of the random inputs (default 0); the caller's random stream is restored afterwards. */
  seed?: number;
  /** Folder the spec's relative data paths resolve against (default: the current directory). */
  dataDir?: string;
  /** The evaluator, or the directory of one (default models/mnist-evaluator). */
  evaluator?: Evaluator | string;
  /** Reference images per real input (default 10000: all of MNIST's test split). */
  referenceN?: number;
  /** KID block size (default 1000). */
  kidBlock?: number;
  /** Recorded in the result. */
  step?: number;
  /** Told how far the long parts are (reference features, samples scored). */
  progress?: (what: string, done: number, total: number) => void;
}

export interface KidValue {
  mean: number;
  std: number;
}

export interface BandMetrics {
  /** The preview expression, e.g. "G(z, y_g)", or a real input's name. */
  band: string;
  role: 'generated' | 'source' | 'derived' | 'real';
  n: number;
  /** Fréchet distance on the evaluator's features, to each reference (real input of the test split). */
  fid: Record<string, number>;
  kid: Record<string, KidValue>;
  classes: ClassStats;
  /** Label inputs the band reads (or the data's labels, for real images): the evaluator's accuracy against them. */
  labels?: { input: string; accuracy: number }[];
  /** Categorical codes the band reads: how code values map onto classes. */
  codes?: ({ input: string } & CodeStats)[];
  /** Derived bands: the real input they transform and the number of network calls in between. */
  source?: string;
  depth?: number;
  /** Share of samples keeping the evaluator's class of their source image. */
  classKept?: number;
  /** Mean absolute difference to the source image (data range). */
  l1?: number;
}

export interface Metrics {
  model: string;
  step?: number;
  /** What was evaluated: the generator(s) of a checkpoint, the training split's real images, or a folder of image files. */
  kind: 'generator' | 'real' | 'folder';
  n: number;
  seed: number;
  seconds: number;
  references: Record<string, { split: 'test' | 'train'; n: number }>;
  evaluator: { testAccuracy: number };
  /** What the numbers depend on besides the generator (eval/protocol.ts); absent in results of older versions. */
  protocol?: MetricProtocol;
  bands: BandMetrics[];
}

/** The protocol of a result: `n` samples per band against `ref`, scored by `evaluator`. */
export function protocolOf(evaluator: Evaluator, n: number, ref: Pick<Reference, 'split' | 'features'>, kidBlock: number): MetricProtocol {
  const references = Object.fromEntries(Object.entries(ref.features).map(([name, f]) => [name, { split: ref.split, n: f.n }]));
  return { evaluatorSha256: evaluator.weightsSha256, samples: n, references, kidBlock };
}

export interface Reference {
  data: DataSource;
  split: 'test' | 'train';
  features: Record<string, { features: Float32Array; n: number }>;
}

const references = new Map<string, Promise<Reference>>();

function imageInputs(trainer: Pick<AnyTrainer, 'real'>, names: readonly string[]): string[] {
  return names.filter((name) => (trainer.real.find((r) => r.name === name)?.shape.length ?? 3) === 3);
}

/** A `random` for DataSource.batch that draws, per input, the examples start .. start + n - 1 in order. */
function sequential(start: number, n: number, size: number): () => number {
  let c = 0;
  return () => ((start + (c++ % n)) % size + 0.5) / size;
}

function checkImages(trainer: AnyTrainer): void {
  const [h, w, c] = trainer.data.image;
  if (trainer.data.source === 'ring' || ![1, 3].includes(c) || h < 20 || w < 20 || h > 40 || w > 40) {
    throw new UserError(`${trainer.name}: gan-eval scores MNIST-like images (about 28x28, 1 or 3 channels) with an MNIST classifier; this model's data is ${trainer.data.source} [${trainer.data.image.join(', ')}]`);
  }
}

async function resolveEvaluator(e: Evaluator | string | undefined): Promise<Evaluator> {
  return typeof e === 'object' ? e : loadEvaluator(e);
}

/** Evaluator features of the test split's real images, or the training images where the source has no test split (cached per process). */
export async function referenceOf(
  trainer: Pick<AnyTrainer, 'data' | 'real'>, evaluator: Evaluator, dataDir: string, limit: number, progress?: EvalOptions['progress'],
): Promise<Reference> {
  const split = DATA_SOURCES[trainer.data.source].testSplit ? 'test' : 'train';
  const cfg: DataConfig = { ...trainer.data, ...(split === 'test' ? { split: 'test' as const } : {}) };
  const key = JSON.stringify([cfg, resolve(dataDir), limit, evaluator.model.name, evaluator.meta]);
  let ref = references.get(key);
  if (!ref) {
    ref = (async () => {
      const data = await loadData(cfg, dataDir);
      const n = Math.min(limit, data.size);
      const names = imageInputs(trainer, data.names);
      const what = `features of real ${split === 'test' ? 'test' : 'training'} images`;
      const features: Reference['features'] = Object.fromEntries(names.map((name) => [name, { features: new Float32Array(n * FEATURE_UNITS), n }]));
      for (let start = 0; start < n; start += 500) {
        progress?.(what, start, n);
        const size = Math.min(500, n - start);
        const batch = data.batch(size, sequential(start, size, data.size));
        try {
          for (const name of names) features[name].features.set((await evaluator.score(batch[name] as tf.Tensor4D, trainer.data.range)).features, start * FEATURE_UNITS);
        } finally {
          tf.dispose(Object.values(batch));
        }
      }
      progress?.(what, n, n);
      return { data, split, features };
    })();
    references.set(key, ref);
    ref.catch(() => references.delete(key));
  }
  return ref;
}

function referencesInfo(ref: Reference): Metrics['references'] {
  return Object.fromEntries(Object.entries(ref.features).map(([name, f]) => [name, { split: ref.split, n: f.n }]));
}

interface Accumulator {
  features: Float32Array;
  probs: Float32Array;
  l1: number;
  kept: number;
}

function newAccumulator(n: number): Accumulator {
  return { features: new Float32Array(n * FEATURE_UNITS), probs: new Float32Array(n * CLASSES), l1: 0, kept: 0 };
}

/** Puts the scores of the samples from `start` on into the accumulator. */
function store(acc: Accumulator, s: Scores, start: number): void {
  acc.features.set(s.features, start * FEATURE_UNITS);
  acc.probs.set(s.probs, start * CLASSES);
}

function distances(acc: Accumulator, n: number, ref: Reference, kidBlock: number): Pick<BandMetrics, 'fid' | 'kid'> {
  const out: Pick<BandMetrics, 'fid' | 'kid'> = { fid: {}, kid: {} };
  for (const [name, r] of Object.entries(ref.features)) {
    out.fid[name] = fid(acc.features, n, r.features, r.n, FEATURE_UNITS);
    const k = kid(acc.features, n, r.features, r.n, FEATURE_UNITS, kidBlock);
    out.kid[name] = { mean: k.mean, std: k.std };
  }
  return out;
}

/** Runs body with Math.random seeded, then puts the random stream back. Nothing else may draw
 *  while body awaits (training waits for its evaluations). */
async function withSeed<T>(seed: number, body: () => Promise<T>): Promise<T> {
  let saved: number[] | null = null;
  try {
    saved = rngState();
  } catch {
    saved = null;
  }
  const original = Math.random;
  installSeededRandom(seed);
  try {
    return await body();
  } finally {
    if (saved) restoreRng(saved);
    else Math.random = original;
  }
}

/**
 * Scores the generator(s) in `nets` (built from `trainer`, trained or not) on `opts.n` samples per
 * preview band. Leaves the networks, the random stream and the tf memory as they were.
 */
export async function evaluateRun(trainer: AnyTrainer, nets: Record<string, tf.LayersModel>, opts: EvalOptions = {}): Promise<Metrics> {
  checkImages(trainer);
  const began = performance.now();
  const evaluator = await resolveEvaluator(opts.evaluator);
  const ref = await referenceOf(trainer, evaluator, opts.dataDir ?? process.cwd(), opts.referenceN ?? 10000, opts.progress);
  const seed = opts.seed ?? 0;
  const batch = opts.batch ?? 250;
  const p = trainer.preview;
  const realNames = imageInputs(trainer, p.real);
  let n = opts.n ?? 10000;
  if (p.real.length > 0) n = Math.min(n, ref.data.size);
  if (!Number.isInteger(n) || n < 2) throw new UserError(`need at least 2 samples, got ${n}`);

  const defs = trainer.samples.filter((d) => p.sampled.includes(d.name));
  const fixed: Record<string, Int32Array> = {};
  for (const d of defs) if (d.kind === 'label' || d.kind === 'categorical') fixed[d.name] = Int32Array.from({ length: n }, (_, i) => i % d.size);

  const roles = p.bands.map((band) => {
    if (isSourceBand(band)) return { role: 'source' as const, source: band.real[0] };
    const from = band.real.filter((name) => realNames.includes(name));
    if (from.length === 1) return { role: 'derived' as const, source: from[0], depth: band.depth };
    return { role: 'generated' as const };
  });
  const bandAcc = p.bands.map(() => newAccumulator(n));
  const sourceAcc: Record<string, Accumulator> = Object.fromEntries(realNames.map((name) => [name, newAccumulator(n)]));

  await withSeed(seed, async () => {
    for (let start = 0; start < n; start += batch) {
      opts.progress?.(`features of ${trainer.name}'s samples`, start, n);
      const size = Math.min(batch, n - start);
      // The graph in one tidy; what is read back (asynchronously, as webgpu needs) kept until read.
      const { real, bands, l1 } = tf.tidy(() => {
        const sampled: Record<string, tf.Tensor> = {};
        for (const d of defs) sampled[d.name] = fixed[d.name] ? drawInput(d, size, fixed[d.name].subarray(start, start + size)) : drawInput(d, size);
        const real: Record<string, tf.Tensor> = {};
        if (p.real.length > 0) {
          for (const [name, t] of Object.entries(ref.data.batch(size, sequential(start, size, ref.data.size)))) if (p.real.includes(name)) real[name] = t;
        }
        const bands = trainer.render(nets, real, sampled);
        if (bands.length !== p.bands.length) throw new Error(`render gave ${bands.length} bands for ${p.bands.length} preview expressions`);
        // By band: the summed absolute difference to its source, where it has one of its shape.
        const l1: Record<number, tf.Tensor> = {};
        bands.forEach((t, b) => {
          const role = roles[b];
          const src = role.role === 'derived' ? real[role.source] : undefined;
          if (src && src.shape.join() === t.shape.join()) l1[b] = tf.sum(tf.abs(tf.sub(t, src)));
        });
        return { real, bands, l1 };
      });
      try {
        const sourceClass: Record<string, Int32Array> = {};
        for (const name of realNames) {
          const s = await evaluator.score(real[name] as tf.Tensor4D, trainer.data.range);
          store(sourceAcc[name], s, start);
          sourceClass[name] = argmaxRows(s.probs, size, CLASSES);
        }
        for (const [b, t] of bands.entries()) {
          const role = roles[b];
          if (role.role === 'source') continue;
          const s = await evaluator.score(t as tf.Tensor4D, trainer.data.range);
          const acc = bandAcc[b];
          store(acc, s, start);
          if (role.role === 'derived') {
            const cls = argmaxRows(s.probs, size, CLASSES);
            for (let i = 0; i < size; i++) if (cls[i] === sourceClass[role.source][i]) acc.kept++;
            if (l1[b]) acc.l1 += (await l1[b].data())[0] / (t.size / size);
          }
        }
      } finally {
        tf.dispose([...Object.values(real), ...bands, ...Object.values(l1)]);
      }
    }
    opts.progress?.(`features of ${trainer.name}'s samples`, n, n);
  });

  const kidBlock = opts.kidBlock ?? 1000;
  const results: BandMetrics[] = p.bands.map((band, b) => {
    const role = roles[b];
    if (role.role === 'source') {
      const acc = sourceAcc[role.source] ?? newAccumulator(n);
      // Its distances to the references: FID(A, B), what a translation A->B starts from.
      return { band: band.text, role: 'source', n, ...distances(acc, n, ref, kidBlock), classes: classStats(acc.probs, n, CLASSES) };
    }
    const acc = bandAcc[b];
    const out: BandMetrics = { band: band.text, role: role.role, n, ...distances(acc, n, ref, kidBlock), classes: classStats(acc.probs, n, CLASSES) };
    const labels = defs.filter((d) => d.kind === 'label' && d.size <= CLASSES && band.sampled.includes(d.name));
    if (labels.length > 0) out.labels = labels.map((d) => ({ input: d.name, accuracy: accuracyOf(acc.probs, fixed[d.name], CLASSES) }));
    const codes = defs.filter((d) => d.kind === 'categorical' && band.sampled.includes(d.name));
    if (codes.length > 0) out.codes = codes.map((d) => ({ input: d.name, ...codeStats(acc.probs, fixed[d.name], d.size, CLASSES) }));
    if (role.role === 'derived') {
      out.source = role.source;
      out.depth = role.depth;
      out.classKept = acc.kept / n;
      out.l1 = acc.l1 / n;
    }
    return out;
  });
  return {
    model: trainer.name,
    ...(opts.step !== undefined ? { step: opts.step } : {}),
    kind: 'generator',
    n,
    seed,
    seconds: (performance.now() - began) / 1000,
    references: referencesInfo(ref),
    evaluator: { testAccuracy: evaluator.meta.testAccuracy },
    protocol: protocolOf(evaluator, n, ref, kidBlock),
    bands: results,
  };
}

/**
 * The same metrics for real images: `n` examples of the training split (drawn with `seed`) of each
 * real image input, against the test split; with labels, the evaluator's accuracy on them.
 */
export async function evaluateReal(trainer: AnyTrainer, opts: EvalOptions = {}): Promise<Metrics> {
  checkImages(trainer);
  const began = performance.now();
  const evaluator = await resolveEvaluator(opts.evaluator);
  const dataDir = opts.dataDir ?? process.cwd();
  const ref = await referenceOf(trainer, evaluator, dataDir, opts.referenceN ?? 10000, opts.progress);
  const seed = opts.seed ?? 0;
  const data = await loadData(trainer.data, dataDir);
  const names = imageInputs(trainer, data.names);
  const hasLabels = data.names.includes('y');
  const n = opts.n ?? 10000;
  const accs: Record<string, Accumulator> = Object.fromEntries(names.map((name) => [name, newAccumulator(n)]));
  const labels = new Int32Array(n);
  await withSeed(seed, async () => {
    for (let start = 0; start < n; start += 500) {
      opts.progress?.('features of real training images', start, n);
      const size = Math.min(500, n - start);
      const batch = data.batch(size, Math.random);
      try {
        for (const name of names) {
          const s = await evaluator.score(batch[name] as tf.Tensor4D, trainer.data.range);
          store(accs[name], s, start);
        }
        if (hasLabels) labels.set(await batch.y.data(), start);
      } finally {
        tf.dispose(Object.values(batch));
      }
    }
    opts.progress?.('features of real training images', n, n);
  });
  const kidBlock = opts.kidBlock ?? 1000;
  return {
    model: trainer.name,
    kind: 'real',
    n,
    seed,
    seconds: (performance.now() - began) / 1000,
    references: referencesInfo(ref),
    evaluator: { testAccuracy: evaluator.meta.testAccuracy },
    protocol: protocolOf(evaluator, n, ref, kidBlock),
    bands: names.map((name) => ({
      band: `${name} (train split)`,
      role: 'real',
      n,
      ...distances(accs[name], n, ref, kidBlock),
      classes: classStats(accs[name].probs, n, CLASSES),
      ...(hasLabels ? { labels: [{ input: 'y', accuracy: accuracyOf(accs[name].probs, labels, CLASSES) }] } : {}),
    })),
  };
}

// The contract between a generated trainer module and the runtime: what `gan-compile` emits
// (`export const trainer: Trainer<...>`) and what the training loop, sampler and checkpoints read.
import type * as tf from '@tensorflow/tfjs';
import type { DataConfig } from './data';

/**
 * A learning-rate schedule: the updates of step s (counted from 1) use
 * lr * clamp((end - s) / (end - start), 0, 1): the full rate up to `start`, 0 from `end` on.
 */
export interface LinearDecay {
  readonly kind: 'linear';
  readonly start: number;
  readonly end: number;
}

export type OptimizerSettings = (
  | { kind: 'adam'; lr: number; beta1: number; beta2: number; epsilon: number }
  | { kind: 'rmsprop'; lr: number; rho: number; momentum: number; epsilon: number }
  | { kind: 'sgd'; lr: number }
) & { readonly decay?: LinearDecay };

export interface PhaseSettings {
  /** Updates per step (n_critic). */
  readonly repeat: number;
  /** Clip the updated weights to [-clip, clip] after each update. */
  readonly clip: number | null;
  readonly optimizer: OptimizerSettings;
}

/**
 * A random input. `size`: K for label and categorical, the numbers per example (the product of
 * `shape`) for normal and uniform; `shape`: one example's shape ([] for a label, [K] for a
 * categorical code). normal draws N(mean, std^2), uniform draws from [low, high).
 */
export type SampleDef =
  | { readonly name: string; readonly kind: 'normal'; readonly size: number; readonly shape: number[]; readonly mean: number; readonly std: number }
  | { readonly name: string; readonly kind: 'uniform'; readonly size: number; readonly shape: number[]; readonly low: number; readonly high: number }
  | { readonly name: string; readonly kind: 'label' | 'categorical'; readonly size: number; readonly shape: number[] };

export interface RealDef {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
}

/** What a phase trains: a whole network, or only the named layers of it (a head's own layers). */
export interface UpdateTarget {
  readonly net: string;
  readonly layers?: string[];
}

export interface Phase<N, R, S> {
  readonly name: string;
  readonly loss: (nets: N, real: R, sampled: S) => tf.Scalar;
  readonly settings: PhaseSettings;
  /**
   * The optimizer instance the phase steps, and the name checkpoints keep its state under:
   * phases naming the same one share one instance and its state (they update the same weights
   * with the same settings). Default: the phase's name (an optimizer of its own).
   */
  readonly optimizer?: string;
  readonly updates: UpdateTarget[];
  /** The real and random inputs the loss reads, so that nothing else is drawn. */
  readonly real: string[];
  readonly sampled: string[];
}

/**
 * An EMA copy (`ema: { of, decay, start }` in the spec): network `name` (one of the trainer's
 * networks, with `of`'s architecture) starts as a copy of `of`'s weights; after every optimizer
 * step that updates `of`, its trainable weights become decay * w_ema + (1 - decay) * w (in steps
 * before `start`: w) and its other weights (batch-norm moving statistics) a copy of `of`'s.
 */
export interface EmaDef {
  readonly name: string;
  readonly of: string;
  readonly decay: number;
  readonly start: number;
}

/** One band of the preview grid: a preview expression, and what the compiler found in it. */
export interface PreviewBand {
  /** The expression as the spec writes it, e.g. "G_BA(G_AB(a))". */
  readonly text: string;
  /** The real and random inputs it reads, in the order the preview first reads them. */
  readonly real: string[];
  readonly sampled: string[];
  /** How many network calls deep it is: 0 = an input itself, 1 = G(z) or G_AB(a), 2 = G_BA(G_AB(a)). */
  readonly depth: number;
}

/** A band that shows one real input as it is (`a`): real images, not a network's output. */
export function isSourceBand(band: PreviewBand): boolean {
  return band.depth === 0 && band.real.length === 1 && band.sampled.length === 0;
}

export interface PreviewSettings {
  readonly every: number;
  readonly rows: number;
  readonly cols: number;
  /** Random inputs held along a row (labels and codes take the row index) or a column. */
  readonly perRow: string[];
  readonly perCol: string[];
  /** Each band, in order. */
  readonly bands: PreviewBand[];
  /** The real and random inputs any band reads. */
  readonly real: string[];
  readonly sampled: string[];
}

export interface Trainer<N = Record<string, tf.LayersModel>, R = Record<string, tf.Tensor>, S = Record<string, tf.Tensor>> {
  readonly name: string;
  readonly source: string;
  readonly paper: string;
  readonly hyperparameters: { readonly batch: number; readonly steps: number };
  readonly data: DataConfig;
  readonly real: RealDef[];
  readonly samples: SampleDef[];
  readonly networks: { readonly [K in keyof N]: () => tf.LayersModel };
  /** The networks that are EMA copies of others; absent when there are none. */
  readonly ema?: readonly EmaDef[];
  readonly phases: Phase<N, R, S>[];
  readonly preview: PreviewSettings;
  readonly render: (nets: N, real: R, sampled: S) => tf.Tensor[];
  readonly checkpoint: { readonly every: number; readonly keep: number };
}

/** A trainer seen by the runtime, which works with names rather than the module's own types. */
export type AnyTrainer = Trainer<Record<string, tf.LayersModel>, Record<string, tf.Tensor>, Record<string, tf.Tensor>>;

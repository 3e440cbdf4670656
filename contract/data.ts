// The data contract between compiled trainers and the runtime: the table of data sources (the
// real inputs each gives, its classes and splits, whether it needs a path), the plain config the
// compiler emits, and the batch source the training loop draws real inputs from. The schema's
// `data.source` enum lists the same names (a test holds them equal). Imports only tfjs types.
import type * as tf from '@tensorflow/tfjs';

export interface DataSourceInfo {
  /** The real inputs a batch provides. `y` (labels) only where `labels` is not 'never'. */
  readonly images: readonly ('x' | 'a' | 'b')[];
  /** 'always': every example has a class; 'with-file': when `labels` names an IDX label file. */
  readonly labels: 'always' | 'with-file' | 'never';
  /** The number of classes where the source fixes it (null: read from the data). */
  readonly classes: number | null;
  /** Whether the source has a test split besides the training split. */
  readonly testSplit: boolean;
  /** Whether `data.path` must be given. */
  readonly path: 'required' | 'optional' | 'unused';
  /**
   * Examples in the training split (per domain for a domain pair) where the source fixes it;
   * null: read from the data (a folder, an IDX file); Infinity: drawn afresh for every batch.
   */
  readonly trainSize: number | null;
}

export const DATA_SOURCES = {
  mnist: { images: ['x'], labels: 'always', classes: 10, testSplit: true, path: 'unused', trainSize: 60000 },
  'fashion-mnist': { images: ['x'], labels: 'always', classes: 10, testSplit: true, path: 'optional', trainSize: 60000 },
  idx: { images: ['x'], labels: 'with-file', classes: null, testSplit: false, path: 'required', trainSize: null },
  // y is the index of the image's subfolder.
  folder: { images: ['x'], labels: 'always', classes: null, testSplit: false, path: 'required', trainSize: null },
  domains: { images: ['a', 'b'], labels: 'never', classes: null, testSplit: false, path: 'required', trainSize: null },
  // Each domain is half of MNIST's training split (plain digits, then bold ones).
  'mnist-domains': { images: ['a', 'b'], labels: 'never', classes: null, testSplit: true, path: 'unused', trainSize: 30000 },
  // x: a 2-D point, y: the Gaussian it was drawn from.
  ring: { images: ['x'], labels: 'always', classes: 8, testSplit: false, path: 'unused', trainSize: Infinity },
} as const satisfies Record<string, DataSourceInfo>;

export type DataSourceName = keyof typeof DATA_SOURCES;

export type DataConfig = {
  source: DataSourceName;
  image: [number, number, number];      // H, W, C the networks expect
  range: [number, number];              // pixel range, e.g. [-1, 1] or [0, 1]
  path?: string;                        // idx: images file; folder: dir; domains: dir with trainA/ trainB/; fashion-mnist: dir with the 4 IDX files
  labels?: string;                      // idx: labels file (optional)
  split?: 'train' | 'test';             // sources with a test split, default train
  limit?: number;                       // use only the first N examples
};

/** The real inputs a batch of this config provides, in order: ['x', 'y'], ['x'] or ['a', 'b']. */
export function realInputNames(cfg: Pick<DataConfig, 'source' | 'labels'>): string[] {
  const info: DataSourceInfo = DATA_SOURCES[cfg.source];
  const labelled = info.labels === 'always' || (info.labels === 'with-file' && cfg.labels !== undefined);
  return labelled ? [...info.images, 'y'] : [...info.images];
}

export interface DataSource {
  readonly size: number;
  readonly classes: number | null;      // number of label classes, null when unlabeled
  readonly names: string[];             // the real inputs a batch provides: ['x','y'], ['x'] or ['a','b']
  batch(n: number, random: () => number): Record<string, tf.Tensor>;  // x: float32 [n,H,W,C] in range; y: int32 [n]; a,b: float32 [n,H,W,C]
  identity(): string;                   // SHA-256 of the examples drawn from (runtime/data/identity.ts): same data, same identity
}

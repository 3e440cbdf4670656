// The data contract between compiled trainers and the runtime: the plain config the compiler
// emits and the batch source the training loop draws real inputs from.
import type * as tf from '@tensorflow/tfjs';

export type DataConfig = {
  source: 'mnist' | 'fashion-mnist' | 'idx' | 'folder' | 'domains' | 'mnist-domains' | 'ring';
  image: [number, number, number];      // H, W, C the networks expect
  range: [number, number];              // pixel range, e.g. [-1, 1] or [0, 1]
  path?: string;                        // idx: images file; folder: dir; domains: dir with trainA/ trainB/; fashion-mnist: dir with the 4 IDX files
  labels?: string;                      // idx: labels file (optional)
  split?: 'train' | 'test';             // mnist/fashion-mnist, default train
  limit?: number;                       // use only the first N examples
};

export interface DataSource {
  readonly size: number;
  readonly classes: number | null;      // number of label classes, null when unlabeled
  readonly names: string[];             // the real inputs a batch provides: ['x','y'], ['x'] or ['a','b']
  batch(n: number, random: () => number): Record<string, tf.Tensor>;  // x: float32 [n,H,W,C] in range; y: int32 [n]; a,b: float32 [n,H,W,C]
}

// The intermediate representation: plain data between `lower` and `emit`. Every node keeps the
// JSON pointer of the spec text it came from, so generated code can point back to the spec.
import type { DataConfig } from '../contract/data';

export type DType = 'float32' | 'int32';

/** A tfjs layer factory call: `tf.layers.<factory>(config)` or `gs.<factory>(config)`. */
export interface LayerIR {
  /** TypeScript variable holding the layer's symbolic output: the layer's id where it can be. */
  variable: string;
  /** tfjs layer name, unique within the network. */
  layerName: string;
  namespace: 'tf.layers' | 'gs';
  factory: string;
  config: Record<string, unknown>;
  inputs: string[];
  shape: number[];
  pointer: string;
  /** The spec's description of the layer, for the comment beside it. */
  label: string;
}

export interface NetworkInputIR {
  name: string;
  variable: string;
  shape: number[];
  dtype: DType;
}

export interface NetworkIR {
  name: string;
  pointer: string;
  inputs: NetworkInputIR[];
  layers: LayerIR[];
  /** Named heads in order; a single unnamed output has the name ''. */
  outputs: { name: string; variable: string; shape: number[] }[];
  /** Per head, the tfjs names of the layers only that head uses (its own layers). */
  headLayers: Record<string, string[]>;
}

export type Operand = { ref: string } | { num: number };

/** DiffAugment's policies (runtime/ops/diffaugment.ts), applied in this order. */
export type AugmentPolicy = 'color' | 'translation' | 'cutout';

/** One straight-line statement of a loss or preview function. */
export type Stmt = { id: string } & (
  | { op: 'input'; source: 'real' | 'sampled'; name: string }
  | { op: 'column'; arg: string }
  | { op: 'apply'; net: string; args: string[]; training: boolean; heads: number }
  | { op: 'head'; arg: string; index: number; name: string }
  | { op: 'loss'; fn: 'bce' | 'ce' | 'bce_logits' | 'ce_logits' | 'mse' | 'l1'; args: Operand[] }
  /** Over `axes` (tfjs axes: 0 is the batch axis of a per-example value), or over everything when absent. */
  | { op: 'reduce'; fn: 'mean' | 'sum' | 'max' | 'min' | 'std' | 'var'; arg: string; axes?: number[] }
  | { op: 'unary'; fn: 'neg' | 'relu' | 'softplus' | 'abs' | 'square' | 'sqrt' | 'log' | 'exp' | 'sigmoid' | 'tanh'; arg: string }
  | { op: 'binary'; fn: 'add' | 'sub' | 'mul' | 'div'; a: Operand; b: Operand }
  | { op: 'penalty'; net: string; real: string; fake: string }
  | { op: 'detach'; arg: string }
  | { op: 'onehot'; arg: string; classes: number }
  /** DiffAugment of an image batch, inserted before a training call of a network (lower/augment.ts). */
  | { op: 'augment'; arg: string; policy: AugmentPolicy[] }
  /** Per example, the sum over the other axes of a * b (operands of one shape). */
  | { op: 'dot'; a: string; b: string }
  /** Per example, the p-norm over the other axes; 'sq' is the sum of squares. */
  | { op: 'norm'; p: 1 | 2 | 'inf' | 'sq'; arg: string }
  /** A fresh draw shaped like `arg`: uniform on [a, b), or normal with mean a and std b. */
  | { op: 'noise'; dist: 'uniform' | 'normal'; arg: string; a: number; b: number }
  /** A per-example value given more axes of size 1 after the batch axis, to `shape` per example. */
  | { op: 'expand'; arg: string; shape: number[] }
  /**
   * d sum(f) / d wrt: `body` recomputes, as a function of wrt, the statements on the way from wrt
   * to f (f is the last, or wrt itself when the body is empty); the rest is read from outside.
   */
  | { op: 'grad'; f: string; wrt: string; body: Stmt[] }
);

export interface OptimizerIR {
  kind: 'adam' | 'rmsprop' | 'sgd';
  lr: number;
  beta1?: number;
  beta2?: number;
  rho?: number;
  momentum?: number;
  epsilon?: number;
  /** The learning rate falls linearly from step `start` to 0 at step `end` (absent: constant). */
  decay?: { kind: 'linear'; start: number; end: number };
}

export interface PhaseIR {
  name: string;
  pointer: string;
  loss: { name: string; text: string; pointer: string };
  updates: { net: string; head?: string }[];
  repeat: number;
  clip: number | null;
  optimizer: OptimizerIR;
  /** The optimizer instance it steps: phases with the same name share one (see ResolvedPhase). */
  optimizerName: string;
  stmts: Stmt[];
  result: string;
  real: string[];
  sampled: string[];
}

/**
 * A random input: normal(dims..., mean=, std=), uniform(dims..., low=, high=), label(K),
 * categorical(K). `size` is K for label and categorical, the numbers per example (the product
 * of `shape`) for normal and uniform; `shape` is one example's shape ([] for a label, [K] for a
 * categorical code).
 */
export type SampleIR =
  | { name: string; kind: 'normal'; size: number; shape: number[]; mean: number; std: number }
  | { name: string; kind: 'uniform'; size: number; shape: number[]; low: number; high: number }
  | { name: string; kind: 'label' | 'categorical'; size: number; shape: number[] };

export interface RealInputIR {
  name: string;
  shape: number[];
  dtype: DType;
}

export interface PreviewIR {
  every: number;
  rows: number;
  cols: number;
  perRow: string[];
  perCol: string[];
  stmts: Stmt[];
  /** Each band: its text, the statement holding its image, what it reads and its network depth. */
  bands: { text: string; result: string; real: string[]; sampled: string[]; depth: number }[];
  real: string[];
  sampled: string[];
}

/** An EMA copy: network `name` averages network `of`'s weights after each of its updates. */
export interface EmaIR {
  name: string;
  of: string;
  decay: number;
  start: number;
}

export interface ModuleIR {
  name: string;
  /** The spec's path as given to the compiler, relative to the working directory. */
  source: string;
  paper: string;
  description: string;
  data: DataConfig;
  real: RealInputIR[];
  samples: SampleIR[];
  networks: NetworkIR[];
  /** The networks that are EMA copies of others (also in `networks`). */
  ema: EmaIR[];
  phases: PhaseIR[];
  batch: number;
  steps: number;
  preview: PreviewIR;
  checkpoint: { every: number; keep: number };
}

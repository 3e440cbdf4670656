// The layer vocabulary: for each layer kind of the spec language, how its output shape follows
// from its inputs (or why it can't), and which tfjs layers implement it. One entry per kind.
// `spectral_norm: true` on dense, conv2d and conv2d_transpose makes the weight layer ganspec's
// gs.spectralNorm (runtime/ops/spectral-norm.ts), its activation a layer of its own after it.
import type { DType } from '../ir';

export interface TensorType {
  shape: number[];
  dtype: DType;
}

export interface TfLayer {
  namespace: 'tf.layers' | 'gs';
  factory: string;
  config: Record<string, unknown>;
}

export interface LayerKind {
  /** How many inputs: 1, or 'many' for merges. */
  arity: 1 | 'many';
  /** The output type, or a message saying what is wrong with the inputs or arguments. */
  infer(args: any, inputs: TensorType[]): TensorType | string;
  tf(args: any): TfLayer[];
}

const prod = (xs: number[]): number => xs.reduce((a, b) => a * b, 1);
const pair = (v: number | number[] | undefined, dflt: number): [number, number] =>
  v === undefined ? [dflt, dflt] : Array.isArray(v) ? [v[0], v[1]] : [v, v];
const fmt = (s: number[]): string => `[${s.join(', ')}]`;

const float = (shape: number[]): TensorType => ({ shape, dtype: 'float32' });

function needsRank(x: TensorType, rank: number, what: string): string | undefined {
  if (x.shape.length !== rank) return `${what} expects an input of rank ${rank} ([height, width, channels]), got ${fmt(x.shape)}`;
  return undefined;
}

/** tfjs activation names for ours; leaky_relu has no tfjs activation string and becomes a layer. */
function activationLayers(activation: string | undefined): TfLayer[] {
  if (activation === undefined || activation === 'linear') return [];
  if (activation === 'leaky_relu') return [{ namespace: 'tf.layers', factory: 'leakyReLU', config: { alpha: 0.2 } }];
  return [{ namespace: 'tf.layers', factory: 'activation', config: { activation } }];
}

function convOut(size: number, kernel: number, stride: number, padding: string, transpose: boolean): number {
  if (transpose) return padding === 'same' ? size * stride : (size - 1) * stride + kernel;
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1;
}

function conv(transpose: boolean): LayerKind {
  const what = transpose ? 'conv2d_transpose' : 'conv2d';
  return {
    arity: 1,
    infer(a, [x]) {
      const bad = needsRank(x, 3, what);
      if (bad) return bad;
      const [kh, kw] = pair(a.kernel, 1);
      const [sh, sw] = pair(a.strides, 1);
      const padding = a.padding ?? 'same';
      const h = convOut(x.shape[0], kh, sh, padding, transpose);
      const w = convOut(x.shape[1], kw, sw, padding, transpose);
      if (h < 1 || w < 1) return `${what} with kernel ${kh}x${kw} and padding '${padding}' does not fit an input of ${fmt(x.shape)}`;
      return float([h, w, a.filters]);
    },
    tf(a) {
      if (a.spectral_norm === true) {
        const config = { kind: what, units: a.filters, kernelSize: pair(a.kernel, 1), strides: pair(a.strides, 1), padding: a.padding ?? 'same', ...(a.bias === false ? { useBias: false } : {}) };
        return [{ namespace: 'gs', factory: 'spectralNorm', config }, ...activationLayers(a.activation)];
      }
      const activation = a.activation === 'leaky_relu' ? undefined : a.activation;
      const config: Record<string, unknown> = {
        filters: a.filters,
        kernelSize: pair(a.kernel, 1),
        strides: pair(a.strides, 1),
        padding: a.padding ?? 'same',
      };
      if (activation !== undefined && activation !== 'linear') config.activation = activation;
      if (a.bias === false) config.useBias = false;
      const extra = a.activation === 'leaky_relu' ? activationLayers('leaky_relu') : [];
      return [{ namespace: 'tf.layers', factory: transpose ? 'conv2dTranspose' : 'conv2d', config }, ...extra];
    },
  };
}

function activation(name: string): LayerKind {
  return {
    arity: 1,
    infer: (_a, [x]) => float(x.shape),
    tf: () => activationLayers(name),
  };
}

function merge(factory: 'concatenate' | 'multiply' | 'add'): LayerKind {
  return {
    arity: 'many',
    infer(_a, xs) {
      if (xs.length < 2) return `${factory === 'concatenate' ? 'concat' : factory} joins two or more inputs: give them with 'from' or 'with'`;
      const [first, ...rest] = xs;
      for (const x of rest) {
        if (factory === 'concatenate') {
          const same = x.shape.length === first.shape.length && x.shape.slice(0, -1).every((d, i) => d === first.shape[i]);
          if (!same) return `concat needs inputs equal in all but the last axis, got ${xs.map((t) => fmt(t.shape)).join(' and ')}`;
        } else if (fmt(x.shape) !== fmt(first.shape)) {
          return `${factory} needs inputs of one shape, got ${xs.map((t) => fmt(t.shape)).join(' and ')}`;
        }
      }
      if (factory !== 'concatenate') return float(first.shape);
      return float([...first.shape.slice(0, -1), xs.reduce((s, x) => s + x.shape[x.shape.length - 1], 0)]);
    },
    tf: () => [{ namespace: 'tf.layers', factory, config: {} }],
  };
}

export const LAYER_KINDS: Record<string, LayerKind> = {
  dense: {
    arity: 1,
    infer: (a, [x]) => float([...x.shape.slice(0, -1), a.units]),
    tf(a) {
      if (a.spectral_norm === true) {
        const config = { kind: 'dense', units: a.units, ...(a.bias === false ? { useBias: false } : {}) };
        return [{ namespace: 'gs', factory: 'spectralNorm', config }, ...activationLayers(a.activation)];
      }
      const config: Record<string, unknown> = { units: a.units };
      if (a.activation !== undefined && a.activation !== 'linear' && a.activation !== 'leaky_relu') config.activation = a.activation;
      if (a.bias === false) config.useBias = false;
      return [{ namespace: 'tf.layers', factory: 'dense', config }, ...(a.activation === 'leaky_relu' ? activationLayers('leaky_relu') : [])];
    },
  },
  conv2d: conv(false),
  conv2d_transpose: conv(true),
  upsample: {
    arity: 1,
    infer(a, [x]) {
      const bad = needsRank(x, 3, 'upsample');
      if (bad) return bad;
      const [fh, fw] = pair(a, 2);
      return float([x.shape[0] * fh, x.shape[1] * fw, x.shape[2]]);
    },
    tf: (a) => [{ namespace: 'tf.layers', factory: 'upSampling2d', config: { size: pair(a, 2) } }],
  },
  reshape: {
    arity: 1,
    infer(a, [x]) {
      if (prod(a) !== prod(x.shape)) return `reshape to ${fmt(a)} (${prod(a)} values) does not fit an input of ${fmt(x.shape)} (${prod(x.shape)} values)`;
      return float([...a]);
    },
    tf: (a) => [{ namespace: 'tf.layers', factory: 'reshape', config: { targetShape: a } }],
  },
  flatten: {
    arity: 1,
    infer: (_a, [x]) => float([prod(x.shape)]),
    tf: () => [{ namespace: 'tf.layers', factory: 'flatten', config: {} }],
  },
  batchnorm: {
    arity: 1,
    infer: (_a, [x]) => float(x.shape),
    tf(a) {
      const config: Record<string, unknown> = {};
      if (a?.momentum !== undefined) config.momentum = a.momentum;
      if (a?.epsilon !== undefined) config.epsilon = a.epsilon;
      return [{ namespace: 'tf.layers', factory: 'batchNormalization', config }];
    },
  },
  instancenorm: {
    arity: 1,
    infer: (_a, [x]) => needsRank(x, 3, 'instancenorm') ?? float(x.shape),
    tf: (a) => [{ namespace: 'gs', factory: 'instanceNormalization', config: a?.epsilon !== undefined ? { epsilon: a.epsilon } : {} }],
  },
  dropout: {
    arity: 1,
    infer: (_a, [x]) => float(x.shape),
    tf: (a) => [{ namespace: 'tf.layers', factory: 'dropout', config: { rate: a } }],
  },
  relu: activation('relu'),
  tanh: activation('tanh'),
  sigmoid: activation('sigmoid'),
  softmax: activation('softmax'),
  leaky_relu: {
    arity: 1,
    infer: (_a, [x]) => float(x.shape),
    tf: (a) => [{ namespace: 'tf.layers', factory: 'leakyReLU', config: { alpha: a ?? 0.2 } }],
  },
  zeropad: {
    arity: 1,
    infer(a, [x]) {
      const bad = needsRank(x, 3, 'zeropad');
      if (bad) return bad;
      const [[t, b], [l, r]] = Array.isArray(a) ? a : [[a, a], [a, a]];
      return float([x.shape[0] + t + b, x.shape[1] + l + r, x.shape[2]]);
    },
    tf: (a) => [{ namespace: 'tf.layers', factory: 'zeroPadding2d', config: { padding: Array.isArray(a) ? a : [[a, a], [a, a]] } }],
  },
  embedding: {
    arity: 1,
    infer(a, [x]) {
      if (x.dtype !== 'int32') return `embedding takes a class label input (declare it as 'label'), got a float input of ${fmt(x.shape)}`;
      return float([...x.shape, a.dim]);
    },
    tf: (a) => [{ namespace: 'tf.layers', factory: 'embedding', config: { inputDim: a.classes, outputDim: a.dim } }],
  },
  concat: merge('concatenate'),
  multiply: merge('multiply'),
  add: merge('add'),
};

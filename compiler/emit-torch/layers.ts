// Stage 6, emit for the torch target (layers): a LayerIR (a tfjs factory and its config) as the
// ganspec_torch layer that computes the same thing, with the input sizes torch needs (tfjs infers
// them). Each factory's config keys are listed, so a key this file does not know is a compiler
// bug, never silently dropped. Imports the IR and quote.ts only.
import type { LayerIR } from '../ir';
import { pyLit, pyStr } from './quote';

/** The factories the torch target has, and the config keys each reads. */
const KEYS: Record<string, string[]> = {
  dense: ['units', 'activation', 'useBias'],
  conv2d: ['filters', 'kernelSize', 'strides', 'padding', 'activation', 'useBias'],
  conv2dTranspose: ['filters', 'kernelSize', 'strides', 'padding', 'activation', 'useBias'],
  batchNormalization: ['momentum', 'epsilon'],
  instanceNormalization: ['epsilon'],
  leakyReLU: ['alpha'],
  activation: ['activation'],
  dropout: ['rate'],
  embedding: ['inputDim', 'outputDim'],
  flatten: [],
  reshape: ['targetShape'],
  concatenate: [],
  multiply: [],
  add: [],
  upSampling2d: ['size'],
  zeroPadding2d: ['padding'],
  spectralNorm: ['kind', 'units', 'kernelSize', 'strides', 'padding', 'useBias'],
};

/** Whether the torch target can emit this layer. */
export const hasTorchLayer = (factory: string): boolean => factory in KEYS;

/** Keyword arguments in order, leaving out those that are undefined. */
function kwargs(entries: [string, unknown][]): string[] {
  return entries.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${pyLit(v)}`);
}

/**
 * `gs.Dense(100, 6272, activation="relu", name="G_l0")`: `inputShapes` are the layer's inputs'
 * per-example shapes in the spec's (tfjs) terms; the last axis is the channel/feature axis.
 */
export function layerCall(l: LayerIR, inputShapes: number[][]): string {
  const keys = KEYS[l.factory];
  if (keys === undefined) throw new Error(`internal error: the torch target has no layer '${l.factory}'`);
  const unknown = Object.keys(l.config).filter((k) => !keys.includes(k));
  if (unknown.length > 0) throw new Error(`internal error: layer '${l.factory}' config has ${unknown.join(', ')}, which the torch target does not read`);
  const c = l.config as Record<string, any>;
  const features = inputShapes[0]?.[inputShapes[0].length - 1];
  const bias = c.useBias === false ? false : undefined;
  const name = `name=${pyStr(l.layerName)}`;
  const call = (cls: string, args: unknown[], kw: [string, unknown][]): string => `gs.${cls}(${[...args.map(pyLit), ...kwargs(kw), name].join(', ')})`;
  switch (l.factory) {
    case 'dense':
      return call('Dense', [features, c.units], [['activation', c.activation], ['use_bias', bias]]);
    case 'conv2d':
    case 'conv2dTranspose':
      return call(l.factory === 'conv2d' ? 'Conv2d' : 'Conv2dTranspose', [features, c.filters, c.kernelSize, c.strides, c.padding], [['activation', c.activation], ['use_bias', bias]]);
    case 'batchNormalization':
      return call('BatchNormalization', [features], [['momentum', c.momentum], ['epsilon', c.epsilon]]);
    case 'instanceNormalization':
      return call('InstanceNormalization', [features], [['epsilon', c.epsilon]]);
    case 'leakyReLU':
      return call('LeakyReLU', [c.alpha ?? 0.3], []);
    case 'activation':
      return call('Activation', [c.activation], []);
    case 'dropout':
      return call('Dropout', [c.rate], []);
    case 'embedding':
      return call('Embedding', [c.inputDim, c.outputDim], []);
    case 'flatten':
      return call('Flatten', [], []);
    case 'reshape':
      return call('Reshape', [c.targetShape], []);
    case 'concatenate':
      return call('Concatenate', [], []);
    case 'multiply':
      return call('Multiply', [], []);
    case 'add':
      return call('Add', [], []);
    case 'upSampling2d':
      return call('UpSampling2d', [c.size], []);
    case 'zeroPadding2d':
      return call('ZeroPadding2d', [c.padding], []);
    case 'spectralNorm':
      return call('SpectralNorm', [c.kind, features, c.units], [['kernel_size', c.kernelSize], ['strides', c.strides], ['padding', c.padding], ['use_bias', bias]]);
    default:
      throw new Error(`internal error: the torch target has no layer '${l.factory}'`);
  }
}

// Which layer pairs both emitters fold (compiler/emit/fold.ts): a 2x nearest
// upsampling read only by a stride-1 'same' conv2d, and nothing else. Networks built by hand as
// IR, one condition broken at a time; the folded computation itself is checked against
// upsampling-then-convolution in runtime-torch/tests/test_layers.py and
// test/ops-upsampled-conv.test.ts, and end to end by test/torch-equivalence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { upsampledConvolutions } from '../compiler/emit/fold';
import type { LayerIR, NetworkIR } from '../compiler/ir';

function layer(variable: string, factory: string, config: Record<string, unknown>, inputs: string[]): LayerIR {
  return { variable, layerName: `G_${variable}`, namespace: 'tf.layers', factory, config, inputs, shape: [], pointer: '', label: '' };
}

const up = (config: Record<string, unknown> = { size: [2, 2] }): LayerIR => layer('u', 'upSampling2d', config, ['x']);
const conv = (config: Record<string, unknown> = {}, input = 'u'): LayerIR =>
  layer('c', 'conv2d', { filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', ...config }, [input]);

function net(layers: LayerIR[], outputs = ['c']): NetworkIR {
  return { name: 'G', pointer: '', inputs: [{ name: 'x', variable: 'x', shape: [4, 4, 2], dtype: 'float32' }], layers, outputs: outputs.map((variable) => ({ name: '', variable, shape: [] })), headLayers: {} };
}

const folded = (n: NetworkIR): [string, string][] => [...upsampledConvolutions(n)].map(([c, u]) => [c, u.variable]);

test('a 2x upsampling read only by a stride-1 same conv2d is folded into it, for any kernel size', () => {
  assert.deepEqual(folded(net([up(), conv()])), [['c', 'u']]);
  assert.deepEqual(folded(net([up(), conv({ kernelSize: [4, 4] })])), [['c', 'u']]);
});

test('no fold when the conv strides, pads valid, or the upsampling is not 2x', () => {
  assert.deepEqual(folded(net([up(), conv({ strides: [2, 2] })])), []);
  assert.deepEqual(folded(net([up(), conv({ padding: 'valid' })])), []);
  assert.deepEqual(folded(net([up({ size: [3, 3] }), conv()])), []);
  assert.deepEqual(folded(net([up({ size: [2, 1] }), conv()])), []);
});

test('no fold when the upsampled tensor is read by another layer or is an output', () => {
  assert.deepEqual(folded(net([up(), conv(), layer('d', 'conv2d', { filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same' }, ['u'])], ['c', 'd'])), []);
  assert.deepEqual(folded(net([up(), conv()], ['c', 'u'])), []);
  assert.deepEqual(folded(net([up(), layer('c', 'dense', { units: 3 }, ['u'])])), []);
});

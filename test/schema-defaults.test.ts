// The schema's `default`s (what an editor completes and shows) equal what a spec that leaves the
// key out gets: a tiny spec without any defaulted key is resolved and lowered, and each value is
// read from the IR, or, where the compiler leaves a layer option to tfjs, from the tfjs (or
// ganspec runtime) layer built with the IR's config. Every default in the schema must be in the
// table below, and every default and example must be valid where it stands.
// May import anything of ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020';
import type { LayerIR, ModuleIR } from '../compiler/ir';
import { SCHEMA } from '../compiler/validate';
import { gs, tf } from '../runtime/api';
import { contextOf, lines, through } from './unit-helpers';

type Schema = Record<string, unknown>;

/** Every subschema with a `default` or `examples`, by its JSON pointer in the schema. */
function annotated(node: unknown, pointer = ''): [string, Schema][] {
  if (node === null || typeof node !== 'object') return [];
  const own: [string, Schema][] = !Array.isArray(node) && ('default' in node || 'examples' in node) ? [[pointer, node as Schema]] : [];
  return [...own, ...Object.entries(node).flatMap(([key, child]) => annotated(child, `${pointer}/${key}`))];
}

// BASE (unit-helpers.ts) leaves out data.range, preview every/rows/cols/per_row/per_col,
// checkpoint and repeat; these layers, optimizers and EMA copy leave out every option that has a
// default.
const ctx = contextOf({
  networks: {
    G: {
      inputs: { z: [2] },
      layers: [{ dense: { units: 16 } }, 'leaky_relu', { reshape: [4, 4, 1] }, { conv2d: { filters: 1, kernel: 3 } }, 'batchnorm', 'instancenorm', 'tanh'],
    },
    G_ema: { ema: { of: 'G' } },
  },
  schedule: {
    phases: [
      { update: 'D', optimizer: { adam: { lr: 0.001 } } },
      { update: 'G', optimizer: { rmsprop: { lr: 0.001 } } },
    ],
  },
});
const { ir } = through(ctx, 'lower');

/** The config a layer of G's gets from tfjs (or the runtime) when built from the IR. */
function built(factory: string): Record<string, unknown> {
  const layer = ir.networks.find((n) => n.name === 'G')!.layers.find((l: LayerIR) => l.factory === factory);
  assert.ok(layer, `G has no ${factory} layer`);
  const make = (layer.namespace === 'gs' ? gs : tf.layers) as unknown as Record<string, (config: object) => { getConfig(): Record<string, unknown> }>;
  return make[factory](layer.config).getConfig();
}
const phase = (m: ModuleIR, i: number) => m.phases[i].optimizer as unknown as Record<string, unknown>;

/** Per schema pointer: the schema's default as the compiler's value reads, and the compiler's value. */
const TABLE: Record<string, [(d: unknown) => unknown, () => unknown]> = {
  '/properties/checkpoint/properties/every': [(d) => d, () => ir.checkpoint.every],
  '/properties/checkpoint/properties/keep': [(d) => d, () => ir.checkpoint.keep],
  '/$defs/data/properties/range': [(d) => d, () => ir.data.range],
  '/$defs/conv/properties/strides': [(d) => [d, d], () => built('conv2d').strides],
  '/$defs/conv/properties/padding': [(d) => d, () => built('conv2d').padding],
  '/$defs/conv/properties/activation': [(d) => d, () => built('conv2d').activation],
  '/$defs/conv/properties/bias': [(d) => d, () => built('conv2d').useBias],
  '/$defs/layer/anyOf/1/properties/dense/properties/activation': [(d) => d, () => built('dense').activation],
  '/$defs/layer/anyOf/1/properties/dense/properties/bias': [(d) => d, () => built('dense').useBias],
  '/$defs/layer/anyOf/1/properties/batchnorm/anyOf/1/properties/momentum': [(d) => d, () => built('batchNormalization').momentum],
  '/$defs/layer/anyOf/1/properties/batchnorm/anyOf/1/properties/epsilon': [(d) => d, () => built('batchNormalization').epsilon],
  '/$defs/layer/anyOf/1/properties/instancenorm/anyOf/1/properties/epsilon': [(d) => d, () => built('instanceNormalization').epsilon],
  '/$defs/layer/anyOf/1/properties/leaky_relu': [(d) => d, () => built('leakyReLU').alpha],
  '/$defs/optimizer/properties/adam/properties/beta1': [(d) => d, () => phase(ir, 0).beta1],
  '/$defs/optimizer/properties/adam/properties/beta2': [(d) => d, () => phase(ir, 0).beta2],
  '/$defs/optimizer/properties/adam/properties/epsilon': [(d) => d, () => phase(ir, 0).epsilon],
  '/$defs/optimizer/properties/rmsprop/properties/rho': [(d) => d, () => phase(ir, 1).rho],
  '/$defs/optimizer/properties/rmsprop/properties/momentum': [(d) => d, () => phase(ir, 1).momentum],
  '/$defs/optimizer/properties/rmsprop/properties/epsilon': [(d) => d, () => phase(ir, 1).epsilon],
  '/$defs/schedule/properties/phases/items/properties/repeat': [(d) => d, () => ir.phases.map((p) => p.repeat)[0]],
  '/$defs/preview/properties/every': [(d) => d, () => ir.preview.every],
  '/$defs/preview/properties/rows': [(d) => d, () => ir.preview.rows],
  '/$defs/preview/properties/cols': [(d) => d, () => ir.preview.cols],
  '/$defs/preview/properties/per_row': [(d) => d, () => ir.preview.perRow],
  '/$defs/preview/properties/per_col': [(d) => d, () => ir.preview.perCol],
  '/$defs/network/properties/ema/properties/decay': [(d) => d, () => ir.ema[0].decay],
  '/$defs/network/properties/ema/properties/start': [(d) => d, () => ir.ema[0].start],
  // A layer without the option is the plain tfjs layer, with no spectral-norm wrapper.
  '/$defs/spectralNorm': [(d) => d, () => ir.networks.some((n) => n.layers.some((l) => l.factory === 'spectralNorm'))],
};

test('the spec without defaulted keys compiles', () => {
  assert.deepEqual(lines(ctx.report.all), []);
  assert.equal(ir.phases[1].optimizer.kind, 'rmsprop');
});

test("every default in the schema is the compiler's value for a key left out", () => {
  const defaults = annotated(SCHEMA).filter(([, s]) => 'default' in s);
  assert.deepEqual(defaults.map(([p]) => p).sort(), Object.keys(TABLE).sort());
  for (const [pointer, schema] of defaults) {
    const [asCompiled, compiled] = TABLE[pointer];
    assert.deepEqual(compiled(), asCompiled(schema.default), pointer);
  }
  // A few by value, so the table cannot agree with a wrong schema by reading it back.
  assert.deepEqual([built('batchNormalization').momentum, built('leakyReLU').alpha, phase(ir, 0).beta1, ir.preview.every], [0.99, 0.2, 0.9, 200]);
});

test('every default and example is valid where it stands', () => {
  const ajv = new Ajv2020({ strict: false });
  ajv.addSchema(SCHEMA, 'spec');
  for (const [pointer, schema] of annotated(SCHEMA)) {
    const validate = ajv.getSchema(`spec#${pointer.split('/').map(encodeURIComponent).join('/')}`)!;
    const values = [...('default' in schema ? [schema.default] : []), ...((schema.examples as unknown[] | undefined) ?? [])];
    for (const value of values) assert.ok(validate(value), `${pointer}: ${JSON.stringify(value)} ${JSON.stringify(validate.errors)}`);
  }
});

// Unit tests of stage 4, check (compiler/check/: block arguments, then shapes through every
// network): each case merges a spec fragment into the tiny spec of unit-helpers.ts, resolves
// and checks it in memory, and wants either these types of one network (and no diagnostic) or
// exactly these diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckedNetwork } from '../compiler/check/networks';
import { contextOf, lines, through } from './unit-helpers';

/** A network's type of every input and layer id, `id: dtype [shape]`, and its heads. */
const types = (n: CheckedNetwork) => ({
  types: [...n.types].map(([id, t]) => `${id}: ${t.dtype} [${t.shape.join(', ')}]`),
  heads: n.heads.map((h) => `${h.name || '(output)'} = ${h.ref} [${h.type.shape.join(', ')}]`),
});

interface Case {
  name: string;
  given: object;
  /** The types of this network (with no diagnostics)... */
  network?: string;
  /** ...or, without `network`, the diagnostics. */
  want: unknown;
}

const cases: Case[] = [
  {
    name: 'dense changes the last axis, reshape keeps the number of values',
    given: {},
    network: 'G',
    want: { types: ['z: float32 [2]', 'l0: float32 [16]', 'l1: float32 [4, 4, 1]'], heads: ['(output) = l1 [4, 4, 1]'] },
  },
  {
    name: "conv2d ('same' by default, or 'valid'), upsample and conv2d_transpose give height, width and filters",
    given: {
      networks: {
        D: {
          layers: [
            { conv2d: { filters: 3, kernel: 3, strides: 2 } },
            { conv2d: { filters: 5, kernel: 2, padding: 'valid' } },
            { upsample: 2 },
            { conv2d_transpose: { filters: 2, kernel: 3, strides: 2 } },
            'flatten',
            { dense: { units: 1 } },
          ],
        },
      },
    },
    network: 'D',
    want: {
      types: ['img: float32 [4, 4, 1]', 'l0: float32 [2, 2, 3]', 'l1: float32 [1, 1, 5]', 'l2: float32 [2, 2, 5]', 'l3: float32 [4, 4, 2]', 'l4: float32 [32]', 'l5: float32 [1]'],
      heads: ['(output) = l5 [1]'],
    },
  },
  {
    name: 'a label input is int32 [1]; embedding, multiply and concat (with `with`) merge it with the image',
    given: {
      networks: {
        D: {
          inputs: { img: 'image', y: 'label' },
          layers: [
            { from: 'y', embedding: { classes: 10, dim: 16 } },
            'flatten',
            { id: 'ly', reshape: [4, 4, 1] },
            { from: 'img', multiply: { with: 'ly' } },
            { concat: { with: ['img'] } },
          ],
        },
      },
    },
    network: 'D',
    want: {
      types: ['img: float32 [4, 4, 1]', 'y: int32 [1]', 'l0: float32 [1, 16]', 'l1: float32 [16]', 'ly: float32 [4, 4, 1]', 'l3: float32 [4, 4, 1]', 'l4: float32 [4, 4, 2]'],
      heads: ['(output) = l4 [4, 4, 2]'],
    },
  },
  {
    name: 'heads get the type of their layer',
    given: { networks: { D: { layers: ['flatten', { id: 'feat', dense: { units: 3 } }], outputs: { valid: [{ dense: { units: 1 } }], code: 'feat' } } } },
    network: 'D',
    want: {
      types: ['img: float32 [4, 4, 1]', 'l0: float32 [16]', 'feat: float32 [3]', 'valid_0: float32 [1]'],
      heads: ['valid = valid_0 [1]', 'code = feat [3]'],
    },
  },
  {
    name: 'a reshape that does not fit, reported once per network (later layers are not checked)',
    given: { networks: { G: { layers: [{ dense: { units: 16 } }, { reshape: [4, 4, 2] }, { conv2d: { filters: 1, kernel: 9, padding: 'valid' } }] } } },
    want: ['GS113 /networks/G/layers/1: reshape to [4, 4, 2] (32 values) does not fit an input of [16] (16 values)'],
  },
  {
    name: 'conv2d on a flat input',
    given: { networks: { G: { layers: [{ dense: { units: 16 } }, { conv2d: { filters: 1, kernel: 3 } }] } } },
    want: ['GS113 /networks/G/layers/1: conv2d expects an input of rank 3 ([height, width, channels]), got [16]'],
  },
  {
    name: "a kernel larger than a 'valid' input",
    given: { networks: { D: { layers: [{ conv2d: { filters: 1, kernel: 5, padding: 'valid' } }] } } },
    want: ["GS113 /networks/D/layers/0: conv2d with kernel 5x5 and padding 'valid' does not fit an input of [4, 4, 1]"],
  },
  {
    name: 'a class label straight into dense',
    given: { networks: { D: { inputs: { img: 'image', y: 'label' }, layers: [{ from: 'y', dense: { units: 2 } }] } } },
    want: ["GS113 /networks/D/layers/0: layer 'dense' cannot take the class label 'y' directly (pass labels through an embedding layer first)"],
  },
  {
    name: "a first layer of a network with several inputs needs 'from'",
    given: { networks: { D: { inputs: { img: 'image', y: 'label' }, layers: ['flatten'] } } },
    want: ["GS112 /networks/D/layers/0: layer 'flatten' has no input: network 'D' has several inputs, so say which with 'from'"],
  },
  {
    name: "an unknown input in 'from', with did-you-mean",
    given: { networks: { D: { layers: ['flatten', { id: 'feat', dense: { units: 3 } }, { from: 'fet', dense: { units: 1 } }] } } },
    want: ["GS112 /networks/D/layers/2: unknown input 'fet' of layer 'dense' (did you mean 'feat'?)"],
  },
  {
    name: 'an unknown layer id for a head, with did-you-mean',
    given: { networks: { D: { layers: ['flatten', { id: 'feat', dense: { units: 3 } }], outputs: { code: 'fet' } } } },
    want: ["GS114 /networks/D/outputs/code: unknown layer id 'fet' for head 'code' (did you mean 'feat'?)"],
  },
  {
    name: 'an unknown layer kind (the schema rejects it first; the check does not rely on that)',
    given: { networks: { G: { layers: [{ denes: { units: 16 } }, { reshape: [4, 4, 1] }] } } },
    want: ["GS111 /networks/G/layers/0/denes: unknown layer 'denes' (did you mean 'dense'?)"],
  },
  {
    name: "a block argument that makes a layer wrong is reported where the block is used, and networks wait",
    given: {
      blocks: { down: { params: ['filters'], layers: [{ conv2d: { filters: '$filters', kernel: 3 } }] } },
      networks: { D: { layers: [{ use: 'down', args: { filters: 'img' } }, 'flatten'] }, G: { layers: [{ reshape: [3, 3] }] } },
    },
    want: ["GS004 /networks/D/layers/0: the block's arguments make /blocks/down/layers/0/conv2d/filters wrong: must be an integer (got 'img') (filters is the number of output channels)"],
  },
  {
    name: 'a shape error inside a block names where the block is used',
    given: {
      blocks: { down: { params: ['filters'], layers: ['flatten', { conv2d: { filters: '$filters', kernel: 3 } }] } },
      networks: { D: { layers: [{ use: 'down', args: { filters: 2 } }, 'flatten'] } },
    },
    want: ['GS113 /blocks/down/layers/1: conv2d expects an input of rank 3 ([height, width, channels]), got [16] (block used at /networks/D/layers/0)'],
  },
];

for (const c of cases) {
  test(`check: ${c.name}`, () => {
    const ctx = contextOf(c.given);
    const { checked } = through(ctx, 'check');
    if (c.network) {
      assert.deepEqual(lines(ctx.report.all), []);
      assert.deepEqual(types(checked.find((n) => n.name === c.network)!), c.want);
    } else {
      assert.deepEqual(lines(ctx.report.all), c.want);
    }
  });
}

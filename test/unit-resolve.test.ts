// Unit tests of stage 3, resolve (compiler/resolve.ts, with compiler/names.ts): each case merges
// a spec fragment into the tiny spec of unit-helpers.ts, resolves it in memory and wants either
// this view of the resolved spec (and no diagnostic) or exactly these diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resolved, ResolvedNetwork } from '../compiler/resolve';
import { contextOf, lines, through } from './unit-helpers';

const adam = { adam: { lr: 0.001 } };
const down = { params: ['filters'], layers: [{ conv2d: { filters: '$filters', kernel: 3, strides: 2 } }, { leaky_relu: 0.2 }] };

/** Each layer node as `id kind args <- inputs`, with ` @pointer` for those from a block. */
const layers = (n: ResolvedNetwork) => n.layers.map((l) => `${l.id} ${l.kind} ${JSON.stringify(l.args)} <- ${l.from.join(',')}${l.usedAt ? ` @${l.pointer} used at ${l.usedAt}` : ''}${l.head ? ` head ${l.head}` : ''}`);
const net = (r: Resolved, name: string) => r.networks.find((n) => n.name === name)!;

interface Case {
  name: string;
  given: object;
  /** What the resolved spec shows through `view` (with no diagnostics)... */
  view?: (r: Resolved) => unknown;
  /** ...or, without `view`, the diagnostics. */
  want: unknown;
}

const cases: Case[] = [
  {
    name: 'defaults are filled in: data range, preview, checkpoint, phase names, losses, repeat and clip',
    given: {},
    view: (r) => ({
      range: r.data.range,
      preview: { ...r.preview, show: undefined },
      checkpoint: r.checkpoint,
      phases: r.phases.map((p) => `${p.name}: loss ${p.loss}, repeat ${p.repeat}, clip ${p.clip}, updates ${p.updates.map((u) => u.net)}`),
    }),
    want: {
      range: [-1, 1],
      preview: { every: 200, show: undefined, rows: 8, cols: 8, perRow: [], perCol: [], pointer: '/preview' },
      checkpoint: { every: 1000, keep: 3 },
      phases: ['D: loss D, repeat 1, clip null, updates D', 'G: loss G, repeat 1, clip null, updates G'],
    },
  },
  {
    name: 'a phase is named by name, else after its loss, else after the one network it updates, else phaseN; its loss is its name by default',
    given: {
      schedule: {
        phases: [
          { update: ['G', 'D'], loss: 'G', optimizer: adam },
          { name: 'critic', update: 'D', repeat: 5, clip: 0.01, optimizer: adam },
          { update: 'D.valid', optimizer: adam },
          { update: 'D', loss: 'D_real', optimizer: adam },
        ],
      },
    },
    view: (r) => r.phases.map((p) => `${p.name}: loss ${p.loss}, repeat ${p.repeat}, clip ${p.clip}, updates ${p.updates.map((u) => `${u.net}${u.head ? `.${u.head}` : ''} at ${u.pointer}`).join(' and ')}`),
    want: [
      'G: loss G, repeat 1, clip null, updates G at /schedule/phases/0/update/0 and D at /schedule/phases/0/update/1',
      'critic: loss critic, repeat 5, clip 0.01, updates D at /schedule/phases/1/update',
      'phase2: loss phase2, repeat 1, clip null, updates D.valid at /schedule/phases/2/update',
      'D_real: loss D_real, repeat 1, clip null, updates D at /schedule/phases/3/update',
    ],
  },
  {
    name: "a phase's optimizer: a declared one by name (shared, under that name), else its own (under the phase's name)",
    given: {
      optimizers: { adam_D: { adam: { lr: 0.01, beta1: 0.5 } } },
      schedule: {
        phases: [
          { update: 'D', loss: 'D_real', optimizer: 'adam_D' },
          { update: 'D', loss: 'D_fake', optimizer: 'adam_D' },
          { update: 'G', optimizer: { sgd: { lr: 0.1, decay: { linear: { start: 1 } } } } },
        ],
      },
    },
    view: (r) => r.phases.map((p) => `${p.name}: ${p.shared ? 'shared' : 'own'} ${p.optimizerName} ${JSON.stringify(p.optimizer)} at ${p.optimizerPointer}`),
    want: [
      'D_real: shared adam_D {"adam":{"lr":0.01,"beta1":0.5}} at /schedule/phases/0/optimizer',
      'D_fake: shared adam_D {"adam":{"lr":0.01,"beta1":0.5}} at /schedule/phases/1/optimizer',
      'G: own G {"sgd":{"lr":0.1,"decay":{"linear":{"start":1}}}} at /schedule/phases/2/optimizer',
    ],
  },
  {
    name: 'layers get ids l0, l1, ... or their own, and take the previous layer unless from says otherwise',
    given: { networks: { D: { layers: ['flatten', { id: 'feat', dense: { units: 3 } }, { dense: { units: 2 } }, { from: 'feat', dense: { units: 1 } }] } } },
    view: (r) => layers(net(r, 'D')),
    want: ['l0 flatten null <- img', 'feat dense {"units":3} <- l0', 'l2 dense {"units":2} <- feat', 'l3 dense {"units":1} <- feat'],
  },
  {
    name: "$channels, $height and $width are the data image's; inputs image and label get their shapes",
    given: {
      networks: {
        G: { layers: [{ dense: { units: '$height' } }, { dense: { units: '$width' } }, { reshape: [2, 2, '$channels'] }] },
        D: { inputs: { img: 'image', y: 'label' } },
      },
    },
    view: (r) => ({ G: layers(net(r, 'G')), D: net(r, 'D').inputs.map((i) => `${i.name}: ${i.kind} [${i.shape}]`) }),
    want: { G: ['l0 dense {"units":4} <- z', 'l1 dense {"units":4} <- l0', 'l2 reshape [2,2,1] <- l1'], D: ['img: image [4,4,1]', 'y: label [1]'] },
  },
  {
    name: "a block with $params and repeat expands once per repeat; its last layer takes the use's id",
    given: { blocks: { down }, networks: { D: { layers: [{ use: 'down', args: { filters: 8 }, repeat: 2 }, 'flatten'] } } },
    view: (r) => layers(net(r, 'D')),
    want: [
      'l0_0_0 conv2d {"filters":8,"kernel":3,"strides":2} <- img @/blocks/down/layers/0 used at /networks/D/layers/0',
      'l0_0_1 leaky_relu 0.2 <- l0_0_0 @/blocks/down/layers/1 used at /networks/D/layers/0',
      'l0_1_0 conv2d {"filters":8,"kernel":3,"strides":2} <- l0_0_1 @/blocks/down/layers/0 used at /networks/D/layers/0',
      'l0 leaky_relu 0.2 <- l0_1_0 @/blocks/down/layers/1 used at /networks/D/layers/0',
      'l1 flatten null <- l0',
    ],
  },
  {
    name: 'heads: a layer id, or layers of their own that start from the trunk',
    given: { networks: { D: { layers: ['flatten', { id: 'feat', dense: { units: 3 } }], outputs: { valid: [{ dense: { units: 1 } }], code: 'feat' } } } },
    view: (r) => ({ layers: layers(net(r, 'D')), outputs: net(r, 'D').outputs }),
    want: {
      layers: ['l0 flatten null <- img', 'feat dense {"units":3} <- l0', 'valid_0 dense {"units":1} <- feat head valid'],
      outputs: [
        { name: 'valid', ref: 'valid_0', pointer: '/networks/D/outputs/valid' },
        { name: 'code', ref: 'feat', pointer: '/networks/D/outputs/code' },
      ],
    },
  },
  {
    name: "like copies a network's architecture (and its pointers) under its own name",
    given: { networks: { G2: { like: 'G' } } },
    view: (r) => ({ name: net(r, 'G2').name, pointer: net(r, 'G2').pointer, layers: layers(net(r, 'G2')) }),
    want: { name: 'G2', pointer: '/networks/G', layers: ['l0 dense {"units":16,"activation":"tanh"} <- z', 'l1 reshape [4,4,1] <- l0'] },
  },
  {
    name: "ema copies a network's architecture (through a like copy too); decay defaults to 0.999 and start to 0",
    given: { networks: { G2: { like: 'G' }, G_ema: { ema: { of: 'G' } }, G2_ema: { ema: { of: 'G2', decay: 0.9, start: 100 } } } },
    view: (r) => ({ copy: { pointer: net(r, 'G2_ema').pointer, layers: layers(net(r, 'G2_ema')) }, ema: r.ema }),
    want: {
      copy: { pointer: '/networks/G', layers: ['l0 dense {"units":16,"activation":"tanh"} <- z', 'l1 reshape [4,4,1] <- l0'] },
      ema: [
        { name: 'G_ema', of: 'G', decay: 0.999, start: 0, pointer: '/networks/G_ema/ema' },
        { name: 'G2_ema', of: 'G2', decay: 0.9, start: 100, pointer: '/networks/G2_ema/ema' },
      ],
    },
  },
  {
    name: 'ema: a copy of itself, of an unknown network (did-you-mean), of an EMA copy; like cannot copy an EMA copy',
    given: { networks: { Critic: { inputs: { img: 'image' }, layers: ['flatten'] }, A: { ema: { of: 'A' } }, B: { ema: { of: 'Critc' } }, G_ema: { ema: { of: 'G' } }, C: { ema: { of: 'G_ema' } }, G3: { like: 'G_ema' } } },
    want: [
      "GS170 /networks/A/ema/of: 'A' cannot be an EMA copy of itself (average a trained network, e.g. of: G)",
      "GS170 /networks/B/ema/of: 'B' averages an unknown network 'Critc' (did you mean 'Critic'?)",
      "GS171 /networks/C/ema/of: 'G_ema' is itself an EMA copy (of 'G'): an EMA copy averages a trained network (average G itself: of: G)",
      "GS106 /networks/G3/like: 'G_ema' is itself a copy",
    ],
  },
  {
    name: 'an unknown $parameter: the closest one is suggested as written, $ and all',
    given: { blocks: { down: { ...down, layers: [{ conv2d: { filters: '$filtres', kernel: 3 } }] } }, networks: { D: { layers: [{ use: 'down', args: { filters: 8 } }, 'flatten'] } } },
    want: ["GS101 /blocks/down/layers/0/conv2d/filters: unknown parameter '$filtres' (did you mean $filters?)"],
  },
  {
    name: 'an unknown block, with did-you-mean',
    given: { blocks: { down }, networks: { D: { layers: [{ use: 'dwon', args: { filters: 8 } }, 'flatten'] } } },
    want: ["GS103 /networks/D/layers/0/use: unknown block 'dwon' (did you mean 'down'?)"],
  },
  {
    name: 'block arguments: one the block does not declare, and one it needs',
    given: { blocks: { down }, networks: { D: { layers: [{ use: 'down', args: { filtres: 8 } }, 'flatten'] } } },
    want: ["GS104 /networks/D/layers/0/args/filtres: block 'down' has no parameter 'filtres' (did you mean 'filters'?)", "GS104 /networks/D/layers/0/args: block 'down' needs parameter 'filters'"],
  },
  {
    name: 'like: an unknown network (did-you-mean among the others), and a copy of a copy',
    given: { networks: { Critic: { inputs: { img: 'image' }, layers: ['flatten'] }, C2: { like: 'Critc' }, G2: { like: 'G' }, G3: { like: 'G2' } } },
    want: ["GS106 /networks/C2/like: unknown network 'Critc' (did you mean 'Critic'?)", "GS106 /networks/G3/like: 'G2' is itself a copy"],
  },
  {
    name: 'a network needs inputs; one with several inputs and no layers has no output',
    given: { networks: { N: { layers: ['relu'] }, M: { inputs: { a: [2], b: [2] } } } },
    want: ["GS105 /networks/N: network 'N' needs inputs", "GS105 /networks/M/layers: network 'M' has no layers and several inputs: it has no output"],
  },
  {
    name: 'names: a reserved word cannot name a network, head or random input; two phases cannot share a name',
    given: {
      sample: { delete: 'normal(2)' },
      networks: { class: { inputs: { z: [2] }, layers: ['relu'], outputs: { new: ['relu'] } } },
      schedule: { phases: [{ update: 'D', optimizer: adam }, { update: 'G', name: 'D', loss: 'G', optimizer: adam }] },
    },
    want: [
      "GS100 /sample/delete: 'delete' cannot name a random input: it is a reserved word of TypeScript (choose another name)",
      "GS100 /networks/class: 'class' cannot name a network: it is a reserved word of TypeScript (choose another name)",
      "GS100 /networks/class/outputs/new: 'new' cannot name a head: it is a reserved word of TypeScript (choose another name)",
      "GS100 /schedule/phases/1: two phases are named 'D' (give one a 'name')",
    ],
  },
];

for (const c of cases) {
  test(`resolve: ${c.name}`, () => {
    const ctx = contextOf(c.given);
    const { resolved } = through(ctx, 'resolve');
    if (c.view) {
      assert.deepEqual(lines(ctx.report.all), []);
      assert.deepEqual(c.view(resolved), c.want);
    } else {
      assert.deepEqual(lines(ctx.report.all), c.want);
    }
  });
}

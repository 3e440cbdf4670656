// Unit tests of stage 5, lower (compiler/lower/: expressions to statements, the module's IR):
// each case merges a spec fragment into the tiny spec of unit-helpers.ts, runs resolve, check
// and lower in memory, and wants either this view of the IR (and no diagnostic) or exactly these
// diagnostics, with the source text each one points at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModuleIR, Operand, Stmt } from '../compiler/ir';
import { contextOf, lines, through } from './unit-helpers';

const adam = { adam: { lr: 0.001 } };

const operand = (o: Operand) => ('ref' in o ? o.ref : String(o.num));

/** A statement as `id = what it computes from earlier ids`. */
function show(s: Stmt): string {
  switch (s.op) {
    case 'input':
      return `${s.id} = ${s.source}.${s.name}`;
    case 'column':
      return `${s.id} = column(${s.arg})`;
    case 'apply':
      return `${s.id} = ${s.net}(${s.args.join(', ')})${s.heads > 1 ? ` (${s.heads} heads)` : ''}${s.training ? '' : ' not training'}`;
    case 'head':
      return `${s.id} = ${s.arg}[${s.index}] (.${s.name})`;
    case 'loss':
      return `${s.id} = ${s.fn}(${s.args.map(operand).join(', ')})`;
    case 'reduce':
      return `${s.id} = ${s.fn}(${[s.arg, ...(s.axes ?? [])].join(', ')})`;
    case 'unary':
      return `${s.id} = ${s.fn}(${s.arg})`;
    case 'binary':
      return `${s.id} = ${s.fn}(${operand(s.a)}, ${operand(s.b)})`;
    case 'penalty':
      return `${s.id} = gradient_penalty(${s.net}, ${s.real}, ${s.fake})`;
    case 'detach':
      return `${s.id} = detach(${s.arg})`;
    case 'onehot':
      return `${s.id} = onehot(${s.arg}, ${s.classes})`;
    case 'augment':
      return `${s.id} = augment(${s.arg}, ${s.policy.join(' ')})`;
    case 'dot':
      return `${s.id} = dot(${s.a}, ${s.b})`;
    case 'norm':
      return `${s.id} = norm(${s.arg}, ${s.p})`;
    case 'noise':
      return `${s.id} = ${s.dist}_like(${s.arg}, ${s.a}, ${s.b})`;
    case 'expand':
      return `${s.id} = expand(${s.arg}, [${s.shape.join(', ')}])`;
    case 'grad':
      return `${s.id} = grad(${s.f}, ${s.wrt}) { ${s.body.map(show).join('; ')} }`;
  }
}

const phase = (ir: ModuleIR, name: string) => {
  const p = ir.phases.find((x) => x.name === name)!;
  return { stmts: p.stmts.map(show), result: p.result, real: p.real, sampled: p.sampled };
};

interface Case {
  name: string;
  given: object;
  /** What the IR shows through `view` (with no diagnostics)... */
  view?: (ir: ModuleIR) => unknown;
  /** ...or, without `view`, the diagnostics... */
  want: unknown;
  /** ...and the source text from each one's position to the end of its line. */
  at?: string[];
}

const cases: Case[] = [
  {
    name: "optimizers get every default; a decay's end defaults to schedule.steps; phases keep the name of the optimizer they step",
    given: {
      optimizers: { shared: { rmsprop: { lr: 0.01, decay: { linear: { start: 3, end: 8 } } } } },
      schedule: {
        steps: 10,
        phases: [
          { update: 'D', optimizer: 'shared' },
          { update: 'G', optimizer: { adam: { lr: 0.001, decay: { linear: { start: 4 } } } } },
        ],
      },
    },
    view: (ir) => ir.phases.map((p) => ({ name: p.name, optimizerName: p.optimizerName, optimizer: p.optimizer })),
    want: [
      { name: 'D', optimizerName: 'shared', optimizer: { kind: 'rmsprop', rho: 0.9, momentum: 0, epsilon: 1e-7, lr: 0.01, decay: { kind: 'linear', start: 3, end: 8 } } },
      { name: 'G', optimizerName: 'G', optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7, lr: 0.001, decay: { kind: 'linear', start: 4, end: 10 } } },
    ],
  },
  {
    name: 'a loss becomes straight-line statements; G(z) and D(G(z)) are computed once',
    given: { losses: { D: 'bce(D(G(z)), 0) + mse(D(G(z)), 0)' } },
    view: (ir) => phase(ir, 'D'),
    want: {
      stmts: ['t0 = sampled.z', 't1 = G(t0)', 't2 = D(t1)', 't3 = bce(t2, 0)', 't4 = mse(t2, 0)', 't5 = add(t3, t4)'],
      result: 't5',
      real: [],
      sampled: ['z'],
    },
  },
  {
    name: 'a phase lists the real and random inputs its loss reads; constants fold; minus is neg or sub',
    given: { losses: { D: 'mean(D(G(z))) - mean(D(x)) * (2 - 1)', G: '-mean(D(G(z)))' } },
    view: (ir) => [phase(ir, 'D'), phase(ir, 'G')],
    want: [
      {
        stmts: ['t0 = sampled.z', 't1 = G(t0)', 't2 = D(t1)', 't3 = mean(t2)', 't4 = real.x', 't5 = D(t4)', 't6 = mean(t5)', 't7 = mul(t6, 1)', 't8 = sub(t3, t7)'],
        result: 't8',
        real: ['x'],
        sampled: ['z'],
      },
      { stmts: ['t0 = sampled.z', 't1 = G(t0)', 't2 = D(t1)', 't3 = mean(t2)', 't4 = neg(t3)'], result: 't4', real: [], sampled: ['z'] },
    ],
  },
  {
    name: 'grad recomputes the statements between wrt and f in its body; D(x), used only there, is not computed outside',
    given: { losses: { D: 'mean(square(norm(grad(D(x), x))))' } },
    view: (ir) => phase(ir, 'D'),
    want: {
      stmts: ['t0 = real.x', 't2 = grad(t1, t0) { t1 = D(t0) }', 't3 = norm(t2, 2)', 't4 = square(t3)', 't5 = mean(t4)'],
      result: 't5',
      real: ['x'],
      sampled: [],
    },
  },
  {
    name: 'a per-example number broadcasts against an image by gaining axes; identical noise calls are one draw; axes resolve',
    given: { losses: { D: 'mean(x * uniform_like(D(x)) + uniform_like(D(x))) + sum(std(x, 0, -1))' } },
    view: (ir) => phase(ir, 'D').stmts,
    want: [
      't0 = real.x',
      't1 = D(t0)',
      't2 = uniform_like(t1, 0, 1)',
      't3 = expand(t2, [1, 1, 1])',
      't4 = mul(t0, t3)',
      't5 = add(t4, t3)',
      't6 = mean(t5)',
      't7 = std(t0, 0, 3)',
      't8 = sum(t7)',
      't9 = add(t6, t8)',
    ],
  },
  {
    name: 'heads of a network with several are picked from its one call',
    given: {
      networks: { D: { outputs: { valid: [{ dense: { units: 1, activation: 'sigmoid' } }], label: [{ dense: { units: 3, activation: 'softmax' } }] } } },
      losses: { D: 'bce(D(x).valid, 1)', G: 'bce(D(G(z)).valid, 1) + ce(D(G(z)).label, 2)' },
    },
    view: (ir) => phase(ir, 'G').stmts,
    want: ['t0 = sampled.z', 't1 = G(t0)', 't2 = D(t1) (2 heads)', 't3 = t2[0] (.valid)', 't4 = bce(t3, 1)', 't5 = t2[1] (.label)', 't6 = ce(t5, 2)', 't7 = add(t4, t6)'],
  },
  {
    name: 'random and real inputs, optimizer defaults, and a label input passed as a column in a preview that does not train',
    given: {
      sample: { c: 'label(10)' },
      networks: { G: { inputs: { z: [2], c: 'label' }, layers: [{ from: 'z', dense: { units: 16 } }, { reshape: [4, 4, 1] }] } },
      losses: { D: 'bce(D(G(z, c)), 0)', G: 'bce(D(G(z, c)), 1)' },
      preview: { show: ['G(z, c)'], per_row: ['c'] },
    },
    view: (ir) => ({
      samples: ir.samples,
      real: ir.real,
      optimizer: ir.phases[0].optimizer,
      preview: { stmts: ir.preview.stmts.map(show), bands: ir.preview.bands, perRow: ir.preview.perRow, sampled: ir.preview.sampled },
    }),
    want: {
      samples: [
        { name: 'z', kind: 'normal', size: 2, shape: [2], mean: 0, std: 1 },
        { name: 'c', kind: 'label', size: 10, shape: [] },
      ],
      real: [
        { name: 'x', shape: [4, 4, 1], dtype: 'float32' },
        { name: 'y', shape: [], dtype: 'int32' },
      ],
      optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7, lr: 0.001 },
      preview: {
        stmts: ['t0 = sampled.z', 't1 = sampled.c', 't2 = column(t1)', 't3 = G(t0, t2) not training'],
        bands: [{ text: 'G(z, c)', result: 't3', real: [], sampled: ['z', 'c'], depth: 1 }],
        perRow: ['c'],
        sampled: ['z', 'c'],
      },
    },
  },
  {
    name: 'networks become tfjs layer factories with their configs and output shapes',
    given: { networks: { D: { layers: ['flatten', { dense: { units: 1, activation: 'leaky_relu' } }] } }, losses: { D: 'mse(D(x), 1)', G: 'mse(D(G(z)), 1)' } },
    view: (ir) => ir.networks.map((n) => `${n.name}: ${n.layers.map((l) => `${l.namespace}.${l.factory} ${JSON.stringify(l.config)} [${l.shape}]`).join('; ')}`),
    want: [
      'G: tf.layers.dense {"units":16,"activation":"tanh"} [16]; tf.layers.reshape {"targetShape":[4,4,1]} [4,4,1]',
      'D: tf.layers.flatten {} [16]; tf.layers.dense {"units":1} [1]; tf.layers.leakyReLU {"alpha":0.2} [1]',
    ],
  },
  {
    name: "bce's and bce_logits' number targets are probabilities: 2 and -1 are refused, 0.9 and 0 are not",
    given: { networks: { D: { layers: ['flatten', { dense: { units: 1 } }] } }, losses: { D: 'bce_logits(D(x), 0.9) + bce_logits(D(G(z)), -1)', G: 'bce(sigmoid(D(G(z))), 2)' } },
    want: [
      "GS131 /losses/D: bce_logits() needs a target within [0, 1], the probability the prediction should give, got -1 (a GAN's targets are 1 for real and 0 for generated; label smoothing uses 0.9 for real)",
      "GS131 /losses/G: bce() needs a target within [0, 1], the probability the prediction should give, got 2 (a GAN's targets are 1 for real and 0 for generated; label smoothing uses 0.9 for real)",
    ],
    at: ['-1)', '2)'],
  },
  {
    name: 'a loss that is not a single number',
    given: { losses: { G: 'D(G(z))' } },
    want: ["GS132 /losses/G: the loss must be a single number, but 'D(G(z))' gives a tensor of [1] per example (wrap it in mean(...) or a loss function)"],
    at: ['D(G(z))'],
  },
  {
    name: 'unknown functions: the closest one, else the list of functions',
    given: { losses: { D: 'frob(D(x), 1)', G: 'bce(D(G(z)), 1) + bec(D(G(z)), 1)' } },
    want: [
      "GS131 /losses/D: unknown function 'frob' (functions: bce, ce, bce_logits, ce_logits, mse, l1, mean, sum, max, min, std, var, relu, softplus, abs, square, sqrt, log, exp, sigmoid, tanh, gradient_penalty, detach, onehot, dot, norm, sqnorm, grad, uniform_like, normal_like)",
      "GS131 /losses/G: unknown function 'bec' (did you mean 'bce'?)",
    ],
    at: ['frob(D(x), 1)', 'bec(D(G(z)), 1)'],
  },
  {
    name: 'an unknown name lists the known ones; an unknown head suggests the closest',
    given: {
      networks: { D: { outputs: { valid: [{ dense: { units: 1 } }], label: [{ dense: { units: 3 } }] } } },
      losses: { D: 'bce(D(x).vlaid, 1)', G: 'bce(D(G(q)).valid, 1)' },
    },
    want: ["GS131 /losses/D: D has no head 'vlaid' (did you mean 'valid'?)", "GS131 /losses/G: unknown name 'q' (known names: x, y, z, G, D)"],
    at: ['vlaid, 1)', 'q)).valid, 1)'],
  },
  {
    name: 'a syntax error, and a constant with nothing to learn from',
    given: { losses: { D: 'bce(D(x), 1) 2', G: '1 + 2' } },
    want: ["GS130 /losses/D: syntax error: expected an operator or the end, found 2", "GS131 /losses/G: '1 + 2' is a constant: it has nothing to learn from"],
    at: ['2', '1 + 2'],
  },
  {
    name: "phases: an unknown network (the loss guessed from it is not reported too), a loss that isn't there",
    given: {
      losses: { gen: 'bce(D(G(z)), 1)' },
      schedule: {
        phases: [
          { update: 'Gen', optimizer: adam },
          { update: 'G', loss: 'gne', optimizer: adam },
        ],
      },
    },
    want: ["GS140 /schedule/phases/0/update: unknown network 'Gen'", "GS141 /schedule/phases/1/loss: no loss named 'gne' in losses (did you mean 'gen'?)"],
    at: ['Gen', 'gne'],
  },
  {
    name: 'a preview that is not images, and a per_col that is not a random input',
    given: { preview: { show: ['D(G(z))'], per_col: ['zz'] } },
    want: ["GS150 /preview/show/0: preview shows images ([h, w, 1 or 3]) or 2-D points ([1, 1, 2]), but 'D(G(z))' is [1] (show a generator call such as G(z))", "GS151 /preview/per_col/0: 'zz' is not a random input"],
    at: ['D(G(z))', 'zz'],
  },
  {
    name: 'a shaped random input feeds a network input of its shape; its range is kept',
    given: {
      sample: { z: 'uniform(2, 2, 1, low=0, high=0.5)' },
      networks: { G: { inputs: { z: [2, 2, 1] }, layers: ['flatten', { dense: { units: 16, activation: 'tanh' } }, { reshape: [4, 4, 1] }] } },
    },
    view: (ir) => ({ samples: ir.samples, G: phase(ir, 'G').stmts }),
    want: {
      samples: [{ name: 'z', kind: 'uniform', size: 4, shape: [2, 2, 1], low: 0, high: 0.5 }],
      G: ['t0 = sampled.z', 't1 = G(t0)', 't2 = D(t1)', 't3 = bce(t2, 1)'],
    },
  },
  {
    name: 'a shaped random input into a network input of another shape',
    given: { sample: { z: 'normal(2, 1)' } },
    want: [
      "GS131 /losses/D: G's input 'z' expects [2], but z gives [2, 1]",
      "GS131 /losses/G: G's input 'z' expects [2], but z gives [2, 1]",
      "GS131 /preview/show/0: G's input 'z' expects [2], but z gives [2, 1]",
    ],
    at: ['z)), 0)', 'z)), 1)', 'z)'],
  },
  {
    name: 'a random input with a bad range is reported at its keyword, and no expression reading it repeats the error',
    given: { sample: { z: 'normal(2, mean=1, std=-1)' }, preview: { show: ['G(z)'], per_col: ['z'] } },
    want: ['GS124 /sample/z: std must be > 0, got std=-1 (normal() takes mean and std (default mean=0, std=1))'],
    at: ['std=-1)'],
  },
  {
    name: 'a random input named like real data',
    given: { sample: { x: 'normal(2)' } },
    want: ["GS121 /sample/x: 'x' is already the name of real data from mnist (rename the random input)"],
    at: ['normal(2)'],
  },
];

for (const c of cases) {
  test(`lower: ${c.name}`, () => {
    const ctx = contextOf(c.given);
    const { ir } = through(ctx, 'lower');
    const found = ctx.report.all;
    if (c.view) {
      assert.deepEqual(lines(found), []);
      assert.deepEqual(c.view(ir), c.want);
      return;
    }
    assert.deepEqual(lines(found), c.want);
    const text = ctx.texts.get('unit.yaml')!.split('\n');
    assert.deepEqual(
      found.map((d) => text[d.line - 1].slice(d.col - 1)),
      c.at,
    );
  });
}

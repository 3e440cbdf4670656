// gan-compile --explain and gan-diff, unit by unit: the multiply-add table against hand counts
// (a small network, and DCGAN's G and D computed layer by layer below), loss terms and what
// their gradients reach, the explanation of a small spec (passes, images per step, steps per
// epoch), the game (which way each loss pulls each critic output), and the LCS alignment of gan-diff (an inserted layer is one insertion).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYER_KINDS } from '../compiler/vocabulary/layers';
import { LAYER_MACS } from '../compiler/vocabulary/macs';
import { diffSides, explainSide, lowerForExplain, renderExplanation } from '../compiler/explain/index';
import { lossTerms } from '../compiler/explain/terms';
import { summarizeNetwork } from '../compiler/explain/networks';
import { tempDir } from './helpers';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

function lowered(file: string) {
  const l = lowerForExplain(file);
  assert.ok(l.side, `${file}: ${l.diagnostics.map((d) => d.message).join('; ')}`);
  return l.side;
}

test('the multiply-add table has one entry for each layer kind of the vocabulary', () => {
  assert.deepEqual(Object.keys(LAYER_MACS).sort(), Object.keys(LAYER_KINDS).sort());
});

const SMALL = `name: small
data: { source: mnist, image: [28, 28, 1] }
sample: { z: normal(192) }
networks:
  G:
    inputs: { z: [192] }
    layers:
      - reshape: [8, 8, 3]
      - conv2d: { filters: 4, kernel: 3, strides: 2 }
      - conv2d_transpose: { filters: 2, kernel: 2, strides: 2 }
      - batchnorm
      - flatten
      - dense: { units: 784, activation: tanh }
      - reshape: [28, 28, 1]
  D:
    inputs: { img: image }
    layers: [flatten, { dense: { units: 1, activation: sigmoid } }]
losses:
  D: bce(D(x), 1) + bce(D(detach(G(z))), 0)
  G: bce(D(G(z)), 1)
schedule:
  batch: 4
  steps: 10
  phases:
    - { update: D, repeat: 3, clip: 0.5, optimizer: { sgd: { lr: 0.1 } } }
    - { update: G, optimizer: { adam: { lr: 0.001 } } }
preview: { show: [G(z)] }
`;

test('a small network: parameters and multiply-adds per layer equal hand counts', () => {
  const dir = tempDir('explain');
  const file = join(dir, 'small.yaml');
  writeFileSync(file, SMALL);
  const side = lowered(file);
  const g = summarizeNetwork(side.networks.find((n) => n.name === 'G')!);
  // conv2d 3x3, 3 -> 4 channels, stride 2: [4, 4, 4] outputs, 3*3*3*4 products each.
  // conv2d_transpose 2x2, 4 -> 2 channels on its [4, 4] input grid: 2*2*4*2 per input position.
  // batchnorm: one per value of [8, 8, 2]; dense: 128 inputs x 784 units.
  assert.deepEqual(
    g.layers.map((l) => [l.kind, l.shape, l.parameters, l.macs]),
    [
      ['reshape', [8, 8, 3], 0, 0],
      ['conv2d', [4, 4, 4], (3 * 3 * 3 + 1) * 4, 3 * 3 * 3 * 4 * 4 * 4],
      ['conv2d_transpose', [8, 8, 2], (2 * 2 * 4 + 1) * 2, 2 * 2 * 4 * 2 * 4 * 4],
      ['batchnorm', [8, 8, 2], 4 * 2, 8 * 8 * 2],
      ['flatten', [128], 0, 0],
      ['dense', [784], (128 + 1) * 784, 128 * 784],
      ['reshape', [28, 28, 1], 0, 0],
    ],
  );
  assert.equal(g.macs, 1728 + 512 + 128 + 100352);

  const e = explainSide(side);
  assert.equal(e.updatesPerCycle, 4);
  const [d, gp] = e.phases;
  assert.deepEqual(d.forward.map((f) => `${f.net} ${f.mode} ${f.on}`), ['D train x', 'G train z', 'D train detach(G(z))']);
  // detach cuts G off the second term: D gets both, G (not updated here anyway) neither.
  assert.deepEqual(d.terms.map((t) => [t.coefficient, t.text, t.reaches, t.updates]), [
    [1, 'bce(D(x), 1)', ['D'], ['D']],
    [1, 'bce(D(detach(G(z))), 0)', ['D'], ['D']],
  ]);
  // D's optimizer steps on all 785 weights; G's on 101,290 less batch norm's 4 moving statistics.
  assert.deepEqual(d.updates, [{ target: 'D', trainable: 785, terms: [0, 1] }]);
  assert.deepEqual(gp.updates, [{ target: 'G', trainable: 112 + 34 + 8 + 129 * 784 - 4, terms: [0] }]);
  assert.deepEqual(d.optimizer, { kind: 'sgd', settings: { lr: 0.1 } });
  assert.deepEqual(gp.optimizer, { kind: 'adam', settings: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } });
  assert.equal(d.clip, 0.5);
  // G runs once per D update (3) and once in its own phase; D twice per D update and once for G.
  const nets = Object.fromEntries(e.networks.map((n) => [n.name, n]));
  assert.equal(nets.G.forwardPerCycle, 4);
  assert.equal(nets.D.forwardPerCycle, 7);
  assert.equal(nets.G.macsPerCycle, 4 * 4 * g.macs);
  assert.equal(nets.D.macsPerCycle, 7 * 4 * 784);
  // 3 updates of D read 4 real images each: 12 a step, 60000 / 12 = 5000 steps an epoch.
  assert.deepEqual(e.data.imagesPerCycle, { x: 12 });
  assert.equal(e.data.stepsPerEpoch, 5000);
  assert.equal(e.data.epochs, 10 / 5000);
});

test("DCGAN's G and D: multiply-adds and parameters equal a computation by hand", () => {
  const side = lowered('specs/dcgan.yaml');
  const [g, d] = ['G', 'D'].map((name) => summarizeNetwork(side.networks.find((n) => n.name === name)!));
  // G: dense 100 -> 6272; upsample to 14x14; conv 3x3 128 -> 128 at 14x14; batchnorm; upsample
  // to 28x28; conv 3x3 128 -> 64 at 28x28; batchnorm; conv 3x3 64 -> 1 at 28x28.
  const gMacs = 100 * 6272 + 9 * 128 * 128 * 14 * 14 + 14 * 14 * 128 + 9 * 128 * 64 * 28 * 28 + 28 * 28 * 64 + 9 * 64 * 1 * 28 * 28;
  const gParams = 101 * 6272 + (9 * 128 + 1) * 128 + 4 * 128 + (9 * 128 + 1) * 64 + 4 * 64 + (9 * 64 + 1) * 1;
  // D: conv 3x3 s2 1 -> 32 to 14x14; conv 3x3 s2 32 -> 64 to 7x7; zeropad to 8x8; batchnorm;
  // conv 3x3 s2 64 -> 128 to 4x4; batchnorm; conv 3x3 128 -> 256 at 4x4; batchnorm; dense 4096 -> 1.
  const dMacs = 9 * 1 * 32 * 14 * 14 + 9 * 32 * 64 * 7 * 7 + 8 * 8 * 64 + 9 * 64 * 128 * 4 * 4 + 4 * 4 * 128 + 9 * 128 * 256 * 4 * 4 + 4 * 4 * 256 + 4096;
  const dParams = 10 * 32 + (9 * 32 + 1) * 64 + 4 * 64 + (9 * 64 + 1) * 128 + 4 * 128 + (9 * 128 + 1) * 256 + 4 * 256 + 4097;
  assert.deepEqual([g.macs, g.parameters, d.macs, d.parameters], [gMacs, gParams, dMacs, dParams]);
  assert.deepEqual([gMacs, gParams, dMacs, dParams], [87_858_176, 856_193, 6_872_192, 393_729]);
});

test('loss terms: sums split, constant factors and divisors become coefficients, equal terms add up', () => {
  const nets = new Set(['G', 'D']);
  const terms = lossTerms('0.5 * (bce(D(x), 1) - 2 * mean(D(G(z))) / 4) + 3 - mean(D(G(z))) + mean(D(x) * D(x))', nets);
  assert.deepEqual(
    terms.map((t) => [t.coefficient, t.text, t.reaches]),
    [
      [0.5, 'bce(D(x), 1)', ['D']],
      [-1.25, 'mean(D(G(z)))', ['D', 'G']],
      [3, '1', []],
      [1, 'mean((D(x) * D(x)))', ['D']],
    ],
  );
  assert.deepEqual(lossTerms('bce(D(G(z)).valid, 1) + ce(D(detach(G(z))).code, c)', nets).map((t) => t.reaches), [['D.valid', 'G'], ['D.code']]);
  assert.deepEqual(lossTerms('10 * gradient_penalty(D, x, G(z))', nets).map((t) => [t.coefficient, t.reaches]), [[10, ['D', 'G']]]);
});

const EMBEDDED_LABEL = `name: embedded_label
data: { source: mnist, image: [28, 28, 1] }
sample:
  z: normal(8)
  y_g: label(10)
networks:
  E:
    inputs: { label: label }
    layers:
      - embedding: { classes: 10, dim: 8 }
      - flatten
  G:
    inputs: { z: [8] }
    layers:
      - dense: { units: 784, activation: tanh }
      - reshape: [28, 28, 1]
  D:
    inputs: { img: image, e: [8] }
    layers:
      - { flatten: null, from: img }
      - concat: { with: e }
      - dense: { units: 1, activation: sigmoid }
losses:
  D: bce(D(x, E(y)), 1) + bce(D(G(z), E(y_g)), 0)
  G: bce(D(G(z), E(y_g)), 1)
schedule:
  batch: 32
  steps: 100
  phases:
    - { update: [D, E], loss: D, optimizer: { adam: { lr: 0.0002 } } }
    - { update: G, optimizer: { adam: { lr: 0.0002 } } }
preview: { show: [G(z)] }
`;

test("the game: DCGAN's G plays against D; a G loss with D's target helps D; a critic pulled one way on both cannot tell them apart; a projection's class term plays as its psi head", () => {
  const game = (file: string) => explainSide(lowered(file)).game;
  assert.deepEqual(game('specs/dcgan.yaml'), [
    { output: 'D', net: 'D', real: { read: 'D(x)', pull: 'toward 1' }, pairs: [{ maker: 'G', read: 'D(G(z))', critic: 'toward 0', makerPull: 'toward 1', verdict: 'plays against' }] },
  ]);
  assert.deepEqual(game('specs/cyclegan.yaml').map((g) => `${g.output}: ${g.pairs.map((p) => `${p.maker} ${p.verdict}`).join(', ')}`), ['D_A: G_BA plays against', 'D_B: G_AB plays against']);
  assert.deepEqual(game('test/fixtures/warnings/helps-critic-wgan.yaml')[0]!.pairs.map((p) => [p.critic, p.makerPull, p.verdict]), [['down', 'down', 'helps']]);
  const text = renderExplanation(explainSide(lowered('test/fixtures/warnings/critic-same-pull.yaml')));
  assert.ok(text.includes("The game (which way minimizing each loss pulls a critic's output):\n  D(x): D toward 1\n  D(G(z)): D toward 1; G toward 1; D cannot tell real data from G's (GS185)\n"), text);
  // A label embedding trained with D (D's phase updates D and E) is D's side: D(x, E(y)) is real data, E no maker.
  const file = join(tempDir('game'), 'embedded-label.yaml');
  writeFileSync(file, EMBEDDED_LABEL);
  const l = lowerForExplain(file);
  assert.deepEqual(l.diagnostics.map((d) => d.message), []);
  assert.deepEqual(game(file).map((g) => [g.real?.read, g.pairs.map((p) => `${p.maker} ${p.verdict}`)]), [['D(x, E(y))', ['G plays against']]]);
  // A projection discriminator's class term is an output of its own, pulled as its psi head is.
  assert.deepEqual(game('specs/variants/projection.yaml').map((g) => [g.output, g.net, g.real?.pull, g.pairs.map((p) => `${p.read}: ${p.critic}, ${p.maker} ${p.makerPull}, ${p.verdict}`)]), [
    ['D.psi', 'D', 'up', ['D(G(z, y_g)).psi: down, G up, plays against']],
    ['dot(E, D.phi)', 'D', 'up', ['dot(E(y_g), D(G(z, y_g)).phi): down, G up, plays against']],
  ]);
  // feature matching's G reads only D's features head: the valid head's game is open.
  assert.deepEqual(game('specs/variants/feature-matching.yaml').map((g) => g.pairs.map((p) => [g.output, p.makerPull, p.verdict])), [[['D.valid', null, 'open']]]);
});

test('gan-diff aligns layer lists: an inserted layer is one insertion, a changed argument one change', () => {
  const dir = tempDir('diff');
  const gan = fileURLToPath(new URL('../specs/gan.yaml', import.meta.url));
  const variant = `extends: ${gan}
name: gan2
networks:
  D:
    inputs: { img: image }
    layers:
      - flatten
      - dense: { units: 512 }
      - leaky_relu: 0.2
      - dropout: 0.3
      - dense: { units: 128 }
      - leaky_relu: 0.2
      - dense: { units: 1, activation: sigmoid }
`;
  writeFileSync(join(dir, 'gan2.yaml'), variant);
  const d = diffSides(lowered('specs/gan.yaml'), lowered(join(dir, 'gan2.yaml')));
  assert.equal(d.networks.length, 1);
  const [net] = d.networks;
  assert.deepEqual(net.layers, [
    { change: 'added', at: 4, to: { text: 'dropout 0.3', shape: [512], parameters: 0 } },
    { change: 'changed', at: 5, from: { text: 'dense { units: 256 }', shape: [256], parameters: 513 * 256 }, to: { text: 'dense { units: 128 }', shape: [128], parameters: 513 * 128 } },
  ]);
  // The last dense takes 128 inputs instead of 256: its parameters change, its text does not.
  assert.deepEqual(net.parameters, { from: 785 * 512 + 513 * 256 + 257, to: 785 * 512 + 513 * 128 + 129 });
  assert.deepEqual([d.losses, d.schedule, d.phases, d.data, d.sampling], [[], [], [], [], []]);
});

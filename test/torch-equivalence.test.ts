// The two targets agree (issue 16): for every spec in specs/ and specs/variants/, the same initial
// weights and the same inputs (a batch of 3, fixed real batches and random inputs, the random
// draws losses make replayed, dropout off) go through one full cycle of phases (every phase, each
// repeat, the EMA copies after their source's update) in TensorFlow.js by the runtime's own phase
// code (test/equivalence/tfjs-cycle.ts), which records the whole state before the cycle and after
// every update: every network's weights (batch-norm moving statistics, spectral norm's u, EMA
// copies included), every optimizer's slots, iteration count and beta powers, and the gradients
// each update gave its optimizer. The generated torch module then replays each update on its own
// from tfjs's state before it (gs.update_once, test/equivalence/torch_cycle.py) and is compared
// with tfjs's state after it: a float32 rounding event in one update does not carry into the next
// (judged over the whole cycle from one initial state, such events moved later updates' weights by
// up to 5.4e-4 as network L2). One Python process compares all specs, started first and given each
// spec's cycle as soon as tfjs has written it (the two overlap).
//
// Asserted for every update of every spec (a torch, b tfjs):
// - the loss within 1e-4: |a - b| / max(|b|, 1e-3);
// - each network's weights within 1e-4 as ||a - b|| / ||b|| over the tensors the update changed;
// - each weight within 1e-4 of its tensor's largest |value|, beyond its room: how far a gradient
//   difference of 1e-5 of the optimizer's largest gradient (rounding level: the gradients agree
//   elementwise to at most 4e-5 of it, wgan aside) moves it through the optimizer's step from
//   tfjs's state. Adam's first step lr g / (|g| + eps / sqrt(1 - beta2)) turns a gradient at
//   rounding level into a step of either sign up to lr: a bias ahead of a batch norm through a
//   (leaky) ReLU whose batch of 3 lies on one side (true gradient 0: 30 to 60 of 256 in gan, lsgan,
//   cgan, projection), a critic's output bias under a loss of differences (ragan, wgan), a kernel
//   element whose gradient is near 0. At seeds 11-13 up to 117 elements of a tensor (cyclegan, of
//   2M) were beyond 1e-4 and all within their room. In tensors of small gradients the room is
//   above 1e-4 of the tensor's largest value for most elements (all of a critic's output bias, 80%
//   of cgan's embeddings, whose rows the batch does not use); the printed line gives the share.
//   It is no blanket: with Adam's epsilon 10x off on the torch side, weights are 4e-3 to 1.5e-2
//   beyond their room (acgan, dcgan, gan at seed 11, checked by hand);
// - the biases that feed a batch or instance norm straight (and their EMA copies), whose true
//   gradient is 0 whatever the data (the norm subtracts the mean), within their optimizer step's
//   range each way (Adam: 2 lr); they are left out of the two figures above;
// - each optimizer's gradients within 1e-3 as ||a - b|| / ||b||: at most 2.6e-5 for every spec but
//   wgan, whose clipped critic's gradients (1e-4 of the values they are differences of) agree to
//   3.0e-4.
// Float32 rounding also decides the side of a ReLU, leaky ReLU or abs input at its kink, and with
// it the derivative there. Where an update disagrees, or its gradients differ by more than 1e-4
// (L2), and some input lies within 1e-5 of its kink (of its tensor's largest |value|),
// torch_cycle.py tries each such input on the other side and keeps those that cut the gradients'
// difference by 20% or more; the update is judged with them, and they are printed. At seeds 11,
// 12 and 13 (with main's torch target of 941d2df) that happened in 5 of the 69 cycles, each time
// in one update, and took that update's gradients' L2 difference from 1.6e-2 (nsgan-r1 at 13: one
// input at 3e-7 of the kink), 3.1e-3 (infogan at 12: one), 1.5e-3, 3.0e-4 and 2.7e-4 (cyclegan at
// 11, 12 and 13: one, two, one) to 2.6e-5 or less, and its network L2 from up to 5.4e-4 to 4.5e-5
// or less; the inputs lay at 2e-7 to 1e-6 of their kink. No other update kept any. (Before that
// commit's upsampling fold, other updates had them: dragan at 11, from 1.1e-2 to 3.0e-6.)
//
// Worst seen at seeds 11-13: losses 1.9e-5 (hinge-dcgan), network L2 4.5e-5 (cyclegan), weights
// beyond their room 6.3e-6 (wgan), at most 117 elements of a tensor beyond 1e-4 (cyclegan, all
// within their room), the biases ahead of a norm 1.00 of their range (feature-matching, whose loss
// is 1569 so its noise gradients are far above Adam's epsilon), gradients L2 3.0e-4 (wgan; at most
// 2.6e-5 elsewhere). A real difference of semantics (a padding, a momentum, a layout, an epsilon
// inside a loss or an optimizer) moves the losses, the gradients or whole tensors.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { loadData } from '../runtime/data';
import type { DataSource } from '../contract/data';
import { dumpCycle } from './equivalence/tfjs-cycle';
import { generatedTrainer, projectSpecs, tempDir, useBackend } from './helpers';
import { NO_TORCH, pythonEnv, torchPython } from './torch-runtime';

const SEED = 11;
const BATCH = 3;
const TOLERANCE = 1e-4;
/** Each optimizer's gradients, ||torch - tfjs|| / ||tfjs||: see the header. */
const GRADIENTS_L2 = 1e-3;

type Figure = 'losses' | 'weights' | 'l2' | 'undetermined' | 'gradients' | 'gradients_l2' | 'outside' | 'roomy' | 'loosened';

interface Result {
  loaded: number;
  losses: Record<string, { torch: number[]; tfjs: number[] }>;
  /** The worst per update over the cycle (see test/equivalence/torch_cycle.py), and where. */
  figures: Record<Figure, number>;
  at: Record<Figure, string>;
  updates: number;
  draws: number;
  /** The ReLU / leaky ReLU input nearest the kink, as a fraction of its tensor's largest value. */
  kink: number;
  /** The weights compared within their optimizer step's range, as network/weight. */
  undetermined: string[];
  /** The inputs put on the other side of their kink, per update. */
  flipped: string[];
  error?: string;
}

const specs = projectSpecs().map(({ spec, generated }) => {
  const name = readFileSync(spec, 'utf8').match(/^name: (\S+)$/m)![1]!;
  return { name, module: join(generated.replace(/^generated/, 'generated-torch'), `${name}.py`) };
});
// Without torch: skipped saying why, or failed with the reason when CI is set (as torchTest does).
const skip = torchPython() === null && !process.env.CI ? NO_TORCH : false;
const results: Record<string, Result> = {};

before(async () => {
  if (skip) return;
  const python = torchPython();
  if (python === null) throw new Error(NO_TORCH);
  await useBackend('wasm');
  const root = tempDir('equivalence');
  const dataCache = new Map<string, DataSource>();
  // torch_cycle.py reads the pairs from stdin as they come; its output is read when it ends.
  const child = spawn(python, ['test/equivalence/torch_cycle.py', '-'], { env: pythonEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const ended = new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
  });
  try {
    for (const { name, module } of specs) {
      if (!existsSync(module)) continue;
      const trainer = await generatedTrainer(name);
      const key = JSON.stringify(trainer.data);
      if (!dataCache.has(key)) dataCache.set(key, await loadData(trainer.data, 'specs'));
      const dir = join(root, name);
      mkdirSync(dir);
      await dumpCycle(trainer, dataCache.get(key)!, dir, SEED, BATCH);
      child.stdin.write(`${dir}:${module}\n`);
    }
  } catch (err) {
    child.kill();
    throw err;
  }
  child.stdin.end();
  const status = await ended;
  if (status !== 0) throw new Error(`torch_cycle.py exited with ${status}: ${stderr}`);
  Object.assign(results, JSON.parse(stdout) as Record<string, Result>);
});

for (const { name, module } of specs) {
  test(`${name}: every update of one cycle, replayed in torch from tfjs's state, gives the loss and the weights within 1e-4 and the gradients within 1e-3`, { skip }, () => {
    assert.ok(existsSync(module), `no torch module ${module} (npm run golden:update writes it)`);
    const r = results[name];
    assert.ok(r, `torch_cycle.py gave no result for ${name}`);
    if (r.error) assert.fail(`${name}: the torch side failed:\n${r.error}`);
    const f = r.figures;
    const e = (x: number) => x.toExponential(1);
    const flips = r.flipped.length > 0 ? `; on the other side of the kink: ${r.flipped.join('; ')}` : '';
    console.log(`${name}: ${r.updates} updates; losses ${e(f.losses)} (${r.at.losses}); weights L2 ${e(f.l2)} (${r.at.l2}); `
      + `beyond their room ${e(f.weights)} (${r.at.weights}); at most ${f.outside} of a tensor beyond 1e-4, ${f.roomy} within their room (${r.at.outside}); `
      + `room above 1e-4 for up to ${(f.loosened * 100).toFixed(0)}% of a tensor (${r.at.loosened}); `
      + `biases ahead of a norm ${f.undetermined.toFixed(2)} of their step range (${r.at.undetermined || 'none'}); `
      + `gradients L2 ${e(f.gradients_l2)} (${r.at.gradients_l2}), elementwise ${e(f.gradients)} (${r.at.gradients}); `
      + `nearest kink ${e(r.kink)}; ${r.draws} draws replayed${flips}`);
    assert.equal(r.loaded, 0, `${name}: torch read back the loaded initial weights with a difference of ${r.loaded}`);
    assert.ok(f.losses <= TOLERANCE, `${name}: a loss differs by ${f.losses} > ${TOLERANCE} (${r.at.losses})`);
    assert.ok(f.l2 <= TOLERANCE, `${name}: a network's weights differ by ${f.l2} (L2) > ${TOLERANCE} (${r.at.l2})`);
    assert.ok(f.weights <= TOLERANCE, `${name}: a weight differs by ${f.weights} of its tensor's largest beyond its room > ${TOLERANCE} (${r.at.weights})`);
    assert.ok(f.undetermined <= 1, `${name}: a bias ahead of a norm differs by ${f.undetermined} of its optimizer step's range (${r.at.undetermined})`);
    assert.ok(f.gradients_l2 <= GRADIENTS_L2, `${name}: gradients differ by ${f.gradients_l2} (L2) > ${GRADIENTS_L2} (${r.at.gradients_l2})`);
  });
}

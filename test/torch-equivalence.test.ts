// The two targets agree (issue 16): for every spec in specs/ and specs/variants/, the same initial
// weights and the same inputs (a batch of 3, fixed real batches and random inputs, the random
// draws losses make replayed, dropout off) go through one full cycle of phases in TensorFlow.js
// (the runtime's own phase code, test/equivalence/tfjs-cycle.ts) and in the generated torch
// module (gs.cycle, test/equivalence/torch_cycle.py). One Python process compares all specs,
// started first and given each spec's cycle as soon as tfjs has written it (the two overlap).
//
// Asserted for every spec: every loss within 1e-4 relative (|torch - tfjs| / max(|tfjs|, 1e-3));
// each optimizer's gradients (Adam's m, RMSprop's sqrt of its mean square) within 5e-2 as
// ||torch - tfjs|| / ||tfjs|| (one kink event moved a whole generator's gradient by 1.1e-2); in every weight tensor all but 1% of the elements within 1e-4 of
// the tensor's largest value, beyond the room the gradient tolerance gives them through the
// optimizer's step. Printed per spec: whether everything is within 1e-4 (max |torch - tfjs| /
// max |tfjs| per optimizer and per tensor), the figures, and where the worst one is.
//
// Why not 1e-4 elementwise everywhere: float32 rounding decides a few numbers of any cycle and
// each framework rounds differently. A ReLU input within rounding of the kink takes the
// derivative of either side; a gradient that rounding leaves near zero (a bias just before
// batch norm, whose true gradient is 0) makes Adam's first step, nearly lr * sign(g), go either
// way; the next phase then sees weights that differ by 2 lr in those places. Measured at seeds
// 11, 12 and 13: in 2 to 3 of the 23 specs such an event moves some gradient or weight beyond
// 1e-4 (a different few at each seed), while the rest agree to 3e-5 or better (losses to 7e-5,
// infogan's generator loss being ill-conditioned itself); the torch side run in float64 from
// tfjs's state agreed with tfjs where we checked (dragan, feature-matching). The worst seen of the
// asserted figures: gradients 1.1e-2 (L2), 0.08% of a tensor outside. A real difference of semantics (a
// padding, a momentum, a layout, an epsilon inside a loss) moves the losses or every gradient.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, test } from 'node:test';
import { loadData } from '../runtime/data';
import type { DataSource } from '../contract/data';
import { dumpCycle } from './equivalence/tfjs-cycle';
import { generatedTrainer, projectSpecs, tempDir, useBackend } from './helpers';
import { NO_TORCH, torchPython } from './torch-runtime';

const SEED = 11;
const BATCH = 3;
const TOLERANCE = 1e-4;
/** What a float32 rounding event may leave: see the header. */
const GRADIENTS_L2 = 5e-2;
const WEIGHTS_OUTSIDE = 1e-2;

interface Result {
  worst: number;
  where: string;
  ok: boolean;
  loaded: number;
  losses: Record<string, { torch: number[]; tfjs: number[] }>;
  networks: Record<string, number>;
  figures: { losses: number; gradients: number; weights: number };
  at: { losses: string; gradients: string; weights: string };
  draws: number;
  /** Weights that differ by more than 1e-4 of their tensor's scale, within the room the gradient tolerance gives them. */
  roomy: number;
  /** Per optimizer ||torch - tfjs|| / ||tfjs|| of its gradient slots; the worst. */
  gradients_l2: number;
  /** Per weight tensor the share of elements that differ by more than 1e-4 of its scale plus their room; the worst. */
  weights_outside: number;
  /** The ReLU / leaky ReLU input nearest the kink, as a fraction of its tensor's largest value. */
  kink: number;
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
  const child = spawn(python, ['test/equivalence/torch_cycle.py', '-'], { env: { ...process.env, PYTHONPATH: resolve('runtime-torch'), OMP_NUM_THREADS: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
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
  test(`${name}: one cycle in torch gives the tfjs losses within 1e-4, gradients within 5e-2 (L2) and all but 1% of each weight tensor within 1e-4`, { skip }, () => {
    assert.ok(existsSync(module), `no torch module ${module} (npm run golden:update writes it)`);
    const r = results[name];
    assert.ok(r, `torch_cycle.py gave no result for ${name}`);
    if (r.error) assert.fail(`${name}: the torch side failed:\n${r.error}`);
    const f = r.figures;
    console.log(`${name}: ${r.ok ? 'all' : 'NOT all'} within ${TOLERANCE}: losses ${f.losses.toExponential(1)}, gradients ${f.gradients.toExponential(1)} (L2 ${r.gradients_l2.toExponential(1)}), weights ${f.weights.toExponential(1)} (${(r.weights_outside * 100).toFixed(2)}% of a tensor outside); worst ${r.where}; ${r.roomy} weights within the room of gradients at rounding level; nearest ReLU kink ${r.kink.toExponential(1)}; ${r.draws} draws replayed`);
    assert.equal(r.loaded, 0, `${name}: torch read back the loaded initial weights with a difference of ${r.loaded}`);
    assert.ok(f.losses <= TOLERANCE, `${name}: losses differ by ${f.losses} > ${TOLERANCE} (${r.at.losses})`);
    assert.ok(r.gradients_l2 <= GRADIENTS_L2, `${name}: gradients differ by ${r.gradients_l2} (L2) > ${GRADIENTS_L2} (worst element: ${r.at.gradients})`);
    assert.ok(r.weights_outside <= WEIGHTS_OUTSIDE, `${name}: ${(r.weights_outside * 100).toFixed(2)}% of a weight tensor differs beyond ${TOLERANCE} and its room (worst: ${r.at.weights})`);
  });
}

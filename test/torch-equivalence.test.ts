// The two targets agree (issue 16): for every spec in specs/ and specs/variants/, the same initial
// weights and the same inputs (a batch of 3, fixed real batches and random inputs, the random
// draws losses make replayed, dropout off) give the same losses and updated weights after one full
// cycle of phases in TensorFlow.js (the runtime's own phase code, test/equivalence/tfjs-cycle.ts)
// and in the generated torch module (gs.cycle, test/equivalence/torch_cycle.py): every loss and
// weight within 1e-4 relative, |torch - tfjs| / max(|tfjs|, 1e-3) elementwise. Prints the worst
// figure per spec and where it is. One Python process compares all specs (importing torch once).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { loadData } from '../runtime/data';
import type { DataSource } from '../contract/data';
import { dumpCycle } from './equivalence/tfjs-cycle';
import { generatedTrainer, projectSpecs, tempDir, useBackend } from './helpers';
import { NO_TORCH, runPython, torchPython } from './torch-runtime';

const SEED = 11;
const BATCH = 3;
const TOLERANCE = 1e-4;

interface Result {
  worst: number;
  where: string;
  ok: boolean;
  loaded: number;
  losses: Record<string, { torch: number[]; tfjs: number[] }>;
  networks: Record<string, number>;
  figures: { losses: number; gradients: number; weights: number };
  draws: number;
  /** Weights that differ by more than 1e-4 of their tensor's scale, within the room the gradient tolerance gives them. */
  roomy: number;
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
  const pairs: string[] = [];
  for (const { name, module } of specs) {
    if (!existsSync(module)) continue;
    const trainer = await generatedTrainer(name);
    const key = JSON.stringify(trainer.data);
    if (!dataCache.has(key)) dataCache.set(key, await loadData(trainer.data, 'specs'));
    const dir = join(root, name);
    mkdirSync(dir);
    await dumpCycle(trainer, dataCache.get(key)!, dir, SEED, BATCH);
    pairs.push(`${dir}:${module}`);
  }
  const run = runPython(python, ['test/equivalence/torch_cycle.py', ...pairs], 600_000);
  if (run.status !== 0) throw new Error(`torch_cycle.py exited with ${run.status}: ${run.stderr}`);
  Object.assign(results, JSON.parse(run.stdout) as Record<string, Result>);
});

for (const { name, module } of specs) {
  test(`${name}: one cycle in torch gives the tfjs losses and updated weights within 1e-4 relative`, { skip }, () => {
    assert.ok(existsSync(module), `no torch module ${module} (npm run golden:update writes it)`);
    const r = results[name];
    assert.ok(r, `torch_cycle.py gave no result for ${name}`);
    if (r.error) assert.fail(`${name}: the torch side failed:\n${r.error}`);
    const f = r.figures;
    console.log(`${name}: worst relative difference ${r.worst.toExponential(2)} (${r.where}); losses ${f.losses.toExponential(1)}, gradients ${f.gradients.toExponential(1)}, weights ${f.weights.toExponential(1)}; ${r.roomy} weights within the room of gradients at rounding level; ${r.draws} draws replayed`);
    assert.equal(r.loaded, 0, `${name}: torch read back the loaded initial weights with a difference of ${r.loaded}`);
    assert.ok(r.worst <= TOLERANCE, `${name}: worst relative difference ${r.worst} > ${TOLERANCE} at ${r.where}`);
  });
}

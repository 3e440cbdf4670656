// evaluateRun on trainers with known answers: a "generator" that returns real digits of the
// requested class (high label accuracy, low FID), one that always draws the same digit (one class,
// high FID), an identity "translation" (every class kept, zero cycle error); the generated
// trainers' bands read generically (labels, codes, sources and derived bands); the evaluation
// leaves the random stream and tf memory alone; the afterStep hook and the CLI, which warns when a
// folder run's images (its references) are no longer those it trained on.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadData } from '../runtime/data';
import { evalEvery, evaluateReal, evaluateRun, type Metrics, type MetricsRecord } from '../eval';
import { buildNetworks } from '../runtime/loop/train';
import { installSeededRandom, rngState } from '../runtime/rng';
import type { AnyTrainer } from '../contract/trainer';
import { generatedTrainer, runCli, tempDir, tinyFolderSpec, useBackend } from './helpers';

const fast = { n: 500, referenceN: 1000, kidBlock: 250 };

/** Real training digits, and for each class the indices of its examples. */
async function digitBank(): Promise<{ x: tf.Tensor4D; byClass: number[][] }> {
  const data = await loadData({ source: 'mnist', image: [28, 28, 1], range: [-1, 1] }, '.');
  let i = 0;
  const { x, y } = data.batch(2000, () => (i++ + 0.5) / data.size);
  const labels = y.dataSync();
  y.dispose();
  const byClass: number[][] = Array.from({ length: 10 }, () => []);
  labels.forEach((c, k) => byClass[c].push(k));
  return { x: x as tf.Tensor4D, byClass };
}

/** A cgan-shaped trainer whose band "G(z, y_g)" is `pick(labels)` over the bank. */
function fakeGenerator(base: AnyTrainer, bank: { x: tf.Tensor4D; byClass: number[][] }, pick: (label: number, i: number) => number): AnyTrainer {
  return {
    ...base,
    render: (_nets, _real, sampled) => {
      const labels = sampled.y_g.dataSync();
      const index = Array.from(labels, (c, i) => bank.byClass[pick(c, i)][i % bank.byClass[pick(c, i)].length]);
      return [tf.gather(bank.x, tf.tensor1d(index, 'int32'))];
    },
  };
}

test('real digits of the requested class score like real data; one repeated digit does not', async () => {
  await useBackend('wasm');
  const cgan = await generatedTrainer('cgan');
  const bank = await digitBank();
  const good = await evaluateRun(fakeGenerator(cgan, bank, (c) => c), {}, fast);
  const collapsed = await evaluateRun(fakeGenerator(cgan, bank, () => 7), {}, fast);
  bank.x.dispose();
  const g = good.bands[0];
  const c = collapsed.bands[0];
  assert.equal(g.role, 'generated');
  assert.deepEqual(g.labels?.map((l) => l.input), ['y_g']);
  assert.ok(g.labels![0].accuracy >= 0.97, `label accuracy on real digits ${g.labels![0].accuracy}`);
  assert.equal(g.classes.covered, 10);
  assert.ok(g.classes.inceptionScore > 8, `IS ${g.classes.inceptionScore}`);
  assert.equal(c.classes.covered, 1);
  assert.ok(Math.abs(c.labels![0].accuracy - 0.1) < 0.02, `collapsed label accuracy ${c.labels![0].accuracy}`);
  assert.ok(c.fid.x > 10 * g.fid.x, `FID real digits ${g.fid.x}, one digit ${c.fid.x}`);
  assert.ok(c.kid.x.mean > 10 * Math.abs(g.kid.x.mean), `KID real digits ${g.kid.x.mean}, one digit ${c.kid.x.mean}`);
});

test('untrained cgan and infogan: labels and codes are found from the bands, nothing leaks', async () => {
  await useBackend('wasm');
  for (const name of ['cgan', 'infogan']) {
    const trainer = await generatedTrainer(name);
    installSeededRandom(5);
    const nets = buildNetworks(trainer);
    const state = rngState();
    const before = tf.memory().numTensors;
    const m = await evaluateRun(trainer, nets, { ...fast, n: 100 });
    assert.equal(tf.memory().numTensors, before, `${name}: no tensor leaked`);
    assert.deepEqual(rngState(), state, `${name}: the random stream is left where it was`);
    Object.values(nets).forEach((net) => net.dispose());
    const band = m.bands[0];
    assert.equal(m.n, 100);
    assert.ok(band.fid.x > 0 && Number.isFinite(band.fid.x));
    if (name === 'cgan') {
      assert.deepEqual(band.labels?.map((l) => l.input), ['y_g']);
      assert.equal(band.codes, undefined);
    } else {
      assert.equal(band.labels, undefined);
      assert.equal(band.codes?.[0].input, 'c');
      assert.equal(band.codes?.[0].majority.length, 10);
    }
  }
});

test('translation bands: sources and derived bands by depth; an identity keeps every class with no error and has its source\'s FID', async () => {
  await useBackend('wasm');
  const cyclegan = await generatedTrainer('cyclegan');
  installSeededRandom(5);
  const nets = buildNetworks(cyclegan);
  const m = await evaluateRun(cyclegan, nets, { ...fast, n: 20 });
  Object.values(nets).forEach((net) => net.dispose());
  assert.deepEqual(m.bands.map((b) => [b.band, b.role, b.source ?? null, b.depth ?? null]), [
    ['a', 'source', null, null],
    ['G_AB(a)', 'derived', 'a', 1],
    ['G_BA(G_AB(a))', 'derived', 'a', 2],
    ['b', 'source', null, null],
    ['G_BA(b)', 'derived', 'b', 1],
    ['G_AB(G_BA(b))', 'derived', 'b', 2],
  ]);
  assert.deepEqual(Object.keys(m.references), ['a', 'b']);
  assert.ok(m.bands[1].l1! > 0 && m.bands[1].classKept! <= 1);

  const identity: AnyTrainer = {
    ...cyclegan,
    preview: {
      ...cyclegan.preview,
      bands: [
        { text: 'a', real: ['a'], sampled: [], depth: 0 },
        { text: 'F(a)', real: ['a'], sampled: [], depth: 1 },
        { text: 'F(F(a))', real: ['a'], sampled: [], depth: 2 },
      ],
      real: ['a'],
    },
    render: (_nets, real) => [real.a, tf.clone(real.a), tf.clone(real.a)],
  };
  const id = await evaluateRun(identity, {}, { ...fast, n: 50 });
  for (const band of id.bands.slice(1)) {
    assert.equal(band.classKept, 1, `${band.band} keeps every class`);
    assert.equal(band.l1, 0, `${band.band} has no cycle error`);
    assert.deepEqual(band.fid, id.bands[0].fid, `${band.band}: the same images as the source, the same FID`);
  }
  assert.deepEqual(Object.keys(id.bands[0].fid), ['a', 'b'], 'a source band is compared with every reference');
});

test('real data: the training split against the test split, with label accuracy, far below an untrained generator', async () => {
  await useBackend('wasm');
  const gan = await generatedTrainer('gan');
  const real = await evaluateReal(gan, fast);
  installSeededRandom(1);
  const nets = buildNetworks(gan);
  const untrained = await evaluateRun(gan, nets, fast);
  Object.values(nets).forEach((net) => net.dispose());
  const x = real.bands[0];
  const g = untrained.bands[0];
  assert.equal(x.role, 'real');
  assert.equal(x.band, 'x (train split)');
  assert.ok(x.labels![0].accuracy > 0.97);
  assert.equal(x.classes.covered, 10);
  assert.ok(x.fid.x < g.fid.x / 10, `FID of real train digits ${x.fid.x}, of an untrained generator ${g.fid.x}`);
  assert.ok(x.kid.x.mean < g.kid.x.mean / 10, `KID of real train digits ${x.kid.x.mean}, of an untrained generator ${g.kid.x.mean}`);
});

test('evalEvery: evaluates at multiples of N, logs a line and appends metrics.jsonl with the training seconds it is given', async () => {
  await useBackend('wasm');
  const trainer = await generatedTrainer('gan');
  installSeededRandom(1);
  const nets = buildNetworks(trainer);
  const dir = tempDir('evalevery');
  const lines: string[] = [];
  const hook = evalEvery(trainer, 2, { ...fast, n: 50, runDir: dir, log: (l) => lines.push(l) });
  for (let step = 1; step <= 4; step++) await hook(step, nets, 10 + step / 4);
  Object.values(nets).forEach((net) => net.dispose());
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^eval step 2 .*G\(z\) FID/);
  const records = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsRecord);
  assert.deepEqual(records.map((r) => [r.step, r.trainSeconds]), [[2, 10.5], [4, 11]]);
});

test('gan-eval scores a run with baselines as JSON, and answers a bad run directory with exit 1', () => {
  const out = join(tempDir('gan-eval'), 'run');
  const trained = runCli('gan-train', ['specs/gan.yaml', '--steps', '2', '--out', out]);
  assert.equal(trained.status, 0, trained.stderr);
  const r = runCli('gan-eval', [out, '--n', '200', '--baseline', '--json', '--out', join(out, 'eval.json')]);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { results: { label: string; metrics: Metrics }[] };
  assert.deepEqual(report.results.map((x) => x.metrics.kind), ['generator', 'generator', 'real']);
  assert.deepEqual(report.results.map((x) => x.metrics.step ?? null), [2, 0, null]);
  assert.ok(existsSync(join(out, 'eval.json')));
  const bad = runCli('gan-eval', ['no/such/run']);
  assert.equal(bad.status, 1);
  assert.doesNotMatch(bad.stderr, /^\s+at /m);
  assert.equal(bad.stderr, 'gan-eval: no/such/run is not a run directory or a checkpoint of one (no run.json found)\n');
});

test("gan-eval on a folder run: no warning while its images are the ones it trained on, one line once one pixel differs", async () => {
  const folder = tempDir('gan-eval-folder');
  const run = join(folder, 'run');
  const trained = runCli('gan-train', [await tinyFolderSpec(folder, 180, 28), '--out', run, '--no-report']);
  assert.equal(trained.status, 0, trained.stderr);
  const args = [run, '--n', '20', '--reference-n', '4', '--json', '--quiet'];
  const same = runCli('gan-eval', args);
  assert.deepEqual([same.status, same.stderr], [0, '']);
  await tinyFolderSpec(folder, 181, 28);
  const changed = runCli('gan-eval', args);
  assert.equal(changed.status, 0, changed.stderr);
  assert.equal(changed.stderr, `warning: ${run} trained on other images than its data.source folder, data.path images holds now (run.json's dataSha256): FID and KID compare with them as they are now\n`);
  const scored = (r: typeof same) => (JSON.parse(r.stdout) as { results: { metrics: Metrics }[] }).results[0].metrics.bands[0].fid.x;
  assert.notEqual(scored(changed), scored(same));
});

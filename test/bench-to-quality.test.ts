// gan-bench --to-quality: the targets table (bench/targets.ts) judged on real metrics.jsonl lines
// of a tiny GAN trained here (gan-train --eval-every, step 0 included), and on hand-made bands for
// the targets a GAN does not have (labels, codes, translations); --from rebuilding the report;
// and the PyTorch baseline's sample folders (bench/baseline/pytorch_train.py, 2 steps), scored
// by ganspec's evaluator; the same spec trained on both targets (--target torch: the torch loop
// stopping for gan-train to score its snapshots) in one table; the limit stopping gan-train after
// a step it keeps. No timing assertions.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { main as train } from '../cli/train';
import { TARGETS, timeToQuality, type StepMetrics, type Target } from '../bench/targets';
import { readMetrics, scoreFolders, trainToQuality } from '../bench/to-quality';
import { torchTest } from './torch-runtime';
import type { BandMetrics, MetricsRecord } from '../eval';
import { runCli, tempDir, useBackend } from './helpers';

const TINY = [
  'networks.G.layers.0.dense.units=8', 'networks.G.layers.3.dense.units=8', 'networks.G.layers.6.dense.units=8',
  'networks.D.layers.1.dense.units=8', 'networks.D.layers.3.dense.units=8', 'preview.every=100', 'checkpoint.every=100',
].flatMap((s) => ['--set', s]);

test('--from: the report follows the metrics.jsonl of a real run: its steps, step 0 as the reference, the first step meeting each target', async () => {
  await useBackend('wasm');
  const dir = join(tempDir('to-quality'), 'gan');
  await train(['specs/gan.yaml', '--out', dir, '--steps', '6', '--batch', '8', '--backend', 'wasm', '--no-report', '--quiet', '--eval-every', '2', '--eval-n', '20', ...TINY], () => {});
  const records = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsRecord).filter((r) => r.bands);
  assert.deepEqual(records.map((r) => r.step), [0, 2, 4, 6], '--eval-every scores step 0 too');
  assert.equal(records[0].trainSeconds, 0, 'no training before step 0');
  for (let i = 1; i < records.length; i++) assert.ok(records[i].trainSeconds! > records[i - 1].trainSeconds!, 'training time grows');

  const fid = records.map((r) => r.bands[0].fid.x);
  const covered = records.map((r) => r.bands[0].classes.covered);
  const firstStep = (ok: (i: number) => boolean) => records.find((_, i) => ok(i))?.step ?? null;
  const r = runCli('gan-bench', ['--to-quality', '--from', dir, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { target: string; band: string; met: { step: number; trainSeconds: number } | null; untrained: string; backend: string; threads: number });
  assert.deepEqual(rows.map((x) => [x.band, x.target]), [['G(z)', 'classes'], ['G(z)', 'fid']], 'a GAN: classes and FID, nothing conditional');
  assert.equal(rows[0].met?.step ?? null, firstStep((i) => covered[i] === 10));
  assert.equal(rows[1].met?.step ?? null, firstStep((i) => fid[i] <= fid[0] / 5));
  assert.equal(rows[1].untrained, `${fid[0].toFixed(1)} (1.000 of step 0)`);
  assert.match(rows[0].backend, /^wasm/);
  assert.equal(rows[0].threads, Number(/(\d+) thread/.exec(rows[0].backend)![1]));

  // The same records with a target met part-way: FID at most step 4's.
  const upTo4: Target = { ...TARGETS[1], id: 'fid-4', judge: (b) => ({ value: b.fid.x, met: b.fid.x <= fid[2], shown: '' }) };
  const report = timeToQuality(readMetrics(dir), [upTo4]);
  const want = firstStep((i) => fid[i] <= fid[2]);
  assert.ok(want !== null && want <= 4);
  assert.equal(report.results[0].met?.step, want);
  assert.equal(report.results[0].met?.trainSeconds, records.find((x) => x.step === want)!.trainSeconds);
  assert.deepEqual(report.allMet, { step: want, trainSeconds: records.find((x) => x.step === want)!.trainSeconds });
});

function band(over: Partial<BandMetrics>): BandMetrics {
  return { band: 'G(z, y_g)', role: 'generated', n: 100, fid: { x: 100 }, kid: {}, classes: { histogram: [], covered: 10, entropyBits: 3.3, inceptionScore: 9 }, ...over };
}
const at = (step: number, bands: BandMetrics[]): StepMetrics => ({ step, trainSeconds: step / 10, bands });

test('at --limit-min, gan-train stops after its step and keeps that step\'s checkpoint and grid, which the run\'s stop reason names', { timeout: 120_000 }, async () => {
  const out = join(tempDir('to-quality-limit'), 'gan');
  // A limit well past gan-train's start (compiling, loading data, scoring step 0), which on a busy
  // CI machine takes seconds: a signal before the first step stops it without training a step.
  // Polled every 5 ms, so that a second SIGINT (stopping gan-train at once) would come before the save.
  const run = await trainToQuality({
    root: process.cwd(), spec: 'specs/gan.yaml', out, limitMin: 0.4, evalEvery: 1_000_000, evalN: 20, log: () => {}, pollMs: 5,
    trainArgs: [...TINY, '--batch', '8', '--backend', 'wasm', '--no-report'],
  });
  const m = /^stopped at the 0.4 min limit; gan-train kept step (\d+)'s checkpoint and grid$/.exec(run.info?.stopped ?? '');
  assert.ok(m, `stop reason: ${run.info?.stopped}`);
  const step = Number(m[1]);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'checkpoints', 'latest'), 'utf8')), { checkpoint: `step-${String(step).padStart(6, '0')}`, step });
  assert.ok(existsSync(join(out, 'samples', `step-${String(step).padStart(6, '0')}.png`)));
  assert.deepEqual(run.report.steps, [0], 'scored at step 0 only');
});

test('the targets apply by what a band holds and meet exactly at their thresholds', () => {
  const labels = (accuracy: number) => band({ labels: [{ input: 'y_g', accuracy }] });
  const conditional = timeToQuality([at(0, [labels(0.1)]), at(10, [labels(0.899)]), at(20, [{ ...labels(0.9), fid: { x: 20 } }])]);
  assert.deepEqual(conditional.results.map((t) => [t.target, t.met?.step ?? null]), [['classes', 0], ['fid', 20], ['label-accuracy', 20]]);
  assert.deepEqual(conditional.allMet, { step: 20, trainSeconds: 2 });

  const codes = (meanPurity: number, distinct: number) => band({ band: 'G(z, c)', codes: [{ input: 'c', majority: [], purity: [], meanPurity, distinct }] });
  const info = timeToQuality([at(0, [codes(0.1, 1)]), at(5, [codes(0.8, 7)]), at(9, [codes(0.7, 8)])]);
  assert.deepEqual(info.results.find((t) => t.target === 'code-purity')?.met?.step, 9, '0.8 purity with 7 distinct classes is not enough');

  // A translation: FID(A->B, B) against the source band's FID(A, B), class kept; the cycle (depth 2) is not judged.
  const source = band({ band: 'a', role: 'source', fid: { a: 0, b: 80 } });
  const ab = (fidB: number, classKept: number) => band({ band: 'G_AB(a)', role: 'derived', source: 'a', depth: 1, fid: { a: 50, b: fidB }, classKept });
  const cycle = band({ band: 'G_BA(G_AB(a))', role: 'derived', source: 'a', depth: 2, fid: { a: 1, b: 90 }, classKept: 0.1 });
  const pair = timeToQuality([at(0, [source, ab(90, 0.2), cycle]), at(1, [source, ab(40.1, 0.95), cycle]), at(2, [source, ab(40, 0.9), cycle])]);
  assert.deepEqual(pair.results.map((t) => [t.band, t.target, t.met?.step ?? null]), [['G_AB(a)', 'class-kept', 1], ['G_AB(a)', 'translation-fid', 2]]);
  assert.equal(pair.results[1].untrained, '90.0 (1.125 of FID(a, b))');

  const noBase = timeToQuality([at(3, [band({})])]);
  assert.equal(noBase.hasUntrained, false);
  assert.equal(noBase.results.find((t) => t.target === 'fid')?.last.shown, 'no step 0 to compare with');
});

test('gan-bench --to-quality refuses a spec with --from, a second spec, --target torch with --pytorch or --backend, --nproc without it, saying why', () => {
  let r = runCli('gan-bench', ['--to-quality', 'specs/gan.yaml', '--from', 'runs/x']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--from reports runs made before: name no spec or --pytorch with it/);
  r = runCli('gan-bench', ['--to-quality', 'specs/gan.yaml', 'specs/dcgan.yaml']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--to-quality trains one spec, or --pytorch MODEL \(no spec\)/);
  r = runCli('gan-bench', ['--to-quality', '--pytorch', 'dcgan', '--target', 'torch']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--target torch trains a spec; --pytorch trains a hand-written baseline: give one of them/);
  r = runCli('gan-bench', ['--to-quality', 'specs/gan.yaml', '--target', 'torch', '--backend', 'wasm']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--backend chooses a TensorFlow.js backend: not with --target torch/);
  r = runCli('gan-bench', ['--to-quality', 'specs/gan.yaml', '--nproc', '2']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), 'gan-bench: --nproc goes with --target torch');
});

torchTest('the PyTorch baseline writes a labelled sample folder per N steps that gan-bench scores with the evaluator', async (python) => {
  const dir = join(tempDir('to-quality'), 'pytorch-cgan');
  const run = spawnSync(python, ['bench/baseline/pytorch_train.py', '--model', 'cgan', '--out', dir, '--every', '1', '--n', '20', '--steps', '2', '--threads', '1'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const folders = readdirSync(join(dir, 'samples')).sort();
  assert.deepEqual(folders, ['step-000000', 'step-000001', 'step-000002']);
  const files = readdirSync(join(dir, 'samples', 'step-000002')).sort();
  assert.equal(files.length, 21);
  assert.equal(files[20], 'labels.csv');
  const meta = await sharp(join(dir, 'samples', 'step-000002', '000013.png')).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', 28, 28, 1]);
  const labels = readFileSync(join(dir, 'samples', 'step-000002', 'labels.csv'), 'utf8').trim().split('\n');
  assert.equal(labels[0], 'file,label');
  assert.equal(labels[14], '000013.png,3', 'sample i asks for class i mod 10');

  await useBackend('wasm');
  // 200 of MNIST's test images as the reference (not 10000): nothing below depends on the FID's precision.
  assert.equal(await scoreFolders(dir, { referenceN: 200 }), 3);
  assert.equal(await scoreFolders(dir, { referenceN: 200 }), 0, 'scored folders are not scored again');
  const log = readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; trainSeconds: number });
  const records = readMetrics(dir) as MetricsRecord[];
  assert.deepEqual(records.map((r) => [r.step, r.trainSeconds]), log.map((l) => [l.step, l.trainSeconds]));
  for (const r of records) {
    assert.equal(r.n, 20);
    assert.equal(r.bands[0].labels?.[0].input, 'labels.csv', 'label accuracy from labels.csv');
  }
  const r = runCli('gan-bench', ['--to-quality', '--from', dir, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { target: string; threads: number; backend: string });
  assert.deepEqual(rows.map((x) => x.target), ['classes', 'fid', 'label-accuracy']);
  assert.equal(rows[0].threads, 1);
  assert.match(rows[0].backend, /^torch /);
  assert.ok(existsSync(join(dir, 'pytorch.json')));
});

torchTest('--target torch: the torch loop is scored at step 0 and every N steps as gan-eval scores its checkpoint, under torchrun (--nproc 2) with 1 process\'s FIDs, and --from puts the runs in one table', async () => {
  const root = tempDir('to-quality');
  const common = { root: process.cwd(), spec: 'specs/gan.yaml', limitMin: 5, evalEvery: 2, evalN: 20, steps: 4, log: () => {} };
  const keep = [...TINY, '--set', 'checkpoint.every=2', '--set', 'checkpoint.keep=5', '--batch', '8', '--no-report'];
  const torchRun = await trainToQuality({ ...common, out: join(root, 'torch'), target: 'torch', trainArgs: keep });
  const twoRun = await trainToQuality({ ...common, out: join(root, 'torch2'), target: 'torch', nproc: 2, trainArgs: keep });
  const tfjsRun = await trainToQuality({ ...common, out: join(root, 'tfjs'), trainArgs: [...keep, '--backend', 'wasm'] });
  for (const run of [torchRun, twoRun, tfjsRun]) {
    assert.equal(run.info?.stopped, 'training ended', `${run.dir} trained its 4 steps`);
    assert.deepEqual(run.report.steps, [0, 2, 4]);
  }
  assert.equal(torchRun.backend, 'torch-cpu');
  assert.equal(twoRun.backend, 'torch-cpu x2');

  const records = readMetrics(torchRun.dir) as MetricsRecord[];
  assert.equal(records[0].trainSeconds, 0, 'no training before step 0');
  assert.ok(records[1].trainSeconds! > 0 && records[2].trainSeconds! > records[1].trainSeconds!, 'training time grows');
  // Step 2's record is what gan-eval gives the step-2 checkpoint the torch loop wrote (same weights, seed, samples).
  const r = runCli('gan-eval', [join(torchRun.dir, 'checkpoints', 'step-000002'), '--n', '20', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const evaluated = (JSON.parse(r.stdout) as { results: { metrics: MetricsRecord }[] }).results[0].metrics;
  assert.equal(evaluated.step, 2);
  assert.equal(records[1].bands[0].fid.x, evaluated.bands[0].fid.x);
  assert.deepEqual(records[1].bands[0].classes, evaluated.bands[0].classes);
  // Two processes train the same arithmetic (losses within 1e-5: torch-train.test.ts); rank 0's snapshots score alike.
  const two = readMetrics(twoRun.dir) as MetricsRecord[];
  assert.deepEqual(two.map((x) => x.step), [0, 2, 4]);
  assert.equal(two[0].trainSeconds, 0);
  assert.ok(two[1].trainSeconds! > 0 && two[2].trainSeconds! > two[1].trainSeconds!, 'training time grows');
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(two[i].bands[0].fid.x - records[i].bands[0].fid.x) < 1e-3, `step ${two[i].step}: FID ${two[i].bands[0].fid.x} in 2 processes, ${records[i].bands[0].fid.x} in 1`);
    assert.deepEqual(two[i].bands[0].classes.histogram, records[i].bands[0].classes.histogram);
  }

  const table = runCli('gan-bench', ['--to-quality', '--from', tfjsRun.dir, '--from', torchRun.dir, '--from', twoRun.dir]);
  assert.equal(table.status, 0, table.stderr);
  const lines = table.stdout.split('\n');
  for (const name of ['ganspec-tfjs specs/gan.yaml', 'ganspec-torch specs/gan.yaml', 'ganspec-torch x2 specs/gan.yaml']) {
    assert.equal(lines.filter((l) => l.startsWith(`${name}  `)).length, 2, `${name}: a classes row and an FID row`);
  }
  const json = runCli('gan-bench', ['--to-quality', '--from', tfjsRun.dir, '--from', torchRun.dir, '--from', twoRun.dir, '--json']);
  const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { run: string; ganspecTarget: string; target: string; untrained: string; threads: number | null; nproc: number | null });
  assert.deepEqual(rows.map((x) => [x.ganspecTarget, x.nproc, x.target]), [['tfjs', null, 'classes'], ['tfjs', null, 'fid'], ['torch', 1, 'classes'], ['torch', 1, 'fid'], ['torch', 2, 'classes'], ['torch', 2, 'fid']]);
  assert.equal(rows[3].untrained, `${records[0].bands[0].fid.x.toFixed(1)} (1.000 of step 0)`);
  const cores = availableParallelism();
  assert.equal(rows[3].threads, Number(process.env.OMP_NUM_THREADS ?? cores));
  assert.equal(rows[5].threads, Number(process.env.OMP_NUM_THREADS ?? Math.max(1, Math.floor(cores / 2))), 'each of 2 processes: half the cores');
});

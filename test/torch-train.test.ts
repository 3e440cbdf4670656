// gan-train --target torch (cli/train-torch.ts over runtime-torch/ganspec_torch/loop.py) on the
// tiny specs of test/fixtures/torch/ (tiny-ring: 8-unit layers on the ring; tiny-mnist: 16-unit
// layers on 256 MNIST digits): one process and two (torchrun, gloo on CPU) log the same losses,
// with batch norm too (tiny-ring-bn); a resumed run equals an uninterrupted one bit for bit; a
// non-finite loss stops it in one line; a resume on other data (a tiny image folder) needs
// --allow-changes; gan-train killed with SIGKILL stops its Python after its step (saved), and Python
// killed so is one line; the torch checkpoint, loaded into the TypeScript networks of the same spec,
// gives the torch generator's outputs; gan-sample, gan-eval and gan-export work on the torch run.
// Skipped without a Python with torch (failed when CI is set): test/torch-runtime.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { loadCheckpoint } from '../runtime/checkpoint';
import { loadData } from '../runtime/data/index';
import { pngText, readPng } from '../runtime/images/png';
import { buildNetworks } from '../runtime/loop/train';
import { importTrainer } from '../runtime/trainer-module';
import { LOCK_FILE } from '../runtime/run-lock';
import { finished, lossRecords, runCli, tinyFolderSha256, tinyFolderSpec, until, untilTrained, writeTinyFolderSpec } from './helpers';
import { runPython, torchTest } from './torch-runtime';

const RING = 'test/fixtures/torch/tiny-ring.yaml';
const MNIST = 'test/fixtures/torch/tiny-mnist.yaml';
const dir = mkdtempSync(join(tmpdir(), 'ganspec-torch-train-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cpu = { GANSPEC_BACKEND: 'cpu', OMP_NUM_THREADS: '1' };

function train(spec: string, out: string, args: string[] = []): string {
  const r = runCli('gan-train', [spec, '--target', 'torch', '--out', out, '--no-report', ...args], cpu);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const bytes = (file: string) => readFileSync(file);
/** Whether process `pid` runs (signal 0 reaches it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
const straight = join(dir, 'ring-1');

torchTest('tiny ring, 4 steps at batch 8: --nproc 1 and --nproc 2 (torchrun, gloo) log the same losses within 1e-5', () => {
  const two = join(dir, 'ring-2');
  train(RING, straight);
  assert.match(train(RING, two, ['--nproc', '2']), /^backend: torch-cpu x2$/m);
  const [a, b] = [lossRecords(straight), lossRecords(two)];
  assert.deepEqual(a.map((r) => r.step), [1, 2, 3, 4]);
  assert.deepEqual(b.map((r) => r.step), [1, 2, 3, 4]);
  for (let i = 0; i < 4; i++) {
    for (const phase of ['D', 'G']) {
      const [x, y] = [a[i]![phase]!, b[i]![phase]!];
      console.log(`step ${i + 1} ${phase}: 1 process ${x}, 2 processes ${y}, difference ${Math.abs(x - y)}`);
      assert.ok(Math.abs(x - y) <= 1e-5, `step ${i + 1} ${phase}: ${x} vs ${y}`);
    }
  }
  // Rank 0 alone wrote the run: a provenance header and one line a step; run.json says how it trained.
  assert.equal(readFileSync(join(two, 'losses.jsonl'), 'utf8').trim().split('\n').length, 5);
  const info = JSON.parse(readFileSync(join(two, 'run.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual([info.target, info.module, info.torchModule, info.nproc, info.device, info.backend], ['torch', 'tiny-ring.mts', 'tiny-ring.py', 2, 'cpu', 'torch-cpu x2']);
});

/** Every weight of a checkpointed network (weights.bin, float32 little-endian). */
function weights(run: string, net: string): Float32Array {
  const raw = bytes(join(run, 'checkpoints', 'step-000004', net, 'weights.bin'));
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

torchTest('tiny ring with batch norm: --nproc 2 normalises over the global batch: losses and every weight (moving statistics too) within 1e-5 of 1 process', () => {
  const one = join(dir, 'bn-1');
  const two = join(dir, 'bn-2');
  train('test/fixtures/torch/tiny-ring-bn.yaml', one);
  train('test/fixtures/torch/tiny-ring-bn.yaml', two, ['--nproc', '2']);
  const [a, b] = [lossRecords(one), lossRecords(two)];
  assert.equal(a.length, 4);
  for (let i = 0; i < 4; i++) for (const phase of ['D', 'G']) assert.ok(Math.abs(a[i]![phase]! - b[i]![phase]!) <= 1e-5, `step ${i + 1} ${phase}: ${a[i]![phase]} vs ${b[i]![phase]}`);
  for (const net of ['G', 'D']) {
    const [x, y] = [weights(one, net), weights(two, net)];
    assert.equal(x.length, y.length);
    const worst = Math.max(...x.map((v, i) => Math.abs(v - y[i]!)));
    console.log(`${net}: largest weight difference between 1 and 2 processes ${worst}`);
    assert.ok(worst <= 1e-5, `${net}: ${worst}`);
  }
  // The moving statistics moved (they start at 0 and 1): what was compared is the batches'.
  const manifest = JSON.parse(readFileSync(join(two, 'checkpoints', 'step-000004', 'G', 'model.json'), 'utf8')) as { weightsManifest: { weights: { name: string }[] }[] };
  const names = manifest.weightsManifest[0]!.weights.map((w) => w.name);
  assert.deepEqual(names.slice(-2), ['G_l1/moving_mean', 'G_l1/moving_variance']);
  assert.ok(weights(two, 'G').slice(-16, -8).some((v) => Math.abs(v) > 1e-3));
});

torchTest('tiny ring: 4 steps straight equal 2 steps and a --resume to 4, weights, losses and grids bit for bit, the training seconds continuing from the checkpoint', () => {
  const resumed = join(dir, 'ring-resumed');
  train(RING, resumed, ['--steps', '2']);
  // The training seconds continue from the checkpoint's (set high here, so that a restart from 0 shows).
  const state2 = join(resumed, 'checkpoints/step-000002/state.json');
  const before = JSON.parse(readFileSync(state2, 'utf8')) as { trainSeconds: number };
  assert.ok(before.trainSeconds > 0 && before.trainSeconds < 60, `step 2 trained in ${before.trainSeconds} s`);
  writeFileSync(state2, JSON.stringify({ ...before, trainSeconds: 1000 }));
  assert.match(train(RING, resumed, ['--steps', '4', '--resume']), /resumed from .*step-000002 at step 2/);
  const after = (JSON.parse(readFileSync(join(resumed, 'checkpoints/step-000004/state.json'), 'utf8')) as { trainSeconds: number }).trainSeconds;
  assert.ok(after > 1000 && after < 1060, `step 4's checkpoint records ${after} s: 1000 s before the resume and 2 steps`);
  for (const file of ['checkpoints/step-000004/G/weights.bin', 'checkpoints/step-000004/D/weights.bin', 'samples/step-000004.png', 'losses.jsonl']) {
    assert.ok(bytes(join(straight, file)).equals(bytes(join(resumed, file))), `${file} differs`);
  }
  assert.deepEqual(JSON.parse(readFileSync(join(resumed, 'checkpoints/latest'), 'utf8')), { checkpoint: 'step-000004', step: 4 });
  const events = readFileSync(join(resumed, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; step: number });
  assert.deepEqual(events.map((e) => `${e.event} ${e.step}`), ['start 0', 'checkpoint 2', 'end 2', 'start 2', 'checkpoint 4', 'end 4']);
  const info = JSON.parse(readFileSync(join(resumed, 'run.json'), 'utf8')) as { resumes: { step: number; steps: number }[] };
  assert.deepEqual(info.resumes.map((r) => [r.step, r.steps]), [[2, 4]]);
});

torchTest('tiny ring: a non-finite loss (NaN or Infinity) stops the run with one line, keeping the last checkpoint and its records', () => {
  // The resumed run of the test above (step 4), continued at a learning rate that overflows: the
  // overflow gives NaN or Infinity depending on the order torch sums in, so either is accepted.
  const run = join(dir, 'ring-resumed');
  const huge = ['schedule.phases.0.optimizer.adam.lr=1e30', 'schedule.phases.1.optimizer.adam.lr=1e30'].flatMap((s) => ['--set', s]);
  const r = runCli('gan-train', [RING, '--target', 'torch', '--out', run, '--no-report', '--resume', '--allow-changes', '--steps', '6', ...huge], cpu);
  assert.equal(r.status, 1);
  const message = /^gan-train: phase G gave a (NaN|-?Infinity) loss at step 5; stopped without saving it \(last checkpoint: (.*)\)$/.exec(r.stderr.trim());
  assert.ok(message, r.stderr);
  assert.equal(message[2], join(run, 'checkpoints', 'step-000004'));
  assert.deepEqual(JSON.parse(readFileSync(join(run, 'checkpoints/latest'), 'utf8')), { checkpoint: 'step-000004', step: 4 });
  assert.deepEqual(lossRecords(run).map((l) => l.step), [1, 2, 3, 4]);
  const last = readFileSync(join(run, 'events.jsonl'), 'utf8').trim().split('\n').pop()!;
  assert.deepEqual({ ...JSON.parse(last), time: undefined }, { event: 'nan', step: 5, phase: 'G', value: message[1], time: undefined });
});

torchTest('tiny folder: run.json holds the identity of the data as the TypeScript side defines it; a --resume on other data is refused in one line without --allow-changes, recorded with it', async () => {
  const run = join(dir, 'folder');
  const spec = await tinyFolderSpec(join(dir, 'folder-spec'), 0);
  train(spec, run);
  const info = () => JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as { dataSha256: string; resumes?: { changes: string[] }[] };
  assert.equal(info().dataSha256, tinyFolderSha256(0));
  await tinyFolderSpec(join(dir, 'folder-spec'), 1);
  const kept = readFileSync(join(run, 'run.json'), 'utf8');
  const r = runCli('gan-train', [spec, '--target', 'torch', '--out', run, '--no-report', '--steps', '3', '--resume', '--quiet'], cpu);
  assert.deepEqual([r.status, r.stderr], [1, "gan-train: --resume: the training data differs from the run's (data.source folder, data.path images); give --allow-changes to resume anyway\n"]);
  assert.equal(readFileSync(join(run, 'run.json'), 'utf8'), kept);
  assert.deepEqual(lossRecords(run).map((l) => l.step), [1, 2]);
  train(spec, run, ['--steps', '3', '--resume', '--allow-changes']);
  assert.deepEqual([info().dataSha256, info().resumes?.map((x) => x.changes)], [tinyFolderSha256(1), [['the training data']]]);
});

torchTest('an image folder of another size and colour (PNG and JPEG classes) trains on the pixels TensorFlow.js reads: run.json has loadData\'s identity; an undecodable file is one line, nothing written', async () => {
  const folder = join(dir, 'colour');
  for (const [label, format] of [['a', 'png'], ['b', 'jpeg']] as const) {
    mkdirSync(join(folder, 'images', label), { recursive: true });
    for (let i = 0; i < 3; i++) {
      const pixels = Buffer.from(Array.from({ length: 10 * 10 * 3 }, (_, j) => (j * 37 + i * 11 + label.charCodeAt(0)) % 256));
      await sharp(pixels, { raw: { width: 10, height: 10, channels: 3 } }).toFormat(format).toFile(join(folder, 'images', label, `${i}.${format === 'jpeg' ? 'jpg' : format}`));
    }
  }
  const spec = writeTinyFolderSpec(folder, 8, 'colour');
  const data = { source: 'folder' as const, path: 'images', image: [8, 8, 1] as [number, number, number], range: [-1, 1] as [number, number] };
  const expected = (await loadData(data, folder)).identity();
  const run = join(dir, 'colour-run');
  assert.match(train(spec, run), /^done: /m);
  assert.equal((JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as { dataSha256: string }).dataSha256, expected);

  const broken = join(folder, 'images', 'b', '9.jpg');
  writeFileSync(broken, 'not a JPEG');
  const r = runCli('gan-train', [spec, '--target', 'torch', '--out', join(dir, 'colour-broken'), '--no-report', '--quiet'], cpu);
  assert.deepEqual([r.status, r.stderr], [1, `gan-train: ${broken}: cannot decode image (Input file contains unsupported image format)\n`]);
  assert.deepEqual(existsSync(join(dir, 'colour-broken')) ? readdirSync(join(dir, 'colour-broken')) : [], []);
});

torchTest('tiny ring: gan-train killed with SIGKILL stops its Python after the step in progress, with that step\'s checkpoint; the lock names Python until then, and a --resume takes it over', async () => {
  const run = join(dir, 'killed');
  const child = spawn(process.execPath, [join('bin', 'gan-train.js'), RING, '--target', 'torch', '--out', run, '--no-report', '--steps', '100000'], { env: { ...process.env, ...cpu } });
  const done = finished(child);
  await untilTrained(run, 20, 60_000);
  const lock = JSON.parse(readFileSync(join(run, LOCK_FILE), 'utf8')) as { pid: number; trainer: number };
  assert.equal(lock.pid, child.pid);
  child.kill('SIGKILL');
  await done;
  await until(() => !alive(lock.trainer), 30_000, () => `Python (pid ${lock.trainer}) still runs 30 s after gan-train was killed`);
  const step = lossRecords(run).at(-1)!.step!;
  assert.ok(step >= 20, `stopped at step ${step}`);
  assert.deepEqual(JSON.parse(readFileSync(join(run, 'checkpoints/latest'), 'utf8')), { checkpoint: `step-${String(step).padStart(6, '0')}`, step });
  const last = JSON.parse(readFileSync(join(run, 'events.jsonl'), 'utf8').trim().split('\n').pop()!) as { event: string; step: number; reason: string };
  assert.deepEqual([last.event, last.step, last.reason], ['stopped', step, 'SIGTERM']);
  const resumed = train(RING, run, ['--steps', String(step + 2), '--resume']);
  assert.match(resumed, new RegExp(`^took over the lock of pid ${child.pid} \\(started .*\\), which is no longer running$`, 'm'));
  assert.deepEqual(lossRecords(run).slice(-3).map((l) => l.step), [step, step + 1, step + 2]);
});

torchTest('tiny ring: Python killed with SIGKILL (as by the out-of-memory killer) is one line and exit 1, alone and as a torchrun worker; the run keeps its checkpoints', async () => {
  for (const nproc of [1, 2]) {
    const run = join(dir, `oom-${nproc}`);
    const child = spawn(process.execPath, [join('bin', 'gan-train.js'), RING, '--target', 'torch', '--nproc', String(nproc), '--out', run, '--no-report', '--steps', '100000'], { env: { ...process.env, ...cpu } });
    const done = finished(child);
    await untilTrained(run, 20, 60_000);
    // Python, or under torchrun one of its workers (a child of torchrun's process, which the lock names).
    const trainer = (JSON.parse(readFileSync(join(run, LOCK_FILE), 'utf8')) as { trainer: number }).trainer;
    const victim = nproc === 1 ? trainer : Number(readFileSync(`/proc/${trainer}/task/${trainer}/children`, 'utf8').trim().split(' ').at(-1));
    process.kill(victim, 'SIGKILL');
    const r = await done;
    assert.deepEqual([r.status, r.stderr], [1, "gan-train: PyTorch's training process ended by SIGKILL (the out-of-memory killer, or a kill): the run keeps what was written; continue it with --resume\n"], `--nproc ${nproc}`);
    const latest = JSON.parse(readFileSync(join(run, 'checkpoints/latest'), 'utf8')) as { step: number };
    assert.ok(latest.step >= 18, `--nproc ${nproc}: last checkpoint at step ${latest.step}`);
  }
});

torchTest('tiny mnist: the torch checkpoint in the TypeScript networks gives the torch generator\'s outputs within 1e-4; gan-sample, gan-eval and gan-export read the run', async (python) => {
  const run = join(dir, 'mnist');
  train(MNIST, run);
  const grid = await readPng(join(run, 'samples', 'step-000002.png'));
  // 2 x 3 cells of 28 x 28 with a 2-pixel border, and the run's provenance.
  assert.deepEqual([grid.width, grid.height, grid.channels], [3 * 28 + 4 * 2, 2 * 28 + 3 * 2, 1]);
  const info = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as { specSha256: string; moduleSha256: string };
  assert.deepEqual(pngText(bytes(join(run, 'samples', 'step-000002.png'))), { Software: 'ganspec 0.1.0', 'ganspec:specSha256': info.specSha256, 'ganspec:moduleSha256': info.moduleSha256 });

  // The same z through both generators.
  const z = Array.from({ length: 3 * 8 }, (_, i) => Math.sin(i + 1));
  const script = [
    'import json, torch', 'import ganspec_torch as gs', 'from ganspec_torch.__main__ import load_module', 'from ganspec_torch.checkpoint import load_checkpoint',
    `m = load_module(${JSON.stringify(join(run, 'tiny-mnist.py'))}); model = gs.build(m.TRAINER, 0); load_checkpoint(${JSON.stringify(run)}, model, torch.device("cpu"))`,
    `z = torch.tensor(${JSON.stringify(z)}).reshape(3, 8)`,
    'with torch.no_grad(): out = gs.call(model.nets["G"], z, training=False)',
    'print(json.dumps(out.permute(0, 2, 3, 1).reshape(-1).tolist()))',
  ].join('\n');
  const r = runPython(python, ['-c', script]);
  assert.equal(r.status, 0, r.stderr);
  const torchOut = JSON.parse(r.stdout) as number[];
  await tf.setBackend('cpu');
  const nets = buildNetworks(await importTrainer(join(run, 'tiny-mnist.mts')));
  assert.equal((await loadCheckpoint(run, nets)).step, 2);
  const tsOut = Array.from(tf.tidy(() => (nets.G!.predict(tf.tensor2d(z, [3, 8])) as tf.Tensor).dataSync()));
  for (const net of Object.values(nets)) net.dispose();
  assert.equal(tsOut.length, 3 * 784);
  const worst = Math.max(...tsOut.map((v, i) => Math.abs(v - torchOut[i]!)));
  console.log(`largest difference of G(z) between the TypeScript and torch networks: ${worst}`);
  assert.ok(worst <= 1e-4, `largest difference ${worst}`);
  // Not a constant picture: the comparison means something.
  assert.ok(Math.max(...tsOut) - Math.min(...tsOut) > 0.1);

  const sampled = runCli('gan-sample', [run, '--n', '4', '--out', join(dir, 'sample.png')], cpu);
  assert.equal(sampled.status, 0, sampled.stderr);
  assert.match(sampled.stdout, /from .*step-000002 \(step 2\)/);
  const picture = await readPng(join(dir, 'sample.png'));
  assert.deepEqual([picture.width, picture.height], [2 * 28 + 3 * 2, 2 * 28 + 3 * 2]);
  const evaluated = runCli('gan-eval', [run, '--n', '50', '--reference-n', '50', '--json', '--quiet'], cpu);
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const metrics = JSON.parse(evaluated.stdout.slice(evaluated.stdout.indexOf('{'))) as { results: { metrics: { step: number; bands: { band: string; fid: { x: number } }[] } }[] };
  const scored = metrics.results[0]!.metrics;
  assert.equal(scored.step, 2);
  assert.equal(scored.bands[0]!.band, 'G(z)');
  assert.ok(scored.bands[0]!.fid.x > 0 && Number.isFinite(scored.bands[0]!.fid.x), JSON.stringify(scored.bands[0]));
  const exported = runCli('gan-export', [run, '--out', join(dir, 'web'), '--no-page'], cpu);
  assert.equal(exported.status, 0, exported.stderr);
  const manifest = JSON.parse(readFileSync(join(dir, 'web', 'models', 'G', 'model.json'), 'utf8')) as { weightsManifest: { weights: { name: string }[] }[] };
  assert.deepEqual(manifest.weightsManifest.flatMap((g) => g.weights.map((w) => w.name)), ['G_l0/kernel', 'G_l0/bias', 'G_l1/kernel', 'G_l1/bias']);
});

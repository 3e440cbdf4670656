// Bad input at training time gets a one-line UserError and loses nothing already written: a NaN
// loss (before or after checkpoints), a missing dataset, a corrupt checkpoint; and the CLIs exit 1
// with exactly their message, without a stack trace.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { AnyTrainer } from '../contract/trainer';
import { loadCheckpoint } from '../runtime/checkpoint';
import { UserError } from '../runtime/errors';
import { phaseRunners } from '../runtime/loop/phase';
import { buildNetworks, train } from '../runtime/loop/train';
import { compiledTrainer, generatedTrainer, runCli, tempDir, useBackend } from './helpers';

const quiet = { log: () => {} };

test('a NaN loss at the first step stops the run with the phase and step, saving nothing', async () => {
  await useBackend('wasm');
  const dir = tempDir('nan');
  // The generator's loss turns NaN as soon as D gives anything below 100.
  const trainer = await compiledTrainer('specs/ring.yaml', ['losses.G=mean(sqrt(D(G(z)) - 100))', 'checkpoint.every=1'], dir);
  const runDir = join(dir, 'run');
  await assert.rejects(
    train(trainer, { ...quiet, runDir, dataDir: 'specs', steps: 3, batch: 8 }),
    (err: unknown) => err instanceof UserError && /phase G gave a NaN loss at step 1; stopped without saving it \(last checkpoint: none\)$/.test(err.message) && !err.message.includes('\n'),
  );
  assert.equal(existsSync(join(runDir, 'checkpoints', 'step-000001')), false, 'nothing is saved from the NaN step');
});

function weightBytes(nets: Record<string, tf.LayersModel>): Buffer[] {
  return Object.values(nets).flatMap((m) => m.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).slice().buffer)));
}

test('a NaN loss after checkpoints stops the run keeping the last checkpoint, which loads and resumes', async () => {
  await useBackend('wasm');
  const dir = tempDir('nan-late');
  const ring = await compiledTrainer('specs/ring.yaml', ['checkpoint.every=1'], dir);
  // G's third update (step 3) takes the square root of its loss minus 100: NaN.
  let updates = 0;
  const poisoned: AnyTrainer = {
    ...ring,
    phases: ring.phases.map((p) =>
      p.name !== 'G' ? p : { ...p, loss: (nets, real, sampled) => (++updates < 3 ? p.loss(nets, real, sampled) : tf.sqrt(tf.sub(p.loss(nets, real, sampled), 100)) as tf.Scalar) },
    ),
  };
  const runDir = join(dir, 'run');
  let atStep2: Buffer[] = [];
  const afterStep = (step: number, nets: Record<string, tf.LayersModel>) => {
    if (step === 2) atStep2 = weightBytes(nets);
  };
  await assert.rejects(
    train(poisoned, { ...quiet, runDir, dataDir: 'specs', steps: 5, batch: 8, seed: 3, afterStep }),
    (err: unknown) =>
      err instanceof UserError &&
      err.message === `phase G gave a NaN loss at step 3; stopped without saving it (last checkpoint: ${join(runDir, 'checkpoints', 'step-000002')})`,
  );
  assert.equal(updates, 3);
  assert.deepEqual(readdirSync(join(runDir, 'checkpoints')).sort(), ['latest', 'step-000001', 'step-000002']);
  assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'checkpoints', 'latest'), 'utf8')), { checkpoint: 'step-000002', step: 2 });
  assert.deepEqual(readFileSync(join(runDir, 'losses.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step), [1, 2], 'the NaN step is not logged');

  // The checkpoint loads into fresh networks and optimizers, giving exactly the weights after step 2 ...
  const nets = buildNetworks(ring);
  const optimizers = Object.fromEntries(phaseRunners(ring, nets).map((r) => [r.phase.name, r.optimizer]));
  const loaded = await loadCheckpoint(runDir, nets, optimizers);
  assert.equal(loaded.step, 2);
  const restored = weightBytes(nets);
  assert.equal(restored.length, atStep2.length);
  restored.forEach((b, i) => assert.ok(b.equals(atStep2[i]), `weight ${i} differs from the step-2 weights`));
  // ... and the run resumes from it.
  const lines: string[] = [];
  const resumed = await train(ring, { runDir, dataDir: 'specs', steps: 4, batch: 8, seed: 3, resume: true, log: (l) => lines.push(l) });
  assert.equal(lines[0], `resumed from ${join(runDir, 'checkpoints', 'step-000002')} at step 2`);
  assert.equal(resumed.step, 4);
  assert.ok(Object.values(resumed.losses).every(Number.isFinite));
});

test('a missing dataset names its path', async () => {
  await useBackend('wasm');
  const dir = tempDir('missing');
  const trainer = await compiledTrainer('specs/dcgan.yaml', ['data.source=idx', 'data.path=no/such/images-idx3-ubyte'], dir);
  await assert.rejects(train(trainer, { ...quiet, runDir: join(dir, 'run'), dataDir: dir, steps: 1, batch: 2 }), (err: unknown) => err instanceof UserError && err.message.includes('no/such/images-idx3-ubyte'));
});

test('resuming from a corrupt checkpoint is a clear error that leaves the run as it was', async () => {
  await useBackend('wasm');
  const trainer = await generatedTrainer('ring');
  const runDir = tempDir('corrupt');
  await train(trainer, { ...quiet, runDir, dataDir: 'specs', steps: 2, batch: 8 });
  const weights = join(runDir, 'checkpoints', 'step-000002', 'G', 'weights.bin');
  const bytes = readFileSync(weights);
  bytes[10] ^= 0xff;
  writeFileSync(weights, bytes);
  const log = readFileSync(join(runDir, 'losses.jsonl'), 'utf8');
  await assert.rejects(train(trainer, { ...quiet, runDir, dataDir: 'specs', steps: 4, batch: 8, resume: true }), (err: unknown) => err instanceof UserError && err.message.includes('weights.bin'));
  assert.equal(readFileSync(join(runDir, 'losses.jsonl'), 'utf8'), log, 'the loss log is untouched');
});

test('gan-train and gan-sample work end to end from the command line', () => {
  const out = join(tempDir('cli'), 'run');
  const trained = runCli('gan-train', ['specs/ring.yaml', '--steps', '3', '--batch', '16', '--out', out]);
  assert.equal(trained.status, 0, trained.stderr);
  assert.match(trained.stdout, /backend: wasm/);
  assert.match(trained.stdout, /step 3\/3 +D \d/);
  assert.ok(existsSync(join(out, 'samples', 'step-000003.png')));
  const sampled = runCli('gan-sample', [out, '--n', '16', '--out', join(out, 'grid.png')]);
  assert.equal(sampled.status, 0, sampled.stderr);
  assert.ok(existsSync(join(out, 'grid.png')));
});

test('the CLIs answer bad input with exit 1 and exactly their message, never a stack trace', () => {
  // stderr whole: a crash would print an "internal error" line (or a stack) instead.
  const cases: [string, string[], string][] = [
    [
      'gan-train',
      ['specs/no-such-spec.yaml'],
      'specs/no-such-spec.yaml:1:1 error GS001: cannot read spec file specs/no-such-spec.yaml\n' +
        'gan-train: specs/no-such-spec.yaml has 1 error(s); nothing was trained\n',
    ],
    ['gan-train', ['specs/ring.yaml', '--steps', '0'], 'gan-train: --steps must be a positive integer, got 0\n'],
    ['gan-train', ['specs/ring.yaml', '--backend', 'tpu'], "gan-train: unknown backend 'tpu' (valid backends: node-gpu, node, webgpu, wasm, cpu)\n"],
    ['gan-sample', ['no/such/run'], 'gan-sample: no/such/run is not a run directory or a checkpoint of one (no run.json found)\n'],
  ];
  for (const [cli, args, stderr] of cases) {
    const r = runCli(cli, args);
    assert.equal(r.stderr, stderr, `${cli} ${args.join(' ')}`);
    assert.equal(r.status, 1, `${cli} ${args.join(' ')}`);
  }
});

test('a fresh run refuses a directory that already holds one, keeping its log', async () => {
  await useBackend('wasm');
  const trainer = await generatedTrainer('ring');
  const runDir = tempDir('twice');
  await train(trainer, { ...quiet, runDir, dataDir: 'specs', steps: 2, batch: 8 });
  const log = readFileSync(join(runDir, 'losses.jsonl'), 'utf8');
  await assert.rejects(train(trainer, { ...quiet, runDir, dataDir: 'specs', steps: 2, batch: 8 }), (err: unknown) => err instanceof UserError && /already holds a run: continue it with --resume/.test(err.message));
  assert.equal(readFileSync(join(runDir, 'losses.jsonl'), 'utf8'), log);
});

// Bad input at training time gets a one-line UserError and loses nothing already written: a NaN
// loss, a missing dataset, a corrupt checkpoint; and the CLIs exit 1 without a stack trace.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../runtime/errors';
import { train } from '../runtime/loop/train';
import { compiledTrainer, generatedTrainer, runCli, tempDir, useBackend } from './helpers';

const quiet = { log: () => {} };

test('a NaN loss stops the run with the phase and step, keeping the last checkpoint', async () => {
  await useBackend('wasm');
  const dir = tempDir('nan');
  // The generator's loss turns NaN as soon as D gives anything below 100.
  const trainer = await compiledTrainer('specs/ring.yaml', ['losses.G=mean(sqrt(D(G(z)) - 100))', 'checkpoint.every=1'], dir);
  const runDir = join(dir, 'run');
  await assert.rejects(
    train(trainer, { ...quiet, runDir, dataDir: 'specs', steps: 3, batch: 8 }),
    (err: unknown) => err instanceof UserError && /phase G gave a NaN loss at step 1/.test(err.message) && !err.message.includes('\n'),
  );
  assert.equal(existsSync(join(runDir, 'checkpoints', 'step-000001')), false, 'nothing is saved from the NaN step');
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

test('the CLIs answer bad input with one line and exit 1, never a stack trace', () => {
  const cases = [
    runCli('gan-train', ['specs/no-such-spec.yaml']),
    runCli('gan-train', ['specs/ring.yaml', '--steps', '0']),
    runCli('gan-train', ['specs/ring.yaml', '--backend', 'tpu']),
    runCli('gan-sample', ['no/such/run']),
  ];
  for (const r of cases) {
    assert.equal(r.status, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.ok(r.stderr.trim().length > 0);
  }
  assert.match(cases[0].stderr, /cannot read spec file specs\/no-such-spec.yaml/);
  assert.match(cases[2].stderr, /tpu/);
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

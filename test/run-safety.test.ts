// A run is never lost: gan-train writes nothing before every check has passed, treats any run
// file as a run, trims torn or later records of losses.jsonl/metrics.jsonl on resume, locks its
// run directory, records its overrides and module hash in run.json and compares them on --resume,
// answers file-system mistakes with one line, resumes from an earlier checkpoint, and gan-sample/
// gan-eval load a checkpoint without its optimizer state. gan-train runs in this process (cli/
// train.ts main with its arguments) on ring.yaml at batch 8, except where a real process is needed.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { before, test } from 'node:test';
import { main } from '../cli/train';
import { loadCheckpoint } from '../runtime/checkpoint';
import { UserError } from '../runtime/errors';
import { appendRecord } from '../runtime/loop/jsonl';
import { buildNetworks } from '../runtime/loop/train';
import { phaseRunners } from '../runtime/loop/phase';
import { acquireRunLock, LOCK_FILE } from '../runtime/run-lock';
import { importTrainer } from '../runtime/trainer-module';
import { runCli, tempDir, useBackend } from './helpers';

const SPEC = 'specs/ring.yaml';
const SMALL_G = 'networks.G.layers.0.dense.units=64';
const common = ['--batch', '8', '--backend', 'wasm'];
const root = tempDir('safety');
const base = join(root, 'base');

/** gan-train in this process; its printed lines are returned. */
async function gan(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  await main(args, (line) => lines.push(line));
  return lines;
}

/** Rejects with a one-line UserError whose message is `expected` (a string: exactly; a RegExp: matching). */
async function refused(args: string[], expected: string | RegExp): Promise<void> {
  await assert.rejects(gan(args), (err: unknown) => {
    assert.ok(err instanceof UserError, `a UserError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), err.message);
    if (typeof expected === 'string') assert.equal(err.message, expected);
    else assert.match(err.message, expected);
    return true;
  });
}

/** A copy of the base run (4 steps, checkpoints at 2 and 4, G's first layer 64 wide), next to it. */
function copyRun(name: string): string {
  const dir = join(root, name);
  cpSync(base, dir, { recursive: true });
  return dir;
}

const read = (file: string) => readFileSync(file, 'utf8');
/** The steps of a log's records (its provenance headers, test/provenance.test.ts, left out). */
const steps = (file: string) => read(file).trim().split('\n').map((l) => JSON.parse(l) as { step?: number }).filter((r) => !('provenance' in r)).map((r) => r.step);
const runJson = (dir: string) => JSON.parse(read(join(dir, 'run.json'))) as Record<string, unknown>;

before(async () => {
  await useBackend('wasm');
  await gan([SPEC, '--steps', '4', ...common, '--out', base, '--set', 'checkpoint.every=2', '--set', SMALL_G]);
});

test('a refused gan-train leaves run.json and the module as they were, and the checkpoints still load', async () => {
  const dir = copyRun('refused');
  const kept = [read(join(dir, 'run.json')), read(join(dir, 'ring.mts'))];
  await refused([SPEC, '--steps', '4', ...common, '--out', dir], /already holds a run: continue it with --resume/);
  await refused([SPEC, '--steps', '6', ...common, '--out', dir, '--resume'], /^--resume: the spec changes network G, /);
  assert.deepEqual([read(join(dir, 'run.json')), read(join(dir, 'ring.mts'))], kept);
  assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'the lock is released');
  const trainer = await importTrainer(join(dir, 'ring.mts'));
  const loaded = await loadCheckpoint(dir, buildNetworks(trainer));
  assert.equal(loaded.step, 4);
});

test('a directory holding any run file is a run: a fresh gan-train refuses it, naming what is there', async () => {
  const dir = copyRun('no-latest');
  rmSync(join(dir, 'checkpoints', 'latest'));
  const log = read(join(dir, 'losses.jsonl'));
  await refused(
    [SPEC, '--steps', '2', ...common, '--out', dir],
    `${dir} already holds a run: continue it with --resume, or train into another --out directory (found run.json, ring.mts, losses.jsonl, checkpoints/, samples/)`,
  );
  assert.equal(read(join(dir, 'losses.jsonl')), log);
  const only = join(root, 'only-log');
  mkdirSync(only);
  writeFileSync(join(only, 'metrics.jsonl'), '{"step":2}\n');
  await refused([SPEC, '--steps', '2', ...common, '--out', only], `${only} holds a run that stopped before its first checkpoint, so nothing can continue it: train into another --out directory, or remove ${only} (found metrics.jsonl)`);
  // An empty directory is no run.
  const empty = join(root, 'empty');
  mkdirSync(empty);
  await gan([SPEC, '--steps', '1', ...common, '--out', empty]);
  assert.deepEqual(steps(join(empty, 'losses.jsonl')), [1]);
});

test('a run that stopped before its first checkpoint (a NaN at step 1) is one neither a fresh run nor --resume takes, and each says so', async () => {
  const dir = copyRun('no-checkpoint');
  rmSync(join(dir, 'checkpoints'), { recursive: true });
  const nothing = `stopped before its first checkpoint, so nothing can continue it: train into another --out directory, or remove ${dir}`;
  await refused([SPEC, '--steps', '2', ...common, '--out', dir], `${dir} holds a run that ${nothing} (found run.json, ring.mts, losses.jsonl, samples/)`);
  await refused([SPEC, '--steps', '6', ...common, '--out', dir, '--resume'], `--resume: the run in ${dir} ${nothing}`);
});

test('a torn last line of losses.jsonl and metrics.jsonl is reported and trimmed on resume', async () => {
  const dir = copyRun('torn');
  appendFileSync(join(dir, 'losses.jsonl'), '{"step":5');
  writeFileSync(join(dir, 'metrics.jsonl'), '{"step":2,"n":10}\n{"step":4,"n":10}\n{"step":6,"fid');
  const lines = await gan([SPEC, '--steps', '6', ...common, '--out', dir, '--resume', '--set', SMALL_G, '--set', 'checkpoint.every=2']);
  assert.ok(lines.includes('losses.jsonl: dropped a torn last line (9 bytes)'), lines.join('\n'));
  assert.ok(lines.includes('metrics.jsonl: dropped a torn last line (14 bytes)'), lines.join('\n'));
  assert.deepEqual(steps(join(dir, 'losses.jsonl')), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(steps(join(dir, 'metrics.jsonl')), [2, 4]);
});

test('--resume-from resumes at an earlier checkpoint when the latest is damaged, dropping the later records', async () => {
  const dir = copyRun('earlier');
  const weights = join(dir, 'checkpoints', 'step-000004', 'G', 'weights.bin');
  const bytes = readFileSync(weights);
  bytes[10] ^= 0xff;
  writeFileSync(weights, bytes);
  writeFileSync(join(dir, 'metrics.jsonl'), '{"step":2,"n":10}\n{"step":4,"n":10}\n');
  const args = [SPEC, '--steps', '6', ...common, '--out', dir, '--set', SMALL_G, '--set', 'checkpoint.every=2'];
  await refused([...args, '--resume'], /^corrupt checkpoint file .*step-000004\/G\/weights\.bin: checksum mismatch$/);
  const lines = await gan([...args, '--resume-from', 'checkpoints/step-000002']);
  assert.ok(lines.includes(`resumed from ${join(dir, 'checkpoints', 'step-000002')} at step 2`), lines.join('\n'));
  assert.ok(lines.includes('losses.jsonl: dropped 2 records after step 2'), lines.join('\n'));
  assert.ok(lines.includes('metrics.jsonl: dropped 1 record after step 2'), lines.join('\n'));
  assert.deepEqual(steps(join(dir, 'losses.jsonl')), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(steps(join(dir, 'metrics.jsonl')), [2]);
  await refused([...args, '--resume-from', join(base, 'checkpoints', 'step-000002')], `--resume-from: ${join(base, 'checkpoints', 'step-000002')} is not a checkpoint of ${dir}`);
});

test('the run directory is locked: a second gan-train is refused naming the pid, a dead one is taken over', async () => {
  const dir = join(root, 'locked');
  mkdirSync(dir);
  const lock = acquireRunLock(dir);
  const info = JSON.parse(read(join(dir, LOCK_FILE))) as { pid: number; hostname: string; started: string };
  assert.deepEqual([info.pid, info.hostname], [process.pid, hostname()]);
  assert.throws(() => acquireRunLock(dir), (err: unknown) => err instanceof UserError &&
    err.message === `${dir} is in use by gan-train pid ${process.pid} (started ${info.started}): wait for it to finish, or train into another --out directory`);
  const copy = copyRun('locked-run');
  const other = acquireRunLock(copy);
  await refused([SPEC, '--steps', '6', ...common, '--out', copy, '--resume'], new RegExp(`^${copy} is in use by gan-train pid ${process.pid} \\(started `));
  other.release();
  lock.release();
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);

  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, hostname: hostname(), started: '2026-01-01T00:00:00.000Z' }));
  const notes: string[] = [];
  const taken = acquireRunLock(dir, (line) => notes.push(line));
  assert.deepEqual(notes, [`took over the lock of pid ${dead} (started 2026-01-01T00:00:00.000Z), which is no longer running`]);
  assert.equal((JSON.parse(read(join(dir, LOCK_FILE))) as { pid: number }).pid, process.pid);
  taken.release();
});

test('a lock shared with a trainer process is held while either runs: refused naming the trainer once gan-train is gone, taken over once both are', async () => {
  const dir = join(root, 'shared-lock');
  mkdirSync(dir);
  const lock = acquireRunLock(dir);
  const trainer = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  lock.shareWith(trainer.pid!);
  const info = JSON.parse(read(join(dir, LOCK_FILE))) as { pid: number; started: string; trainer: number };
  assert.deepEqual([info.pid, info.trainer], [process.pid, trainer.pid]);
  // As gan-train killed with SIGKILL leaves it: its own pid dead, its trainer still stopping.
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ ...info, pid: dead }));
  try {
    assert.throws(() => acquireRunLock(dir), (err: unknown) => err instanceof UserError &&
      err.message === `${dir} is in use by pid ${trainer.pid}, which trains for gan-train pid ${dead} (started ${info.started}, no longer running): it stops after its step; try again in a moment`);
  } finally {
    trainer.kill('SIGKILL');
  }
  await new Promise((done) => {
    trainer.on('exit', done);
  });
  const notes: string[] = [];
  acquireRunLock(dir, (line) => notes.push(line)).release();
  assert.deepEqual(notes, [`took over the lock of pid ${dead} (started ${info.started}), which is no longer running`]);
  lock.release(); // no longer its lock: left alone
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
});

test('gan-train releases its lock when stopped with SIGTERM', async () => {
  const dir = join(root, 'sigterm');
  const child = spawn(process.execPath, ['bin/gan-train.js', SPEC, '--steps', '100000', ...common, '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((done) => {
    child.on('exit', (code) => done(code));
  });
  try {
    await new Promise<void>((started, failed) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('training ring')) started();
      });
      child.on('exit', () => failed(new Error(`gan-train ended before training: ${out}`)));
    });
    assert.ok(existsSync(join(dir, LOCK_FILE)), 'locked while training');
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
  } finally {
    child.kill('SIGKILL');
  }
  assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'the lock is released');
});

test('run.json records the overrides and the module hash; --resume refuses a batch, seed or learning rate change unless --allow-changes', async () => {
  const dir = copyRun('changes');
  const info = runJson(dir);
  assert.deepEqual(info.overrides, { set: ['checkpoint.every=2', SMALL_G], batch: 8, steps: 4, seed: 0, backend: 'wasm' });
  assert.equal(info.moduleSha256, createHash('sha256').update(read(join(dir, 'ring.mts'))).digest('hex'));
  const same = ['--out', dir, '--set', 'checkpoint.every=2', '--set', SMALL_G, '--backend', 'wasm', '--resume'];
  const kept = read(join(dir, 'run.json'));
  const lr = 'schedule.phases.0.optimizer.adam.lr=0.002';
  await refused([SPEC, '--steps', '6', '--batch', '8', ...same, '--set', lr],
    "--resume: the spec differs from the checkpoint's (phase D adam.lr: 0.001 -> 0.002); give --allow-changes to resume anyway");
  await refused([SPEC, '--steps', '6', '--batch', '16', '--seed', '5', ...same],
    "--resume: --batch 16 differs from the run's 8; --seed 5 differs from the run's 0; give --allow-changes to resume anyway");
  assert.equal(read(join(dir, 'run.json')), kept);
  // --steps may grow, also through the spec.
  await gan([SPEC, '--batch', '8', ...same, '--set', 'schedule.steps=5']);
  await gan([SPEC, '--steps', '6', '--batch', '8', ...same, '--set', lr, '--allow-changes']);
  const after = runJson(dir);
  assert.deepEqual((after.resumes as { step: number; steps: number; changes: string[] }[]).map(({ step, steps, changes }) => ({ step, steps, changes })), [
    { step: 4, steps: 5, changes: ['schedule steps: 2000 -> 5'] },
    { step: 5, steps: 6, changes: ['schedule steps: 5 -> 2000', 'phase D adam.lr: 0.001 -> 0.002'] },
  ]);
  assert.deepEqual((after.overrides as { set: string[] }).set, ['checkpoint.every=2', SMALL_G, lr]);
  assert.equal(after.moduleSha256, createHash('sha256').update(read(join(dir, 'ring.mts'))).digest('hex'));
  assert.match(read(join(dir, 'ring.mts')), /\blr: 0.002\b/);
  assert.deepEqual(steps(join(dir, 'losses.jsonl')), [1, 2, 3, 4, 5, 6]);
});

test('--resume takes the same spec from another folder (its module names another path, nothing else differs); a module this compiler writes otherwise needs --allow-changes', async () => {
  const dir = copyRun('moved');
  const moved = join(root, 'elsewhere', 'ring.yaml');
  mkdirSync(dirname(moved));
  cpSync(SPEC, moved);
  const same = ['--batch', '8', '--backend', 'wasm', '--out', dir, '--set', 'checkpoint.every=2', '--set', SMALL_G, '--resume'];
  const lines = await gan([moved, '--steps', '5', ...same]);
  assert.ok(lines.includes(`resumed from ${join(dir, 'checkpoints', 'step-000004')} at step 4`), lines.join('\n'));
  assert.deepEqual((runJson(dir).resumes as { changes: string[] }[]).map((r) => r.changes), [[]]);
  assert.match(read(join(dir, 'ring.mts')), /^\/\/ @generated by gan-compile from \S*\/elsewhere\/ring\.yaml: do not edit\.$/m);

  // The module the run holds as an older compiler could have written it (run.json's hash its own).
  const older = read(join(dir, 'ring.mts')).replace('export const hyperparameters', '// (an older compiler)\nexport const hyperparameters');
  writeFileSync(join(dir, 'ring.mts'), older);
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...runJson(dir), moduleSha256: createHash('sha256').update(older).digest('hex') }));
  await refused([SPEC, '--steps', '6', ...same],
    "--resume: the spec is the checkpoint's, but it compiles to another module than the run's (this ganspec's compiler writes another); give --allow-changes to resume anyway");
  await gan([SPEC, '--steps', '6', ...same, '--allow-changes']);
  assert.deepEqual((runJson(dir).resumes as { changes: string[] }[]).map((r) => r.changes), [[], ["the compiler's output"]]);
});

test('file-system mistakes are one-line errors: --out a file, under a file, a too long name, a disk full, not a spec', async () => {
  const file = join(root, 'a-file');
  writeFileSync(file, 'keep me\n');
  await refused([SPEC, '--steps', '1', ...common, '--out', file], `--out ${file} is a file, not a directory`);
  await refused([SPEC, '--steps', '1', ...common, '--out', join(file, 'run')], `cannot create the run directory ${join(file, 'run')}: a part of the path is not a directory (ENOTDIR)`);
  assert.equal(read(file), 'keep me\n');
  const long = join(root, 'x'.repeat(300));
  await refused([SPEC, '--steps', '1', ...common, '--out', long], `cannot create the run directory ${long}: a name in the path is too long for the file system (ENAMETOOLONG)`);
  await refused(['README.md', ...common], 'README.md is neither a spec (.yaml, .yml, .json) nor a trainer module (.ts, .mts, .js, .mjs)');
  const notModule = join(root, 'notes.mts');
  writeFileSync(notModule, 'these are notes, not a module\n');
  await refused([notModule, ...common], new RegExp(`^${notModule} is not a trainer module generated by gan-compile: `));
  assert.throws(() => appendRecord('/dev/full', { step: 1 }), (err: unknown) => err instanceof UserError &&
    err.message === 'cannot write /dev/full: no space left on the device (ENOSPC)');
});

test('gan-sample reads a checkpoint whose optimizer state is corrupt, which loading it with the optimizers (--resume) refuses', async () => {
  const dir = copyRun('bad-optimizer');
  writeFileSync(join(dir, 'checkpoints', 'step-000004', 'optimizers.json'), '{"optim');
  const trainer = await importTrainer(join(dir, 'ring.mts'));
  const nets = buildNetworks(trainer);
  const optimizers = Object.fromEntries(phaseRunners(trainer, nets).map((p) => [p.phase.name, p.optimizer]));
  await assert.rejects(loadCheckpoint(dir, nets, optimizers), (err: unknown) => err instanceof UserError && /optimizers\.json: not valid JSON$/.test(err.message));
  const sampled = runCli('gan-sample', [dir, '--n', '16', '--out', join(dir, 'grid.png')]);
  assert.equal(sampled.status, 0, sampled.stderr);
  assert.ok(existsSync(join(dir, 'grid.png')));
});

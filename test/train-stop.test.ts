// A Ctrl-C (SIGINT) or kill (SIGTERM) while gan-train trains: it stops after the step in progress
// with that step's checkpoint, grid and losses, byte for byte those of a run asked for exactly
// that many steps, logs a 'stopped' event (the report's status says so), prints one line and
// exits 130 or 143; --resume continues from there. A second signal stops it at once. The same on
// the torch target, alone and under torchrun (every rank stops after the same step). Asked before
// a fresh run's first step, the loop trains none and saves step 0 (on the torch target, a Ctrl-C
// while Python or torchrun is still loading torch too); asked while a step's grid is written, it
// still ends on a saved step. Imports the runtime's loop, the report reader and test helpers.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { readRun } from '../report/run-files';
import { summarize } from '../report/run-summary';
import { train } from '../runtime/loop/train';
import { LOCK_FILE } from '../runtime/run-lock';
import { compiledTrainer, finished, runCli, tempDir, untimedState, useBackend, type Run } from './helpers';
import { pythonEnv, runPython, torchTest } from './torch-runtime';

const CPU = { GANSPEC_BACKEND: 'cpu', OMP_NUM_THREADS: '1' };
const STEPS = 100_000;
/** ganspec_torch's stop.py SAME_STOP_S: a signal within it of the first is the same request. */
const SAME_STOP_MS = 500;
/** A step as run files name it (step-000123). */
const padded = (step: number) => String(step).padStart(6, '0');
/** The records of a run's events.jsonl, in order. */
const runEvents = (runDir: string) =>
  readFileSync(join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; step: number; reason?: string });

/** Whether `signal` is in one of process `pid`'s signal sets (Linux's /proc/<pid>/status, for its
 *  main thread: SigPnd/ShdPnd pending, SigBlk blocked, SigCgt caught; false once it is gone). */
function inSignalSet(pid: number, sets: string[], signal: NodeJS.Signals): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return false;
  }
  const bit = 1n << BigInt(constants.signals[signal] - 1);
  return sets.some((set) => (BigInt(`0x${status.match(new RegExp(`^${set}:\\s*([0-9a-f]+)$`, 'm'))![1]}`) & bit) !== 0n);
}

/** Whether `signal` is still pending for process `pid`: sent but not yet delivered to any of its threads. */
const pending = (pid: number, signal: NodeJS.Signals) => inSignalSet(pid, ['SigPnd', 'ShdPnd'], signal);

/** Runs gan-train and, once it prints its first progress line (training has begun), sends it
 *  `signals`, each once the one before has been delivered: the same signal sent again while it is
 *  still pending is one signal (which a loaded machine's 10 ms gap did not always prevent). */
function stopped(args: string[], signals: NodeJS.Signals[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join('bin', 'gan-train.js'), ...args], { env: { ...process.env, ...CPU } });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const send = async () => {
      for (const [i, signal] of signals.entries()) {
        while (i > 0 && pending(child.pid!, signals[i - 1]!)) await delay(1);
        child.kill(signal);
      }
    };
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      if (!sent && /^step \d+\//m.test(stdout)) {
        sent = true;
        void send();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (status) => {
      clearTimeout(guard);
      done({ status, stdout, stderr });
    });
  });
}

/** The step of gan-train's last line, checked to be exactly the stop's line for `signal`. */
function stopStep(r: Run, runDir: string, signal: NodeJS.Signals): number {
  assert.equal(r.status, signal === 'SIGINT' ? 130 : 143, r.stderr);
  assert.match(r.stdout, new RegExp(`^${signal}: stopping after this step, with its checkpoint \\(send it again to stop at once\\)$`, 'm'));
  const last = r.stdout.trimEnd().split('\n').pop()!;
  const m = new RegExp(`^stopped by ${signal} at step (\\d+) of ${STEPS}; checkpoint (.+): continue with --resume$`).exec(last);
  assert.ok(m, `last line: ${last}`);
  const step = Number(m[1]);
  assert.equal(m[2], join(runDir, 'checkpoints', `step-${padded(step)}`));
  return step;
}

/** The run ended after `step`: checkpoint, losses and events say so, and the lock is gone. */
function assertStoppedAt(runDir: string, step: number, signal: NodeJS.Signals): void {
  assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'checkpoints', 'latest'), 'utf8')), { checkpoint: `step-${padded(step)}`, step });
  const records = readFileSync(join(runDir, 'losses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step?: number }).filter((r) => r.step !== undefined);
  assert.deepEqual([records[0]!.step, records.at(-1)!.step, records.length], [1, step, step]);
  const events = runEvents(runDir);
  assert.deepEqual(events.slice(-2).map((e) => [e.event, e.step, e.reason]), [['checkpoint', step, undefined], ['stopped', step, signal]]);
  assert.equal(existsSync(join(runDir, LOCK_FILE)), false, 'the lock was released');
}

/** Files of a stopped run and of an uninterrupted run to the same step, byte for byte; a
 *  checkpoint's state.json value for value but its training seconds (a wall time). */
function assertSameFiles(stoppedRun: string, straightRun: string, step: number, files: string[]): void {
  for (const file of [...files.map((f) => f.replace('STEP', padded(step))), 'losses.jsonl']) {
    const [a, b] = [readFileSync(join(stoppedRun, file)), readFileSync(join(straightRun, file))];
    if (file.endsWith('state.json')) assert.deepEqual(untimedState(a), untimedState(b), `${file} differs from the uninterrupted run's`);
    else assert.ok(a.equals(b), `${file} differs from the uninterrupted run's`);
  }
}

const TFJS_FILES = ['checkpoints/step-STEP/G/weights.bin', 'checkpoints/step-STEP/D/weights.bin', 'checkpoints/step-STEP/optimizers.bin', 'checkpoints/step-STEP/state.json', 'samples/step-STEP.png'];

test('gan-train stopped by SIGINT mid-run saves the step in progress (checkpoint, grid, losses equal to a run of that many steps, byte for byte), exits 130 with one line, and resumes from it', { timeout: 120_000 }, async () => {
  const dir = tempDir('stop');
  const runDir = join(dir, 'stopped');
  const args = ['specs/ring.yaml', '--batch', '8', '--seed', '3', '--no-report'];
  const r = await stopped([...args, '--steps', String(STEPS), '--out', runDir], ['SIGINT']);
  const step = stopStep(r, runDir, 'SIGINT');
  assertStoppedAt(runDir, step, 'SIGINT');
  assert.equal(summarize(readRun(runDir)).status, `stopped by SIGINT at step ${step} of ${STEPS}`);

  const straight = join(dir, 'straight');
  const whole = runCli('gan-train', [...args, '--steps', String(step), '--out', straight], CPU);
  assert.equal(whole.status, 0, whole.stderr);
  assertSameFiles(runDir, straight, step, TFJS_FILES);

  const resumed = runCli('gan-train', [...args, '--steps', String(step + 2), '--out', runDir, '--resume'], CPU);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`^resumed from .*step-${padded(step)} at step ${step}$`, 'm'));
});

test('a second SIGTERM stops gan-train at once: exit 143, no checkpoint written, the lock released', { timeout: 120_000 }, async () => {
  const runDir = join(tempDir('stop-twice'), 'run');
  // At batch 4096 a step takes 2 s or more, so both signals land in one step (at batch 8, 20 ms, the
  // first one's step and checkpoint could end before the second came).
  const r = await stopped(['specs/ring.yaml', '--batch', '4096', '--steps', String(STEPS), '--set', 'checkpoint.every=100000', '--no-report', '--out', runDir], ['SIGTERM', 'SIGTERM']);
  assert.equal(r.status, 143, r.stderr);
  assert.match(r.stdout, /^SIGTERM: stopping after this step/m);
  assert.doesNotMatch(r.stdout, /stopped by/);
  assert.equal(existsSync(join(runDir, 'checkpoints', 'latest')), false);
  assert.equal(existsSync(join(runDir, LOCK_FILE)), false);
});

test('train() asked to stop before a fresh run\'s first step trains none and saves step 0 (checkpoint and grid of the untrained networks); resumed from it, the run trains as an uninterrupted one', async () => {
  await useBackend('cpu');
  const dir = tempDir('stop-first');
  const trainer = await compiledTrainer('specs/ring.yaml', [], dir);
  const stop = new AbortController();
  stop.abort('SIGINT');
  const starts: string[] = [];
  const beforeSteps = (step: number, _nets: unknown, resumed: boolean) => void starts.push(`step ${step}${resumed ? ', resumed' : ''}`);
  const opts = { dataDir: 'specs', steps: 5, batch: 8, seed: 3, log: () => {}, beforeSteps };
  const runDir = join(dir, 'run');
  const result = await train(trainer, { ...opts, runDir, stop: stop.signal });
  assert.deepEqual([result.step, result.checkpoint, result.stopped], [0, join(runDir, 'checkpoints', 'step-000000'), 'SIGINT']);
  assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'checkpoints', 'latest'), 'utf8')), { checkpoint: 'step-000000', step: 0 });
  assert.ok(existsSync(join(runDir, 'samples', 'step-000000.png')));
  assert.deepEqual(runEvents(runDir).map((e) => `${e.event} ${e.step}`), ['start 0', 'checkpoint 0', 'stopped 0']);

  const resumed = await train(trainer, { ...opts, runDir, resume: true });
  const straight = join(dir, 'straight');
  await train(trainer, { ...opts, runDir: straight });
  assert.equal(resumed.step, 5);
  assertSameFiles(runDir, straight, 5, TFJS_FILES);
  assert.deepEqual(starts, ['step 0', 'step 0, resumed', 'step 0'], 'the hook is told that the second session resumed');
});

test('train() asked to stop while a step writes its grid (after that step read the stop) still ends on a saved step: the step it returns has its checkpoint', async () => {
  await useBackend('cpu');
  const dir = tempDir('stop-late');
  const trainer = await compiledTrainer('specs/ring.yaml', ['preview.every=1', 'checkpoint.every=100'], dir);
  const stop = new AbortController();
  // Step 2's hook queues the abort two turns of the event loop ahead: the loop's own turn after
  // the hook comes first, then step 2's grid is written (on sharp's threads), and the abort
  // lands while it is.
  const abortLater = (step: number) => {
    if (step === 2) setImmediate(() => setImmediate(() => stop.abort('SIGINT')));
  };
  const runDir = join(dir, 'run');
  const result = await train(trainer, { runDir, dataDir: 'specs', steps: 50, batch: 8, log: () => {}, afterStep: abortLater, stop: stop.signal });
  assert.equal(result.stopped, 'SIGINT');
  assert.ok(result.step >= 2 && result.step < 50, `stopped at step ${result.step}`);
  assert.equal(result.checkpoint, join(runDir, 'checkpoints', `step-${padded(result.step)}`));
  assert.ok(existsSync(join(result.checkpoint, 'G', 'weights.bin')), `${result.checkpoint} has G's weights`);
  const events = runEvents(runDir);
  assert.deepEqual(events.slice(-2).map((e) => `${e.event} ${e.step}`), [`checkpoint ${result.step}`, `stopped ${result.step}`]);
});

const RING = 'test/fixtures/torch/tiny-ring.yaml';

torchTest('gan-train --target torch stopped by SIGINT saves the step in progress (weights, grid, losses equal to a run of that many steps, byte for byte) and exits 130 with one line', async () => {
  const dir = tempDir('stop-torch');
  const runDir = join(dir, 'stopped');
  const args = [RING, '--target', 'torch', '--no-report'];
  const step = stopStep(await stopped([...args, '--steps', String(STEPS), '--out', runDir], ['SIGINT']), runDir, 'SIGINT');
  assertStoppedAt(runDir, step, 'SIGINT');
  const straight = join(dir, 'straight');
  const whole = runCli('gan-train', [...args, '--steps', String(step), '--out', straight], CPU);
  assert.equal(whole.status, 0, whole.stderr);
  assertSameFiles(runDir, straight, step, ['checkpoints/step-STEP/G/weights.bin', 'checkpoints/step-STEP/D/weights.bin', 'samples/step-STEP.png']);
});

torchTest('gan-train --target torch --nproc 2 (torchrun) stopped by SIGTERM: the run stops after a step, which is saved, and exits 143', async () => {
  const runDir = join(tempDir('stop-torchrun'), 'run');
  const r = await stopped([RING, '--target', 'torch', '--nproc', '2', '--no-report', '--steps', String(STEPS), '--out', runDir], ['SIGTERM']);
  const step = stopStep(r, runDir, 'SIGTERM');
  assertStoppedAt(runDir, step, 'SIGTERM');
  assert.ok(existsSync(join(runDir, 'samples', `step-${padded(step)}.png`)));
});

/** Whether process `pid` runs `module` (its command line names it: after exec, not before). */
function running(pid: number, module: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(module);
  } catch {
    return false; // gone
  }
}

/** The pid of process `parent`'s child running `module`, if any. */
function childRunning(parent: number, module: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || !running(Number(entry), module)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) return Number(entry);
  }
  return undefined;
}

/** Waits (60 s at most, polling) for `check` to return something; fails saying `never` if it does not. */
async function until<T>(check: () => T | undefined, never: string): Promise<T> {
  for (let waited = 0; waited < 60_000; waited += 2) {
    const found = check();
    if (found !== undefined) return found;
    await delay(2);
  }
  throw new Error(never);
}

/** Waits for `find` to return a process whose signal sets `sets` hold SIGTERM. */
const withSignal = (find: () => number | undefined, sets: string[], never: string) =>
  until(() => {
    const pid = find();
    return pid !== undefined && inSignalSet(pid, sets, 'SIGTERM') ? pid : undefined;
  }, never);

/** Waits for `find` to return a process that catches SIGTERM (ganspec_torch's stop is in place). */
const stopInPlace = (find: () => number | undefined) => withSignal(find, ['SigCgt'], 'ganspec_torch never put its stop in place');

/** Starts gan-train in its own process group, as a terminal's foreground job, and sends the group
 *  `signal` (SIGINT: a Ctrl-C; it reaches gan-train and Python) once `when` resolves; the run. */
async function ctrlC(args: string[], when: (child: ChildProcessWithoutNullStreams) => Promise<void>, env: Record<string, string> = CPU, signal: NodeJS.Signals = 'SIGINT'): Promise<Run> {
  const child = spawn(process.execPath, [join('bin', 'gan-train.js'), ...args], { env: { ...process.env, ...env }, detached: true });
  const done = finished(child);
  await when(child);
  process.kill(-child.pid!, signal);
  return done;
}

/** ctrlC once Python, whose command line names `module`, has put its stop in place; whether torch
 *  had loaded in it by then, and the run. */
async function ctrlCAtStart(args: string[], module: string): Promise<{ torchLoaded: boolean; r: Run }> {
  let torchLoaded = true;
  const r = await ctrlC(args, async (child) => {
    const python = await stopInPlace(() => childRunning(child.pid!, module));
    torchLoaded = readFileSync(`/proc/${python}/maps`, 'utf8').includes('libtorch');
  });
  return { torchLoaded, r };
}

/** A run stopped before its first step: gan-train's last line, events, checkpoint and grid of step 0. */
function assertStep0(r: Run, runDir: string, signal: NodeJS.Signals = 'SIGINT'): void {
  assert.equal(r.stderr, '');
  assert.equal(stopStep(r, runDir, signal), 0);
  assert.deepEqual(runEvents(runDir).map((e) => `${e.event} ${e.step}`), ['start 0', 'checkpoint 0', 'stopped 0']);
  assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'checkpoints', 'latest'), 'utf8')), { checkpoint: 'step-000000', step: 0 });
  assert.ok(existsSync(join(runDir, 'samples', 'step-000000.png')));
}

test('gan-train: a Ctrl-C to its process group as it says "training" (its networks built and its data loaded next) saves step 0 and exits 130 with one line', { timeout: 120_000 }, async () => {
  const runDir = join(tempDir('stop-start'), 'run');
  const r = await ctrlC(['specs/dcgan.yaml', '--backend', 'wasm', '--batch', '8', '--no-report', '--steps', String(STEPS), '--out', runDir], (child) =>
    new Promise((said) => {
      let stdout = '';
      child.stdout.on('data', (s: string) => {
        stdout += s;
        if (/^training /m.test(stdout)) said();
      });
    }));
  assertStep0(r, runDir);
});

torchTest('gan-train --target torch: a Ctrl-C to its process group while Python starts (before torch has loaded) saves step 0 and exits 130 with one line; --resume then trains as an uninterrupted run, byte for byte', async () => {
  const dir = tempDir('stop-torch-start');
  const runDir = join(dir, 'run');
  const args = [RING, '--target', 'torch', '--no-report'];
  const { torchLoaded, r } = await ctrlCAtStart([...args, '--steps', String(STEPS), '--out', runDir], 'ganspec_torch');
  assert.equal(torchLoaded, false, 'the signal came before torch had loaded');
  assertStep0(r, runDir);

  const resumed = runCli('gan-train', [...args, '--steps', '4', '--out', runDir, '--resume'], CPU);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, /^resumed from .*step-000000 at step 0$/m);
  const straight = join(dir, 'straight');
  const whole = runCli('gan-train', [...args, '--steps', '4', '--out', straight], CPU);
  assert.equal(whole.status, 0, whole.stderr);
  assertSameFiles(runDir, straight, 4, ['checkpoints/step-STEP/G/weights.bin', 'checkpoints/step-STEP/D/weights.bin', 'samples/step-STEP.png']);
});

torchTest('gan-train --target torch --nproc 2: a Ctrl-C to its process group while torchrun starts (before torch has loaded there) reaches the workers, which save step 0; exit 130 with one line', async () => {
  const runDir = join(tempDir('stop-torchrun-start'), 'run');
  const { torchLoaded, r } = await ctrlCAtStart([RING, '--target', 'torch', '--nproc', '2', '--no-report', '--steps', String(STEPS), '--out', runDir], 'ganspec_torch.launch');
  assert.equal(torchLoaded, false, 'the signal came before torch had loaded');
  assertStep0(r, runDir);
});

torchTest('gan-train --target torch --nproc 2: a Ctrl-C while torchrun sets up its workers (torch loaded there, the rendezvous under way) reaches them, which save step 0; exit 130 with one line', async () => {
  const runDir = join(tempDir('stop-torchrun-rendezvous'), 'run');
  let torchLoaded = false;
  const r = await ctrlC([RING, '--target', 'torch', '--nproc', '2', '--no-report', '--steps', String(STEPS), '--out', runDir], async (child) => {
    // ganspec_torch.launch holds SIGINT and SIGTERM from its imports to the workers' start.
    const launcher = await withSignal(() => childRunning(child.pid!, 'ganspec_torch.launch'), ['SigBlk'], 'torchrun never held its signals for the rendezvous');
    torchLoaded = readFileSync(`/proc/${launcher}/maps`, 'utf8').includes('libtorch');
  });
  assert.equal(torchLoaded, true, 'the signal came after torch had loaded in torchrun');
  assertStep0(r, runDir);
});

/** A sitecustomize.py (Python runs it as it starts, before any module) that holds gan-train's
 *  Python, or each torchrun worker, in its start for 1.5 s, where ganspec_torch's stop is not in
 *  place yet, after leaving a file `started.<pid>` in `dir`; gan-train's env for it. */
function slowStart(dir: string): Record<string, string> {
  writeFileSync(join(dir, 'sitecustomize.py'), [
    'import os, time',
    "cmd = open('/proc/self/cmdline', 'rb').read().split(b'\\0')",
    "if b'train' in cmd and b'ganspec_torch.launch' not in cmd:",
    `    open(os.path.join(${JSON.stringify(dir)}, f'started.{os.getpid()}'), 'w').close()`,
    '    time.sleep(1.5)',
    '',
  ].join('\n'));
  return { ...CPU, PYTHONPATH: dir };
}

for (const [nproc, signal] of [[1, 'SIGINT'], [2, 'SIGINT'], [1, 'SIGTERM'], [2, 'SIGTERM']] as const) {
  const who = nproc === 1 ? 'Python' : 'both torchrun workers';
  const what = signal === 'SIGINT' ? 'a Ctrl-C' : 'a SIGTERM to the process group';
  torchTest(`gan-train --target torch${nproc > 1 ? ' --nproc 2' : ''}: ${what} while ${who} still start${nproc > 1 ? '' : 's'} (before the stop is in place) is not lost: step 0 saved, exit ${signal === 'SIGINT' ? 130 : 143} with one line`, async () => {
    const dir = tempDir('stop-torch-first-ms');
    const runDir = join(dir, 'run');
    const env = slowStart(dir);
    const r = await ctrlC([RING, '--target', 'torch', '--nproc', String(nproc), '--no-report', '--steps', String(STEPS), '--out', runDir], () =>
      until(() => (readdirSync(dir).filter((f) => f.startsWith('started.')).length === nproc ? true : undefined), `${who} never started`).then(() => {}), env, signal);
    assertStep0(r, runDir, signal);
  });
}

torchTest('gan-train --target torch --eval-every: a Ctrl-C while gan-train scores step 0 (it reads its own signal only afterwards) is one request to Python: step 0 scored and saved, exit 130 with one line', async () => {
  const runDir = join(tempDir('stop-torch-eval'), 'run');
  const r = await ctrlC(['specs/gan.yaml', '--target', 'torch', '--batch', '8', '--no-report', '--steps', String(STEPS), '--out', runDir, '--eval-every', '1000', '--eval-n', '5000'], async (child) => {
    const python = await stopInPlace(() => childRunning(child.pid!, 'ganspec_torch'));
    const args = readFileSync(`/proc/${python}/cmdline`, 'utf8').split('\0');
    const snapshot = join(args[args.indexOf('--eval-dir') + 1]!, 'checkpoints', 'step-000000');
    await until(() => (existsSync(snapshot) ? true : undefined), 'Python never asked for step 0\'s scores');
    await delay(1500); // past gan-train's loading of the evaluator: scoring 5000 samples takes seconds more
  }, { GANSPEC_BACKEND: 'wasm', OMP_NUM_THREADS: '1' });
  assertStep0(r, runDir);
  const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step?: number });
  assert.deepEqual(metrics.filter((m) => m.step !== undefined).map((m) => m.step), [0]);
});

torchTest('ganspec_torch train: --stop-requested (a signal that came before Python started) saves step 0 and exits 143; a second signal while the module loads stops it at once with one line, exit 130, nothing written', async (python) => {
  const dir = tempDir('stop-torch-requested');
  const compiled = runCli('gan-compile', [RING, '--target', 'torch', '--out', dir]);
  assert.equal(compiled.status, 0, compiled.stderr);
  const runDir = join(dir, 'run');
  const first = runPython(python, ['-m', 'ganspec_torch', 'train', join(dir, 'tiny-ring.py'), '--out', runDir, '--steps', '4', '--stop-requested', 'SIGTERM']);
  assert.equal(first.status, 143, first.stderr);
  assert.equal(first.stdout.trim(), `stopped by SIGTERM at step 0 of 4; checkpoint ${join(runDir, 'checkpoints', 'step-000000')}: continue with --resume`);
  assert.deepEqual(runEvents(runDir).map((e) => `${e.event} ${e.step}`), ['start 0', 'checkpoint 0', 'stopped 0']);

  // A module that takes its time to load (in short sleeps: a signal another thread takes is
  // handled within 0.1 s): the first signal lands before torch loads, the second while the module loads.
  const slow = join(dir, 'slow.py');
  const loading = join(dir, 'loading');
  writeFileSync(slow, `import time\nopen(${JSON.stringify(loading)}, "w").close()\nfor _ in range(600):\n    time.sleep(0.1)\n`);
  const child = spawn(python, ['-m', 'ganspec_torch', 'train', slow, '--out', join(dir, 'slow-run'), '--prog', 'gan-train'], { env: pythonEnv() });
  const done = finished(child);
  await stopInPlace(() => (running(child.pid!, 'ganspec_torch') ? child.pid : undefined));
  child.kill('SIGINT');
  const sentAt = Date.now();
  while (!existsSync(loading)) await delay(5);
  await delay(Math.max(0, sentAt + SAME_STOP_MS + 100 - Date.now()));
  child.kill('SIGINT');
  const r = await done;
  assert.equal(r.status, 130, r.stderr);
  assert.equal(r.stderr, 'gan-train: stopped at once by a second signal; what was written is kept\n');
  assert.equal(existsSync(join(dir, 'slow-run')), false);
});

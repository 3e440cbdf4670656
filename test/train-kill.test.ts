// gan-train killed with SIGKILL at seeded random moments (during start-up, while it resumes, or
// while it trains and writes a checkpoint every step), then resumed with --resume until it finishes, ends with the
// same final checkpoint, byte for byte (weights, optimizer state, RNG), and the same losses.jsonl
// as the same run uninterrupted, on the cpu backend. Imports the runtime and test helpers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { specSha256 } from '../cli/run-dir';
import { compileToModule } from '../compiler/index';
import { train } from '../runtime/loop/train';
import { compiledTrainer, tempDir, untimedState, useBackend } from './helpers';

const STEPS = 30;
const SEED = 5;
const FROM = ['checkpoint', 'start', 'checkpoint', 'training', 'checkpoint'] as const;
const KILLS = FROM.length;
const SETTINGS = ['checkpoint.every=1', 'checkpoint.keep=2', 'preview.every=1000'];
const ARGS = ['specs/ring.yaml', '--steps', String(STEPS), '--batch', '8', '--seed', String(SEED), ...SETTINGS.flatMap((s) => ['--set', s])];

/** A small seeded generator (mulberry32) for the kill moments. */
function moments(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Whether the run had printed its `training ...` line (start-up done) when it ended. */
  training: boolean;
}

/** When a kill is due: `ms` after the start, after the `training ...` line (the run then loads
 *  its checkpoint and builds its networks), or after the first checkpoint the run writes. */
type Kill = { from: 'start' | 'training' | 'checkpoint'; ms: number };

/** Runs gan-train on the cpu backend, sending SIGKILL when `kill` says, unless it has exited by then. */
function ganTrain(args: string[], runDir: string, kill?: Kill): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join('bin', 'gan-train.js'), ...args], { env: { ...process.env, GANSPEC_BACKEND: 'cpu' } });
    let stdout = '';
    let stderr = '';
    let training = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => (timer ??= setTimeout(() => child.kill('SIGKILL'), kill!.ms));
    if (kill?.from === 'start') arm();
    const started = latestStep(runDir);
    const poll = kill?.from === 'checkpoint' ? setInterval(() => latestStep(runDir) !== started && arm(), 5) : undefined;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      if (!training && /^training /m.test(stdout)) {
        training = true;
        if (kill?.from === 'training') arm();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // A run that hangs fails the test instead of stalling it.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      clearInterval(poll);
      done({ status, signal, stdout, stderr, training });
    });
  });
}

/** The step `checkpoints/latest` names, or null when there is none. */
function latestStep(runDir: string): number | null {
  const file = join(runDir, 'checkpoints', 'latest');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { step: number }).step : null;
}

/** Every file under `dir`, by path relative to it. */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

test(`gan-train killed ${KILLS} times at seeded moments resumes to the final checkpoint of an uninterrupted run, byte for byte`, { timeout: 240_000 }, async (t) => {
  // The uninterrupted run, in this process: the trainer the CLI compiles, the same options.
  await useBackend('cpu');
  const dir = tempDir('kill');
  const reference = join(dir, 'reference');
  const trainer = await compiledTrainer('specs/ring.yaml', SETTINGS, dir);
  // gan-train records the resolved spec in every checkpoint (spec.json): so does the reference.
  const { values } = compileToModule('specs/ring.yaml', { overrides: SETTINGS, typeCheck: false });
  const spec = { sha256: specSha256(values), values };
  const whole = await train(trainer, { runDir: reference, dataDir: 'specs', steps: STEPS, batch: 8, seed: SEED, log: () => {}, spec });
  assert.equal(whole.step, STEPS);
  // The CLI writes the same checkpoints; a kill after the last one finds the run done.
  const msPerStep = whole.msPerStep;

  const runDir = join(dir, 'killed');
  const random = moments(20251130);
  const log: string[] = [];
  let midTraining = 0;
  for (let k = 0; k < KILLS; k++) {
    const at = latestStep(runDir);
    if (at === STEPS) break;
    // One kill during start-up (compiling, loading the backend), one while the run resumes, the
    // others in the steps left to train, on average a share of them that leaves steps for the
    // kills still to come.
    const from = FROM[k];
    const left = STEPS - (at ?? 0);
    const kill: Kill =
      from === 'start' ? { from, ms: Math.round(200 + random() * 2500) } : from === 'training' ? { from, ms: Math.round(random() * 500) } : { from, ms: Math.round(((random() * 2 * left) / (KILLS - k + 1)) * msPerStep) };
    const r = await ganTrain([...ARGS, '--out', runDir, ...(at === null ? [] : ['--resume'])], runDir, kill);
    const after = latestStep(runDir);
    log.push(`kill ${k + 1}: ${kill.ms} ms after ${kill.from}, checkpoint ${at ?? 'none'} -> ${after ?? 'none'}, ${r.signal ?? `exit ${r.status}`}`);
    if (r.signal === 'SIGKILL') {
      if (after !== null && after !== at && after !== STEPS) midTraining++;
    } else {
      assert.equal(r.status, 0, `${log.at(-1)}\n${r.stderr}`);
    }
  }
  const at = latestStep(runDir);
  if (at !== STEPS) {
    const r = await ganTrain([...ARGS, '--out', runDir, ...(at === null ? [] : ['--resume'])], runDir);
    assert.equal(r.status, 0, `the last resume failed:\n${log.join('\n')}\n${r.stderr}`);
    if (at !== null) assert.match(r.stdout, new RegExp(`resumed from .*step-${String(at).padStart(6, '0')} at step ${at}`));
  }
  const context = `\n${log.join('\n')}`;
  t.diagnostic(log.join('; '));
  assert.ok(midTraining >= 2, `only ${midTraining} kills landed between two checkpoints of a run${context}`);

  const final = `checkpoints/step-${String(STEPS).padStart(6, '0')}`;
  const expected = files(join(reference, final));
  const got = files(join(runDir, final));
  assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), `the final checkpoint's files${context}`);
  assert.ok(expected.has('G/weights.bin') && expected.has('D/weights.bin') && expected.has('optimizers.bin') && expected.has('state.json'));
  for (const [name, bytes] of expected) {
    const same = name === 'state.json' ? isDeepStrictEqual(untimedState(bytes), untimedState(got.get(name)!)) : bytes.equals(got.get(name)!);
    assert.ok(same, `${final}/${name} differs from the uninterrupted run's (state.json: but its training seconds)${context}`);
  }
  // The CLI's log opens with its provenance header (test/provenance.test.ts), once: every session trained the same spec.
  const [header, ...records] = readFileSync(join(runDir, 'losses.jsonl'), 'utf8').split('\n');
  assert.match(header!, /^\{"provenance":\{"specSha256":"[0-9a-f]{64}","moduleSha256":"[0-9a-f]{64}","ganspec":"[^"]+"\}\}$/, `losses.jsonl${context}`);
  assert.equal(records.join('\n'), readFileSync(join(reference, 'losses.jsonl'), 'utf8'), `losses.jsonl${context}`);
});

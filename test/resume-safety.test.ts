// Resume safety (issue 12): every checkpoint records the spec it was trained with (spec.json: the
// values after `extends` and `--set`, and their hash); gan-train --resume prints the gan-diff of a
// changed spec and refuses (architecture, losses, optimizer kind, random input shapes, data),
// accepts silently (steps, preview, checkpoints) or asks for --allow-changes (optimizer settings,
// repeat, clip, batch, EMA decay, and other training data than run.json's identity of it),
// recording every change in run.json; a refusal writes nothing.
// Another backend is accepted with one line and recorded.
// gan-train runs in this process on ring.yaml at batch 8 (4 steps, checkpoints at 2 and 4).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { diffSides, lowerForExplain } from '../compiler/explain/index';
import type { SpecDiff } from '../compiler/explain/diff';
import { classifyResume } from '../cli/resume-policy';
import { main } from '../cli/train';
import { UserError } from '../runtime/errors';
import { tempDir, tinyFolderSha256, tinyFolderSpec, useBackend } from './helpers';

const SPEC = 'specs/ring.yaml';
const SMALL_G = 'networks.G.layers.0.dense.units=64';
const root = tempDir('resume');
const base = join(root, 'base');
const same = ['--set', 'checkpoint.every=2', '--set', SMALL_G, '--batch', '8', '--backend', 'wasm', '--quiet', '--no-report'];

/** gan-train in this process: its printed lines, and its error (undefined when it trained). */
async function gan(args: string[]): Promise<{ lines: string[]; error?: Error }> {
  const lines: string[] = [];
  try {
    await main(args, (line) => lines.push(line));
    return { lines };
  } catch (error) {
    return { lines, error: error as Error };
  }
}

function copyRun(name: string): string {
  const dir = join(root, name);
  cpSync(base, dir, { recursive: true });
  return dir;
}

/** Every file under `dir` with its SHA-256 and modification time: what a refusal must leave as it was. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, name);
    const s = statSync(file);
    if (s.isFile()) out[name] = `${createHash('sha256').update(readFileSync(file)).digest('hex')} ${s.mtimeMs}`;
  }
  return out;
}

const read = (file: string) => readFileSync(file, 'utf8');
const runJson = (dir: string) => JSON.parse(read(join(dir, 'run.json'))) as { specValues: unknown; backend: string; dataSha256?: string; resumes?: { step: number; steps: number; changes: string[] }[] };
/** The steps of losses.jsonl's records (its provenance headers have none). */
const lossSteps = (dir: string) => read(join(dir, 'losses.jsonl')).trim().split('\n').map((l) => (JSON.parse(l) as { step?: number }).step).filter((s) => s !== undefined);

function assertRefused(r: { error?: Error }, message: string): void {
  assert.ok(r.error instanceof UserError, `a UserError, got ${String(r.error)}`);
  assert.equal(r.error.message, message);
}

before(async () => {
  await useBackend('wasm');
  const r = await gan([SPEC, '--out', base, '--steps', '4', ...same]);
  assert.equal(r.error, undefined);
});

test("every checkpoint records the spec values it was trained with and their hash, run.json's specSha256", () => {
  const info = runJson(base) as ReturnType<typeof runJson> & { specSha256: string };
  const values = info.specValues as { networks: { G: { layers: { dense?: { units: number } }[] } } };
  assert.equal(values.networks.G.layers[0].dense?.units, 64);
  for (const step of ['step-000002', 'step-000004']) {
    const spec = JSON.parse(read(join(base, 'checkpoints', step, 'spec.json'))) as { sha256: string; values: unknown };
    assert.deepEqual(spec.values, values);
    assert.equal(spec.sha256, createHash('sha256').update(JSON.stringify(values)).digest('hex'));
    assert.equal(spec.sha256, info.specSha256);
  }
});

test('a changed architecture is refused, even with --allow-changes, after printing the diff; nothing in the run changes', async () => {
  const dir = copyRun('architecture');
  const kept = snapshot(dir);
  const message = "--resume: the spec changes network G, which the checkpoint's weights and optimizer state depend on; no flag resumes that: train a new run (another --out)";
  for (const flag of [[], ['--allow-changes']]) {
    const r = await gan([SPEC, '--out', dir, '--steps', '6', '--resume', ...same, '--set', 'networks.G.layers.0.dense.units=32', ...flag]);
    assertRefused(r, message);
    assert.deepEqual(r.lines.slice(1), [
      '--resume: the spec differs from the one checkpoints/step-000004 was trained with:',
      '--- ring (checkpoints/step-000004)',
      '+++ ring (specs/ring.yaml)',
      '',
      'network G: 9,666 -> 5,026 parameters (-4,640)',
      '  ~ 1. dense { units: 64, activation: relu } -> dense { units: 32, activation: relu }  [64] -> [32], 1,088 -> 544 parameters',
    ]);
  }
  const optimizer = await gan([SPEC, '--out', dir, '--steps', '6', '--resume', ...same, '--set', 'schedule.phases.0.optimizer={sgd: {lr: 0.01}}', '--allow-changes']);
  assertRefused(optimizer, "--resume: the spec changes phase D optimizer: { adam: { lr: 0.001, beta1: 0.5, beta2: 0.999, epsilon: 1e-7 } } -> { sgd: { lr: 0.01 } }, which the checkpoint's weights and optimizer state depend on; no flag resumes that: train a new run (another --out)");
  assert.deepEqual(snapshot(dir), kept);
});

test('steps, preview and checkpoint settings change without a flag, and run.json records them', async () => {
  const dir = copyRun('allowed');
  const r = await gan([SPEC, '--out', dir, '--resume', ...same, '--set', 'schedule.steps=6', '--set', 'preview.every=2', '--set', 'checkpoint.keep=5']);
  assert.equal(r.error, undefined);
  assert.deepEqual(runJson(dir).resumes?.map(({ step, steps, changes }) => ({ step, steps, changes })), [
    { step: 4, steps: 6, changes: ['schedule steps: 2000 -> 6', 'preview every: 500 -> 2', 'checkpoint keep: 3 -> 5'] },
  ]);
  assert.deepEqual(lossSteps(dir), [1, 2, 3, 4, 5, 6]);
  const spec = JSON.parse(read(join(dir, 'checkpoints', 'step-000006', 'spec.json'))) as { values: { schedule: { steps: number } } };
  assert.equal(spec.values.schedule.steps, 6, 'the new checkpoint records the new spec');
});

test('another backend resumes without a flag, says so in one line and is recorded; the same backend records nothing', async () => {
  const dir = copyRun('backend');
  const trained = runJson(dir).backend;
  assert.match(trained, /^wasm \(tfjs /);
  const onCpu = same.map((a) => (a === 'wasm' ? 'cpu' : a));
  const r = await gan([SPEC, '--out', dir, '--steps', '6', '--resume', ...onCpu]);
  assert.equal(r.error, undefined);
  const now = r.lines[0].replace(/^backend: /, '');
  assert.match(now, /^cpu \(tfjs /);
  assert.ok(r.lines.includes(`--resume: trained on ${trained}, now on ${now}: training goes on from the checkpoint, but its losses will not match an uninterrupted run's to the bit`), r.lines.join('\n'));
  assert.deepEqual(runJson(dir).resumes?.map((x) => x.changes), [[`backend: ${trained} -> ${now}`]]);
  assert.equal(runJson(dir).backend, now);
  assert.deepEqual(lossSteps(dir), [1, 2, 3, 4, 5, 6]);
  const again = await gan([SPEC, '--out', dir, '--steps', '8', '--resume', ...onCpu]);
  assert.equal(again.error, undefined);
  assert.ok(!again.lines.some((l) => l.includes('now on')), again.lines.join('\n'));
  assert.deepEqual(runJson(dir).resumes?.map((x) => x.changes), [[`backend: ${trained} -> ${now}`], []]);
});

test('a learning rate and a repeat count need --allow-changes: refused without it (nothing written), recorded with it', async () => {
  const dir = copyRun('flag');
  const kept = snapshot(dir);
  const changes = ['--set', 'schedule.phases.0.optimizer.adam.lr=0.002', '--set', 'schedule.phases.1.repeat=2'];
  const refused = await gan([SPEC, '--out', dir, '--steps', '6', '--resume', ...same, ...changes]);
  assertRefused(refused, "--resume: the spec differs from the checkpoint's (phase D adam.lr: 0.001 -> 0.002, phase G repeat: 1 -> 2); give --allow-changes to resume anyway");
  assert.deepEqual(refused.lines.slice(-5), ['phase D:', '  adam.lr: 0.001 -> 0.002', '', 'phase G:', '  repeat: 1 -> 2']);
  assert.deepEqual(snapshot(dir), kept);
  const allowed = await gan([SPEC, '--out', dir, '--steps', '6', '--resume', ...same, ...changes, '--allow-changes']);
  assert.equal(allowed.error, undefined);
  assert.deepEqual(runJson(dir).resumes?.map((r) => r.changes), [['phase D adam.lr: 0.001 -> 0.002', 'phase G repeat: 1 -> 2']]);
  assert.match(read(join(dir, 'ring.mts')), /\blr: 0.002\b/);
  assert.deepEqual(lossSteps(dir), [1, 2, 3, 4, 5, 6]);
});

test('other training data (one pixel of one image) needs --allow-changes: refused in one line naming the data, nothing written; recorded with it; run.json holds the data\'s identity', async () => {
  const dir = join(root, 'data');
  const spec = await tinyFolderSpec(join(root, 'data-spec'), 0);
  const common = ['--out', dir, '--backend', 'wasm', '--quiet', '--no-report'];
  assert.equal((await gan([spec, ...common])).error, undefined);
  assert.equal(runJson(dir).dataSha256, tinyFolderSha256(0));
  // The same data resumes without a word.
  assert.equal((await gan([spec, ...common, '--steps', '3', '--resume'])).error, undefined);
  assert.deepEqual(runJson(dir).resumes?.map((r) => r.changes), [[]]);

  await tinyFolderSpec(join(root, 'data-spec'), 1);
  const kept = snapshot(dir);
  assertRefused(await gan([spec, ...common, '--steps', '4', '--resume']),
    "--resume: the training data differs from the run's (data.source folder, data.path images); give --allow-changes to resume anyway");
  assert.deepEqual(snapshot(dir), kept);
  assert.equal((await gan([spec, ...common, '--steps', '4', '--resume', '--allow-changes'])).error, undefined);
  assert.deepEqual(runJson(dir).resumes?.map((r) => r.changes), [[], ['the training data']]);
  assert.equal(runJson(dir).dataSha256, tinyFolderSha256(1));
});

test('the classification table: each kind of change of ring.yaml (and dcgan-ema.yaml) gets its verdict', () => {
  const classify = (spec: string, set: string[]) => {
    const [a, b] = [lowerForExplain(spec).side!, lowerForExplain(spec, { overrides: set }).side!];
    return classifyResume(diffSides(a, b, { all: true })).map((c) => `${c.verdict}: ${c.line}`);
  };
  const cases: [string[], string[]][] = [
    [['losses.D=mse(D(x), 0.9) + mse(D(G(z)), 0)'], ['refused: loss D']],
    [['sample.z=uniform(16)'], ['refused: random input z kind: normal -> uniform', 'flag: random input z mean: 0 -> none', 'flag: random input z std: 1 -> none', 'flag: random input z low: none -> -1', 'flag: random input z high: none -> 1']],
    [['schedule.phases.0.clip=0.01'], ['flag: phase D clip: none -> 0.01']],
    [['schedule.batch=64'], ['flag: schedule batch: 128 -> 64']],
    [['schedule.phases.0.optimizer.adam.beta1=0.9'], ['flag: phase D adam.beta1: 0.5 -> 0.9']],
    [['preview.rows=8', 'checkpoint.every=10'], ['allowed: preview rows: 16 -> 8', 'allowed: checkpoint every: 1000 -> 10']],
  ];
  for (const [set, want] of cases) assert.deepEqual(classify(SPEC, set), want, set.join(' '));
  assert.deepEqual(classify('specs/variants/dcgan-ema.yaml', ['networks.G_ema.ema.decay=0.99']), ['flag: schedule ema G_ema: { of: G, decay: 0.999, start: 0 } -> { of: G, decay: 0.99, start: 0 }']);
  const empty: SpecDiff = { a: { name: 'a', source: 'a' }, b: { name: 'b', source: 'b' }, networks: [], losses: [], schedule: [], phases: [], data: [], sampling: [] };
  assert.deepEqual(classifyResume({ ...empty, data: [{ key: 'source', from: 'ring', to: 'mnist' }] }), [{ verdict: 'refused', line: 'data source: ring -> mnist' }]);
});

// events.jsonl (runtime/loop/events.ts) from real training, and what a report makes of it
// (report/run-summary.ts): sessions, a resume with changed settings, a stop on a NaN loss, and
// the afterCheckpoint hook.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../runtime/errors';
import { train } from '../runtime/loop/train';
import { readRun } from '../report/run-files';
import { summarize } from '../report/run-summary';
import { compiledTrainer, tempDir, useBackend } from './helpers';

const quiet = { log: () => {} };

function events(runDir: string): Record<string, unknown>[] {
  return readFileSync(join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('each session logs its start, checkpoints and end; a resume with other settings is a warning', async () => {
  await useBackend('wasm');
  const dir = tempDir('events');
  const runDir = join(dir, 'run');
  const first = await compiledTrainer('specs/ring.yaml', ['checkpoint.every=2', 'preview.every=2'], dir);
  const hooked: number[] = [];
  await train(first, { ...quiet, runDir, dataDir: 'specs', steps: 4, batch: 8, afterCheckpoint: (s) => void hooked.push(s) });
  // Its own folder: a module imported once stays cached under its path.
  const second = await compiledTrainer('specs/ring.yaml', ['checkpoint.every=2', 'preview.every=2', 'schedule.phases.0.optimizer.adam.lr=0.002'], tempDir('events-2'));
  await train(second, { ...quiet, runDir, dataDir: 'specs', steps: 6, batch: 8, resume: true, afterCheckpoint: (s) => void hooked.push(s) });
  assert.deepEqual(hooked, [2, 4, 6]);

  const log = events(runDir);
  assert.deepEqual(log.map((e) => `${e.event} ${e.step}`), ['start 0', 'checkpoint 2', 'checkpoint 4', 'end 4', 'start 4', 'checkpoint 6', 'end 6']);
  const [start, , , , resumed] = log;
  assert.equal(start.resumed, false);
  assert.equal(resumed.resumed, true);
  assert.equal(start.dataSize, null, "the ring's points are endless");
  assert.equal(start.backend, 'wasm');
  assert.equal(start.version, JSON.parse(readFileSync('package.json', 'utf8')).version);
  assert.deepEqual((start.settings as { batch: number; steps: number; seed: number }).batch, 8);
  assert.equal(log[2].steps, 4, 'steps trained in the session');
  assert.equal(log[5].steps, 2);

  const summary = summarize(readRun(runDir));
  assert.equal(summary.status, 'done');
  assert.equal(summary.step, 6);
  assert.equal(summary.sessions.length, 2);
  assert.equal(summary.epochsPerStep, undefined);
  assert.ok(summary.wallSeconds > 0 && summary.msPerStep! > 0);
  assert.deepEqual(summary.warnings, ['resumed at step 4 with changed settings: /phases/0/settings/optimizer/lr: 0.001 → 0.002']);
});

test('a NaN stop is logged, the hook still runs, and the summary says where it stopped', async () => {
  await useBackend('wasm');
  const dir = tempDir('events-nan');
  const runDir = join(dir, 'run');
  const trainer = await compiledTrainer('specs/ring.yaml', ['losses.G=mean(sqrt(D(G(z)) - 100))'], dir);
  const hooked: number[] = [];
  await assert.rejects(train(trainer, { ...quiet, runDir, dataDir: 'specs', steps: 3, batch: 8, afterCheckpoint: (s) => void hooked.push(s) }), UserError);
  assert.deepEqual(hooked, [1]);
  assert.deepEqual(events(runDir).map((e) => [e.event, e.step, e.phase, e.value]), [['start', 0, undefined, undefined], ['nan', 1, 'G', 'NaN']]);
  const summary = summarize(readRun(runDir));
  assert.equal(summary.status, 'stopped at step 1 (NaN loss)');
  assert.deepEqual(summary.warnings, ['stopped at step 1: phase G gave a NaN loss (the steps after the last checkpoint were not kept)']);
});

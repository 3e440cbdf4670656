// Every spec in specs/ and specs/variants/ trains a few steps at a tiny batch on the embedded default (wasm): finite
// losses, a decodable sample grid, a checkpoint that resumes and continues, and no tensor
// leaked per step.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadData } from '../runtime/data';
import type { DataSource } from '../contract/data';
import { train } from '../runtime/loop/train';
import { readPng } from '../runtime/images/png';
import { generatedTrainer, projectSpecs, tempDir, useBackend } from './helpers';

const specs = projectSpecs().map(({ spec }) => readFileSync(spec, 'utf8').match(/^name: (\S+)$/m)![1]);
const dataCache = new Map<string, DataSource>();

for (const name of specs) {
  test(`${name} trains, writes a grid and a checkpoint, resumes, and leaks no tensors`, async () => {
    await useBackend('wasm');
    const trainer = await generatedTrainer(name);
    const key = JSON.stringify(trainer.data);
    if (!dataCache.has(key)) dataCache.set(key, await loadData(trainer.data, 'specs'));
    const data = dataCache.get(key)!;
    const runDir = tempDir(name);
    const alive: number[] = [];
    const first = await train(trainer, {
      runDir,
      dataDir: 'specs',
      data,
      steps: 5,
      batch: 2,
      seed: 7,
      log: () => {},
      afterStep: (step) => {
        if (step === 2 || step === 5) alive.push(tf.memory().numTensors);
      },
    });
    for (const [phase, loss] of Object.entries(first.losses)) assert.ok(Number.isFinite(loss), `${phase} loss is finite (${loss})`);
    assert.equal(alive[1], alive[0], `tensors alive after step 2 (${alive[0]}) and step 5 (${alive[1]})`);

    const grid = await readPng(join(runDir, 'samples', 'step-000005.png'));
    assert.ok(grid.width > 0 && grid.height > 0 && grid.data.length === grid.width * grid.height * grid.channels);
    assert.ok(existsSync(join(runDir, 'checkpoints', 'step-000005', 'state.json')));
    Object.values(first.nets).forEach((m) => m.dispose());

    const resumed = await train(trainer, { runDir, dataDir: 'specs', data, steps: 7, batch: 2, seed: 7, resume: true, log: () => {} });
    assert.equal(resumed.step, 7);
    assert.ok(existsSync(join(runDir, 'checkpoints', 'step-000007', 'state.json')));
    const lines = readFileSync(join(runDir, 'losses.jsonl'), 'utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => JSON.parse(l).step), [1, 2, 3, 4, 5, 6, 7]);
    Object.values(resumed.nets).forEach((m) => m.dispose());
  });
}

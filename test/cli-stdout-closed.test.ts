// A CLI whose stdout reader goes away (`gan-train ... | head -1`, a killed gan-bench parent) goes
// on without stdout (cli/main.ts) instead of dying of an unhandled EPIPE with a stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './helpers';

test('gan-train whose stdout reader closes after the first line trains to the end: exit 0, nothing on stderr, every step logged and checkpointed', async () => {
  const out = join(tempDir('stdout-closed'), 'run');
  const child = spawn(process.execPath, ['bin/gan-train.js', 'specs/ring.yaml', '--steps', '30', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let first = '';
  child.stdout.once('data', (d: Buffer) => {
    first = d.toString().split('\n')[0];
    child.stdout.destroy(); // the reader goes away; every later progress line meets a closed pipe
  });
  const code = await new Promise<number | null>((done) => {
    child.on('exit', done);
  });
  assert.match(first, /^backend: /);
  assert.equal(stderr, '');
  assert.equal(code, 0);
  const steps = readFileSync(join(out, 'losses.jsonl'), 'utf8').trim().split('\n').slice(1).map((l) => (JSON.parse(l) as { step: number }).step);
  assert.deepEqual(steps, Array.from({ length: 30 }, (_, i) => i + 1));
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'checkpoints', 'latest'), 'utf8')), { checkpoint: 'step-000030', step: 30 });
});

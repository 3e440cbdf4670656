// selectBackend (runtime/backend/select.ts): the automatic fallback (tfjs-node absent → wasm),
// the override by argument and by GANSPEC_BACKEND, one-line UserErrors for bad names, and wasm on
// every core (GANSPEC_THREADS), training exactly as on one thread, with processes that exit.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { UserError } from '../runtime/errors';
import { selectBackend } from '../runtime/backend/select';
import { runCli, tempDir } from './helpers';

const installed = (pkg: string): boolean => {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const nodeAbsent = !installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu');
const webgpuAbsent = !installed('webgpu') || !installed('@tensorflow/tfjs-backend-webgpu');

afterEach(() => {
  delete process.env.GANSPEC_BACKEND;
  delete process.env.GANSPEC_THREADS;
});

test('without tfjs-node, the default is wasm, on every core', { skip: !nodeAbsent && 'tfjs-node is installed' }, async () => {
  delete process.env.GANSPEC_BACKEND;
  const description = await selectBackend();
  const cores = os.availableParallelism();
  assert.equal(description, `wasm (tfjs ${tf.version.tfjs.split('.').slice(0, 2).join('.')}, ${cores} thread${cores === 1 ? '' : 's'})`);
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(getThreadsCount(), cores);
});

test('a requested backend overrides the default', async () => {
  assert.match(await selectBackend('cpu'), /^cpu \(tfjs \d+\.\d+, /);
  assert.equal(tf.getBackend(), 'cpu');
  assert.match(await selectBackend('wasm'), /^wasm /);
  assert.equal(tf.getBackend(), 'wasm');
});

test('GANSPEC_BACKEND chooses when no name is passed; a passed name wins over it', async () => {
  process.env.GANSPEC_BACKEND = 'cpu';
  assert.match(await selectBackend(), /^cpu /);
  assert.match(await selectBackend('wasm'), /^wasm /);
});

const oneLineUserError = (pattern: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof UserError);
  assert.doesNotMatch(e.message, /\n/);
  assert.match(e.message, pattern);
  assert.match(e.message, /node-gpu, node, webgpu, wasm, cpu/);
  return true;
};

test('an unknown name is a one-line UserError listing the valid names', async () => {
  await assert.rejects(selectBackend('tpu'), oneLineUserError(/unknown backend 'tpu'/));
  process.env.GANSPEC_BACKEND = 'gpu';
  await assert.rejects(selectBackend(), oneLineUserError(/unknown backend 'gpu'/));
});

test('an unloadable requested backend is a one-line UserError', { skip: !nodeAbsent && 'tfjs-node is installed' }, async () => {
  await assert.rejects(selectBackend('node'), oneLineUserError(/backend 'node' is not available: @tensorflow\/tfjs-node did not load/));
  await assert.rejects(selectBackend('node-gpu'), oneLineUserError(/@tensorflow\/tfjs-node-gpu did not load/));
});

test('webgpu without its two packages is a one-line UserError naming both', { skip: !webgpuAbsent && 'webgpu is installed' }, async () => {
  await assert.rejects(selectBackend('webgpu'), oneLineUserError(/backend 'webgpu' is not available: webgpu with @tensorflow\/tfjs-backend-webgpu did not load: /));
});

test('GANSPEC_THREADS must be a positive whole number', async () => {
  for (const bad of ['0', 'two', '1.5', '-2']) {
    process.env.GANSPEC_THREADS = bad;
    await assert.rejects(selectBackend('wasm'), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.message, `GANSPEC_THREADS must be a positive whole number, not '${bad}'`);
      return true;
    });
  }
});

test('on 1 and on 2 wasm threads a run trains to the same losses, and the process exits', () => {
  const dir = tempDir('threads');
  const losses = (threads: string): string => {
    const out = join(dir, `threads-${threads}`);
    const args = ['specs/dcgan.yaml', '--steps', '3', '--batch', '4', '--seed', '7', '--out', out];
    const r = runCli('gan-train', args, { GANSPEC_THREADS: threads });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`backend: wasm \\(tfjs [\\d.]+, ${threads} threads?\\)`));
    return readFileSync(join(out, 'losses.jsonl'), 'utf8');
  };
  const one = losses('1');
  // The provenance header and 3 records.
  assert.equal(one.trim().split('\n').length, 4);
  assert.equal(losses('2'), one);
});

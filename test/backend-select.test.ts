// selectBackend (runtime/backend/select.ts): the automatic fallback (tfjs-node absent → wasm),
// the override by argument and by GANSPEC_BACKEND, and one-line UserErrors for bad names.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../runtime/errors';
import { selectBackend } from '../runtime/backend/select';

const installed = (pkg: string): boolean => {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const nodeAbsent = !installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu');

afterEach(() => {
  delete process.env.GANSPEC_BACKEND;
});

test('without tfjs-node, the default is wasm', { skip: !nodeAbsent && 'tfjs-node is installed' }, async () => {
  delete process.env.GANSPEC_BACKEND;
  const description = await selectBackend();
  assert.match(description, /^wasm \(tfjs \d+\.\d+, \d+ threads?\)$/);
  assert.equal(tf.getBackend(), 'wasm');
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
  assert.match(e.message, /node-gpu, node, wasm, cpu/);
  return true;
};

test('an unknown name is a one-line UserError listing the valid names', async () => {
  await assert.rejects(selectBackend('webgpu'), oneLineUserError(/unknown backend 'webgpu'/));
  process.env.GANSPEC_BACKEND = 'gpu';
  await assert.rejects(selectBackend(), oneLineUserError(/unknown backend 'gpu'/));
});

test('an unloadable requested backend is a one-line UserError', { skip: !nodeAbsent && 'tfjs-node is installed' }, async () => {
  await assert.rejects(selectBackend('node'), oneLineUserError(/backend 'node' is not available: @tensorflow\/tfjs-node did not load/));
  await assert.rejects(selectBackend('node-gpu'), oneLineUserError(/@tensorflow\/tfjs-node-gpu did not load/));
});

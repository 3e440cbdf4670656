// selectBackend (runtime/backend/select.ts): the automatic fallback (tfjs-node absent → wasm),
// the override by argument and by GANSPEC_BACKEND, one-line UserErrors for bad names, and wasm on
// every core (GANSPEC_THREADS), training exactly as on one thread, with processes that exit;
// OpenBLAS on wasm where it loads (in CI it must), off by GANSPEC_OPENBLAS=off, training to the
// losses of wasm's own kernels.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { UserError } from '../runtime/errors';
import { openBlasOn, useOpenBlas } from '../runtime/backend/openblas';
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
  delete process.env.GANSPEC_OPENBLAS;
});

/** Whether OpenBLAS loads here (selectBackend sets it again for each backend it starts). */
const openBlasHere = useOpenBlas(1).startsWith('OpenBLAS');
/** What the wasm backend's line says of OpenBLAS: in CI it must run (.ci/run installs it). */
const OPENBLAS = process.env.CI ? /OpenBLAS \w+ for matrix products/ : /OpenBLAS \w+ for matrix products|no OpenBLAS: [^()]+(\([^()]+\))?/;

test('without tfjs-node, the default is wasm, on every core', { skip: !nodeAbsent && 'tfjs-node is installed' }, async () => {
  delete process.env.GANSPEC_BACKEND;
  const description = await selectBackend();
  const cores = os.availableParallelism();
  const start = `wasm (tfjs ${tf.version.tfjs.split('.').slice(0, 2).join('.')}, ${cores} thread${cores === 1 ? '' : 's'}, `;
  assert.ok(description.startsWith(start), description);
  assert.match(description.slice(start.length), new RegExp(`^(${OPENBLAS.source})\\)$`));
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

// With OpenBLAS on, 1 and 2 threads differ in the last bits (its kernels for one thread and for
// several sum in different orders): this is wasm's own kernels' property.
test('on 1 and on 2 wasm threads (OpenBLAS off) a run trains to the same losses, and the process exits', () => {
  const dir = tempDir('threads');
  const losses = (threads: string): string => {
    const out = join(dir, `threads-${threads}`);
    const args = ['specs/dcgan.yaml', '--steps', '3', '--batch', '4', '--seed', '7', '--out', out];
    const r = runCli('gan-train', args, { GANSPEC_THREADS: threads, GANSPEC_OPENBLAS: 'off' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`backend: wasm \\(tfjs [\\d.]+, ${threads} threads?, OpenBLAS off`));
    return readFileSync(join(out, 'losses.jsonl'), 'utf8');
  };
  const one = losses('1');
  // The provenance header and 3 records.
  assert.equal(one.trim().split('\n').length, 4);
  assert.equal(losses('2'), one);
});

test('GANSPEC_OPENBLAS=off says so on the backend line and keeps wasm\'s own kernels', async () => {
  process.env.GANSPEC_OPENBLAS = 'off';
  assert.match(await selectBackend('wasm'), /^wasm \(tfjs [\d.]+, \d+ threads?, OpenBLAS off \(GANSPEC_OPENBLAS=off\)\)$/);
  assert.equal(openBlasOn(), false);
});

test('with OpenBLAS on and off, DCGAN trains to the same losses (to 1e-4) in 3 steps', { skip: !process.env.CI && !openBlasHere && 'OpenBLAS does not load here' }, () => {
  const dir = tempDir('openblas');
  const run = (setting: string): { line: string; losses: number[] } => {
    const out = join(dir, `openblas-${setting}`);
    const r = runCli('gan-train', ['specs/dcgan.yaml', '--steps', '3', '--batch', '8', '--seed', '3', '--out', out], { GANSPEC_OPENBLAS: setting });
    assert.equal(r.status, 0, r.stderr);
    const records = readFileSync(join(out, 'losses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const losses = records.filter((x) => 'step' in x).flatMap((x) => Object.entries(x).filter(([k]) => k !== 'step').map(([, v]) => v as number));
    return { line: r.stdout.split('\n').find((l) => l.startsWith('backend: ')) ?? '', losses };
  };
  const [on, off] = [run(''), run('off')];
  assert.match(on.line, /OpenBLAS \w+ for matrix products\)$/);
  assert.match(off.line, /OpenBLAS off \(GANSPEC_OPENBLAS=off\)\)$/);
  assert.equal(on.losses.length, 6);
  on.losses.forEach((v, i) => assert.ok(Math.abs(v - off.losses[i]) <= 1e-4 * Math.max(1, Math.abs(off.losses[i])), `loss ${i}: ${v} against ${off.losses[i]}`));
});

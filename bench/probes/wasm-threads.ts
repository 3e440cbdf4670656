// Probe: can the tfjs wasm backend use 2 cores in Node? Runs the threaded SIMD build
// (tfjs-backend-wasm-threaded-simd.wasm, XNNPACK on a pthreadpool of emscripten worker_threads)
// with 1 and with 2 threads, and the stock single-threaded SIMD build that tf.setBackend('wasm')
// picks in Node, each in a fresh child process. Measures tf.matMul 1024x1024 by 1024x1024 and
// tf.conv2d [32,28,28,128] * [3,3,128,64] ('same'), best of 5 after one warm-up call, with the
// process CPU time of the best call (CPU / wall near 2 = both cores busy), and checks each
// result bit for bit against the threaded 1-thread result. Another busy process on the machine
// takes the second core away: the 2-thread times then fall back to the 1-thread ones.
//
//   node --import tsx bench/probes/wasm-threads.ts
//
// The threaded build is set up by runtime/backend/wasm-threads.ts, which says what stops tfjs 4.22
// from threading in Node and how each obstacle is undone.
import { fork } from 'node:child_process';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { withWasmThreads } from '../../runtime/backend/wasm-threads';

interface Timing { ms: number; cpuMs: number }
interface Result { label: string; threads: number; matMul: Timing; conv2d: Timing; mm: Float32Array; conv: Float32Array }

function bestOf5(f: () => tf.Tensor): { best: Timing; out: Float32Array } {
  f().dispose(); // warm-up: creates and caches the XNNPACK operator for these weights
  let best: Timing = { ms: Infinity, cpuMs: 0 };
  let out: Float32Array = new Float32Array(0);
  for (let i = 0; i < 5; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const y = f();
    const data = y.dataSync() as Float32Array;
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (ms < best.ms) best = { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
    out = data;
    y.dispose();
  }
  return { best, out };
}

async function child(mode: string): Promise<void> {
  if (mode === 'stock') {
    await tf.setBackend('wasm');
  } else if (!(await withWasmThreads(Number(mode), () => tf.setBackend('wasm')))) {
    throw new Error('wasm backend failed to initialise');
  }
  const a = tf.randomNormal([1024, 1024], 0, 1, 'float32', 1);
  const b = tf.randomNormal([1024, 1024], 0, 1, 'float32', 2);
  const x = tf.randomNormal([32, 28, 28, 128], 0, 1, 'float32', 3) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 128, 64], 0, 0.1, 'float32', 4) as tf.Tensor4D;
  const mm = bestOf5(() => tf.matMul(a, b));
  const conv = bestOf5(() => tf.conv2d(x, w, 1, 'same'));
  const label = mode === 'stock' ? 'stock SIMD build' : `threaded SIMD build, setThreadsCount(${mode})`;
  const result: Result = { label, threads: getThreadsCount(), matMul: mm.best, conv2d: conv.best, mm: mm.out, conv: conv.out };
  process.send!(result, () => process.exit(0)); // exit at once: the IPC channel would keep it alive
}

function run(mode: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = fork(new URL(import.meta.url).pathname, ['--child', mode], { serialization: 'advanced' });
    p.once('message', (m) => resolve(m as Result));
    p.once('exit', (code) => reject(new Error(`child '${mode}' exited with ${code} before reporting`)));
  });
}

function compare(x: Float32Array, ref: Float32Array): string {
  if (x.length !== ref.length) return `length ${x.length} vs ${ref.length}`;
  let differ = 0;
  let maxAbs = 0;
  for (let i = 0; i < x.length; i++) {
    if (Object.is(x[i], ref[i])) continue;
    differ++;
    maxAbs = Math.max(maxAbs, Math.abs(x[i] - ref[i]));
  }
  return differ === 0 ? 'bit-identical to 1 thread' : `${differ} of ${x.length} differ, max |diff| ${maxAbs.toExponential(2)}`;
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
} else {
  console.log(`${os.cpus().length} logical CPUs, load average ${os.loadavg()[0].toFixed(2)} (a busy second core hides the gain)`);
  const results: Result[] = [];
  for (const mode of ['stock', '1', '2']) results.push(await run(mode));
  const ref = results[1];
  const fmt = (t: Timing) => `${t.ms.toFixed(1).padStart(6)} ms (cpu/wall ${(t.cpuMs / t.ms).toFixed(2)})`;
  for (const r of results) {
    console.log(`${r.label}: getThreadsCount() = ${r.threads}`);
    console.log(`  matMul 1024^3       ${fmt(r.matMul)}  ${compare(r.mm, ref.mm)}`);
    console.log(`  conv2d 32x28x28x128 ${fmt(r.conv2d)}  ${compare(r.conv, ref.conv)}`);
  }
  const two = results[2];
  console.log(`2 threads vs 1: matMul x${(ref.matMul.ms / two.matMul.ms).toFixed(2)}, conv2d x${(ref.conv2d.ms / two.conv2d.ms).toFixed(2)}`);
}

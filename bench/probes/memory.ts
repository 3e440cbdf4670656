// Probe: where a training step's memory goes on the wasm backend. Runs a generated trainer's
// updates (the spec's batch unless --batch) and counts every block JavaScript takes from the wasm
// heap and gives back (tensors and our kernels' scratch buffers, through the module's
// malloc/free): for each update, the live bytes before it, their peak, the kernel running at the
// peak, what is live there by the kernel that allocated it, tfjs's own count of tensor bytes then
// (which counts a buffer once per tensor sharing it), and the heap's size, which never shrinks
// and grows in emscripten's steps (RSS counts only its touched pages). Prints one JSON line per
// step and phase. --by-kernel adds the bytes each kernel allocated in the last step; --growth
// prints a line each time the heap grows.
//
//   node --import tsx bench/probes/memory.ts generated/infogan.ts [--batch N] [--steps N] [--by-kernel] [--growth]
//
// May import runtime/ and contract/ (as bench/ may).
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../runtime/backend/select';
import { loadData } from '../../runtime/data';
import { phaseRunners, updateOnce } from '../../runtime/loop/phase';
import { buildNetworks } from '../../runtime/loop/train';
import { installSeededRandom } from '../../runtime/rng';
import { importTrainer } from '../../runtime/trainer-module';

interface Heap {
  _malloc(n: number): number;
  _free(p: number): void;
  HEAPU8: Uint8Array;
  /** The module's exports: Module._malloc is a stub that replaces itself with asm.malloc on its first call. */
  asm: { malloc(n: number): number; free(p: number): void };
}

const MB = 2 ** 20;
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};

async function main(): Promise<void> {
  const modulePath = process.argv[2];
  await selectBackend('wasm');
  const trainer = await importTrainer(resolve(modulePath));
  const batch = Number(arg('--batch') ?? trainer.hyperparameters.batch);
  const steps = Number(arg('--steps') ?? 3);
  const data = await loadData(trainer.data, process.cwd());
  installSeededRandom(1);

  const wasm = (tf.backend() as BackendWasm).wasm as unknown as Heap;
  const sizes = new Map<number, number>();
  const madeBy = new Map<number, string>();
  // What is live at the peak, by the kernel that allocated it (refreshed every 4 MB of new peak).
  let atPeak = new Map<string, number>();
  let snapshotAt = 0;
  let heapSeen = 0;
  let live = 0;
  let peak = 0;
  let peakKernel = '';
  let peakTensors = 0;
  let kernel = '(outside kernels)';
  // With --by-kernel: bytes allocated per kernel name over the last step.
  let byKernel: Map<string, number> | undefined;
  const malloc = wasm.asm.malloc;
  const free = wasm.asm.free;
  wasm._malloc = (n: number) => {
    const p = malloc(n);
    sizes.set(p >>> 0, n);
    live += n;
    if (byKernel) byKernel.set(kernel, (byKernel.get(kernel) ?? 0) + n);
    madeBy.set(p >>> 0, kernel);
    const heap = wasm.HEAPU8.buffer.byteLength;
    if (heap > heapSeen) {
      heapSeen = heap;
      if (process.argv.includes('--growth')) console.log(JSON.stringify({ heap_grew_to_mb: +(heap / MB).toFixed(1), live_mb: +(live / MB).toFixed(1), asked_mb: +(n / MB).toFixed(2), kernel }));
    }
    if (live > peak) {
      peak = live;
      if (live > snapshotAt + 4 * MB) {
        snapshotAt = live;
        atPeak = new Map();
        for (const [q, size] of sizes) atPeak.set(madeBy.get(q)!, (atPeak.get(madeBy.get(q)!) ?? 0) + size);
      }
      peakKernel = kernel;
      peakTensors = tf.memory().numBytes;
    }
    return p;
  };
  wasm._free = (p: number) => {
    live -= sizes.get(p >>> 0) ?? 0;
    sizes.delete(p >>> 0);
    madeBy.delete(p >>> 0);
    free(p);
  };
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const runKernel = engine.runKernel.bind(engine);
  engine.runKernel = (name: string, ...rest: unknown[]) => {
    const outer = kernel;
    kernel = name;
    try {
      return runKernel(name, ...rest);
    } finally {
      kernel = outer;
    }
  };

  const nets = buildNetworks(trainer);
  const runners = phaseRunners(trainer, nets);
  const weights = tf.memory().numBytes;
  const rss = (): number => Math.round(process.memoryUsage().rss / MB);
  for (let step = 1; step <= steps; step++) {
    for (const r of runners) {
      peak = live;
      snapshotAt = live;
      atPeak = new Map();
      peakKernel = '';
      const before = live;
      if (process.argv.includes('--by-kernel') && step === steps) byKernel = new Map();
      await updateOnce(trainer, r, nets, data, batch, step);
      console.log(JSON.stringify({
        step,
        phase: r.phase.name,
        live_before_mb: +(before / MB).toFixed(1),
        peak_live_mb: +(peak / MB).toFixed(1),
        at_kernel: peakKernel,
        tensors_at_peak_mb: +(peakTensors / MB).toFixed(1),
        weights_mb: +(weights / MB).toFixed(1),
        heap_mb: +(wasm.HEAPU8.buffer.byteLength / MB).toFixed(1),
        rss_mb: rss(),
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        live_at_peak_mb_by_kernel: Object.fromEntries([...atPeak].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, +(v / MB).toFixed(1)])),
        ...(byKernel ? { allocated_mb_by_kernel: Object.fromEntries([...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, v]) => [k, +(v / MB).toFixed(1)])) } : {}),
      }));
      byKernel = undefined;
    }
  }
}

await main();

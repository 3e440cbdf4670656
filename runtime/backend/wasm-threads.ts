// Runs the wasm backend's XNNPACK on several cores in Node. tfjs 4.22 ships a threaded SIMD build
// but three things keep Node on the single-threaded one, each undone here around the backend's
// initialisation (bench/probes/wasm-threads.ts measures the result: 1.7x matMul, 2x conv2d):
//  1. WASM_HAS_MULTITHREAD_SUPPORT is false whenever tfjs runs in Node (tfjs issue 3830): set true.
//  2. The backend hands emscripten blob: URLs for its pthread workers, which Node's Worker rejects
//     (ERR_WORKER_PATH), and a Blob for the main script, which a worker cannot load. The glue
//     assigns global.Worker itself, so a getter with a no-op setter puts a Worker subclass in its
//     place that runs the worker code with eval and rewrites the Blob to the glue's file path.
//  3. backend.cc caps the thread pool at os.cpus().length / 2 (1 on a 2-core machine), whatever
//     setThreadsCount() asked: os.cpus() reports enough entries while the module starts.
// The workers stay unref'd: the pool's threads never end and would keep every process alive.
import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
const GLUE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd';

function pthreadWorker(): typeof NodeWorker {
  const glue = require.resolve(`${GLUE}.js`);
  const { wasmWorkerContents } = require(`${GLUE}.worker.js`) as { wasmWorkerContents: string };
  // As the backend does before making its Blob: "\n" inside the code's string literals.
  const code = wasmWorkerContents.replace(/\n/g, '\\n');
  return class PthreadWorker extends NodeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      if (String(url).startsWith('blob:')) super(code, { ...options, eval: true });
      else super(url, options);
      this.unref();
    }

    /** The glue refs a worker while its thread runs; the pool's threads run for good. */
    override ref(): void {}

    override postMessage(message: unknown, transfer?: Parameters<NodeWorker['postMessage']>[1]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      super.postMessage(m?.cmd === 'load' && typeof m.urlOrBlob !== 'string' ? { ...m, urlOrBlob: glue } : message, transfer);
    }
  };
}

/** Calls `activate` (which initialises the wasm backend) with the threaded build set up for
 *  `threads` threads; returns what it returns. */
export async function withWasmThreads<T>(threads: number, activate: () => Promise<T>): Promise<T> {
  const Worker = pthreadWorker();
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => Worker, set: () => {} });
  const cpus = os.cpus;
  os.cpus = () => {
    const list = cpus();
    while (list.length < 2 * threads) list.push(list[0]);
    return list;
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  try {
    return await activate();
  } finally {
    os.cpus = cpus;
    // The pool may start more workers later, through the global.
    Object.defineProperty(globalThis, 'Worker', { configurable: true, writable: true, value: Worker });
  }
}

// Chooses the one tf backend of the process, at start: tfjs-node-gpu (CUDA) if it loads, else
// tfjs-node, else tfjs on wasm with our training kernels (on every core: GANSPEC_THREADS overrides
// the count; matrix products and convolutions by OpenBLAS where it loads, openblas.ts), else the
// pure-JS cpu backend. A name (argument, else env GANSPEC_BACKEND) overrides; only by name:
// webgpu (a GPU through Dawn's Vulkan, webgpu.ts). The returned description is for the CLI.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { UserError } from '../errors';
import { useOpenBlas } from './openblas';
import { registerTrainingKernels } from './wasm-kernels';
import { withWasmThreads } from './wasm-threads';
import { loadWebGPU, webgpuAdapter } from './webgpu';

export const BACKEND_NAMES = ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
/** The backends tried, in order, when none is named. */
const AUTOMATIC: readonly BackendName[] = ['node-gpu', 'node', 'wasm', 'cpu'];

interface Backend {
  /** What registers the backend: optional packages, not installed by default (what it says when they fail). */
  load?: { packages: string; run: () => Promise<unknown> };
  /** The backend's name in tf's registry. */
  tfName: string;
  detail: () => string;
}

/** A package that registers its backend when imported; a variable, as it has no types here. */
function importing(specifier: string): Backend['load'] {
  return { packages: specifier, run: () => import(specifier) };
}

const BACKENDS: Record<BackendName, Backend> = {
  'node-gpu': { load: importing('@tensorflow/tfjs-node-gpu'), tfName: 'tensorflow', detail: () => 'libtensorflow, CUDA' },
  node: { load: importing('@tensorflow/tfjs-node'), tfName: 'tensorflow', detail: () => 'libtensorflow' },
  webgpu: { load: { packages: 'webgpu with @tensorflow/tfjs-backend-webgpu', run: loadWebGPU }, tfName: 'webgpu', detail: webgpuAdapter },
  wasm: {
    tfName: 'wasm',
    detail: () => `${plural(getThreadsCount(), 'thread')}${threadsFailure ? ` (threads failed: ${threadsFailure})` : ''}, ${openBlas}`,
  },
  cpu: { tfName: 'cpu', detail: () => 'pure JS, slow' },
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const firstLine = (e: unknown): string => String(e instanceof Error ? e.message : e).split('\n')[0];
const isBackendName = (s: string): s is BackendName => (BACKEND_NAMES as readonly string[]).includes(s);
const VALID = `valid backends: ${BACKEND_NAMES.join(', ')}`;

/** Why the threaded wasm build did not start, when it did not (the single-threaded one runs). */
let threadsFailure: string | undefined;
/** What the wasm backend's line says of OpenBLAS (openblas.ts). */
let openBlas = '';

/** XNNPACK threads for the wasm backend: GANSPEC_THREADS, else one per core. */
function wasmThreads(): number {
  const set = (process.env.GANSPEC_THREADS ?? '').trim();
  if (set === '') return os.availableParallelism();
  const n = Number(set);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`GANSPEC_THREADS must be a positive whole number, not '${set}'`);
  return n;
}

/** Initialises the wasm backend and OpenBLAS, each on `threads` threads. */
async function setWasmBackend(threads: number): Promise<boolean> {
  if (!(await startWasm(threads))) return false;
  openBlas = useOpenBlas(threads);
  return true;
}

/** Initialises the wasm backend on `threads` threads, or on one if that fails. */
async function startWasm(threads: number): Promise<boolean> {
  if (threads > 1) {
    try {
      if (await withWasmThreads(threads, () => tf.setBackend('wasm'))) return true;
      threadsFailure = 'the threaded build did not initialise';
    } catch (e) {
      threadsFailure = firstLine(e);
    }
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
  }
  return tf.setBackend('wasm');
}

/** Makes the backend current; returns why it could not be, or undefined on success. */
async function activate(b: Backend, threads: number): Promise<string | undefined> {
  if (b.load !== undefined) {
    try {
      await b.load.run();
    } catch (e) {
      return `${b.load.packages} did not load: ${firstLine(e)}`;
    }
  }
  try {
    if (await (b.tfName === 'wasm' ? setWasmBackend(threads) : tf.setBackend(b.tfName))) return undefined;
    return `tf backend '${b.tfName}' failed to initialise`;
  } catch (e) {
    return firstLine(e);
  }
}

function describe(name: BackendName): string {
  const [major, minor] = tf.version.tfjs.split('.');
  return `${name} (tfjs ${major}.${minor}, ${BACKENDS[name].detail()})`;
}

export async function selectBackend(requested?: string): Promise<string> {
  const wanted = (requested ?? process.env.GANSPEC_BACKEND ?? '').trim();
  if (wanted !== '' && !isBackendName(wanted)) throw new UserError(`unknown backend '${wanted}' (${VALID})`);
  const threads = wasmThreads();
  registerTrainingKernels();
  if (wanted !== '') {
    const failure = await activate(BACKENDS[wanted], threads);
    if (failure !== undefined) throw new UserError(`backend '${wanted}' is not available: ${failure} (${VALID})`);
    return describe(wanted);
  }
  for (const name of AUTOMATIC) {
    if ((await activate(BACKENDS[name], threads)) === undefined) return describe(name);
  }
  throw new Error('no tf backend could be initialised, not even cpu');
}

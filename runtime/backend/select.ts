// Chooses the one tf backend of the process, at start: tfjs-node-gpu (CUDA) if it loads, else
// tfjs-node, else tfjs on wasm with our training kernels (on every core: GANSPEC_THREADS overrides
// the count), else the pure-JS cpu backend. A name (argument, else env GANSPEC_BACKEND)
// overrides; the returned description is for the CLI.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { UserError } from '../errors';
import { registerTrainingKernels } from './wasm-kernels';
import { withWasmThreads } from './wasm-threads';

export const BACKEND_NAMES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

interface Backend {
  /** Optional package that registers the backend when imported (not installed by default). */
  module?: string;
  /** The backend's name in tf's registry. */
  tfName: string;
  detail: () => string;
}

const BACKENDS: Record<BackendName, Backend> = {
  'node-gpu': { module: '@tensorflow/tfjs-node-gpu', tfName: 'tensorflow', detail: () => 'libtensorflow, CUDA' },
  node: { module: '@tensorflow/tfjs-node', tfName: 'tensorflow', detail: () => 'libtensorflow' },
  wasm: { tfName: 'wasm', detail: () => plural(getThreadsCount(), 'thread') + (threadsFailure ? ` (threads failed: ${threadsFailure})` : '') },
  cpu: { tfName: 'cpu', detail: () => 'pure JS, slow' },
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const firstLine = (e: unknown): string => String(e instanceof Error ? e.message : e).split('\n')[0];
const isBackendName = (s: string): s is BackendName => (BACKEND_NAMES as readonly string[]).includes(s);
const VALID = `valid backends: ${BACKEND_NAMES.join(', ')}`;

/** Why the threaded wasm build did not start, when it did not (the single-threaded one runs). */
let threadsFailure: string | undefined;

/** XNNPACK threads for the wasm backend: GANSPEC_THREADS, else one per core. */
function wasmThreads(): number {
  const set = (process.env.GANSPEC_THREADS ?? '').trim();
  if (set === '') return os.availableParallelism();
  const n = Number(set);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`GANSPEC_THREADS must be a positive whole number, not '${set}'`);
  return n;
}

/** Initialises the wasm backend on `threads` threads, or on one if that fails. */
async function setWasmBackend(threads: number): Promise<boolean> {
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
  if (b.module !== undefined) {
    const specifier: string = b.module; // a variable: the package is optional and has no types here
    try {
      await import(specifier);
    } catch (e) {
      return `${b.module} did not load: ${firstLine(e)}`;
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
  for (const name of BACKEND_NAMES) {
    if ((await activate(BACKENDS[name], threads)) === undefined) return describe(name);
  }
  throw new Error('no tf backend could be initialised, not even cpu');
}

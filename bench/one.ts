// One measurement, in this process: one compiled trainer on one backend. Times its steps (and, with --baseline, the hand-written DCGAN interleaved with them),
// optionally profiles kernels, and returns the records the CLI prints. The CLI runs each of
// these in its own child process, so that peak RSS is the spec's own.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../runtime/backend/select';
import { loadData } from '../runtime/data';
import { UserError } from '../runtime/errors';
import { installSeededRandom } from '../runtime/rng';
import type { AnyTrainer } from '../contract/trainer';
import { BASELINE_VARIANTS, kerasDcganBaseline } from './baseline/keras-dcgan';
import { type Contender, type PhaseTiming, median, timeContenders, trainerContender } from './measure';
import { type ConvRate, type StepProfile, convRates, profileSteps, summarise, timeMatMul } from './profile';

export interface OneOptions {
  /** The trainer of the spec measured (cli/bench.ts compiles it). */
  trainer: AnyTrainer;
  /** Folder the spec's relative data paths resolve against. */
  dataDir: string;
  backend?: string;
  batch?: number;
  steps: number;
  warmup: number;
  seed: number;
  baseline: boolean;
  profile: boolean;
  /** Steps profiled (the median one is reported). */
  profileSteps: number;
  gflops: boolean;
}

export interface StepRecord {
  kind: 'step';
  spec: string;
  backend: string;
  /** The backend as gan-train's line says it (threads, OpenBLAS or why not). */
  backend_line: string;
  batch: number;
  steps: number;
  warmup: number;
  ms_per_step: number;
  /** Median CPU time of the process per step (see Timing.cpu_ms_per_step). */
  cpu_ms_per_step: number;
  ms_min: number;
  ms_max: number;
  samples_per_s: number;
  peak_rss_mb: number;
  /** wasm only: the size the backend's heap grew to (it never shrinks); part of peak RSS. */
  wasm_heap_mb?: number;
  tensors_leaked: number;
  phases: Record<string, PhaseTiming>;
  /** With --baseline, on the generated trainer's row: its median ms over each baseline's. */
  ratio_to_baseline?: Record<string, number>;
  /** With --baseline: the median of the per-step ratios (paired steps). */
  paired_ratio_to_baseline?: Record<string, number>;
  /** With --baseline: the ratio of the fastest steps, and of median CPU time per step. */
  min_ratio_to_baseline?: Record<string, number>;
  cpu_ratio_to_baseline?: Record<string, number>;
}

export type ProfileRecord = { kind: 'profile'; spec: string; backend: string; batch: number } & StepProfile;

export interface GflopsRecord {
  kind: 'conv-gflops';
  spec: string;
  backend: string;
  batch: number;
  /** matMul 1024x1024x1024 on this backend, for reference. */
  matmul_1024_gflops: number;
  convs: ConvRate[];
}

export type BenchRecord = StepRecord | ProfileRecord | GflopsRecord;

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

function wasmHeapMb(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  // HEAPU8 comes from Emscripten's module type, which tfjs-backend-wasm's typings do not carry.
  const wasm = (tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array };
  return wasm.HEAPU8.buffer.byteLength / 2 ** 20;
}

export async function runOne(o: OneOptions): Promise<BenchRecord[]> {
  const described = await selectBackend(o.backend);
  const backend = described.split(' ')[0];
  const trainer = o.trainer;
  if (o.baseline && trainer.name !== 'dcgan') {
    throw new UserError(`--baseline is Keras-GAN's DCGAN written by hand: use it with specs/dcgan.yaml (got '${trainer.name}')`);
  }
  const batch = o.batch ?? trainer.hyperparameters.batch;
  const data = await loadData(trainer.data, o.dataDir);
  installSeededRandom(o.seed);

  const contenders: Contender[] = [trainerContender(trainer, data, batch)];
  if (o.baseline) for (const v of BASELINE_VARIANTS) contenders.push(kerasDcganBaseline(v, batch));
  const timings = await timeContenders(contenders, o.warmup, o.steps);
  const rss = peakRssMb();
  const heap = wasmHeapMb();

  const records: BenchRecord[] = timings.map((t) => ({
    kind: 'step',
    spec: t.label,
    backend,
    backend_line: described,
    batch,
    steps: o.steps,
    warmup: o.warmup,
    ms_per_step: t.ms_per_step,
    cpu_ms_per_step: t.cpu_ms_per_step,
    ms_min: t.ms_min,
    ms_max: t.ms_max,
    samples_per_s: t.samples_per_s,
    peak_rss_mb: rss,
    ...(heap !== undefined ? { wasm_heap_mb: heap } : {}),
    tensors_leaked: t.tensors_leaked,
    phases: t.phases,
  }));
  if (o.baseline) {
    const ours = timings[0];
    const row = records[0] as StepRecord;
    row.ratio_to_baseline = {};
    row.paired_ratio_to_baseline = {};
    row.min_ratio_to_baseline = {};
    row.cpu_ratio_to_baseline = {};
    for (const t of timings.slice(1)) {
      row.ratio_to_baseline[t.label] = ours.ms_per_step / t.ms_per_step;
      row.paired_ratio_to_baseline[t.label] = median(ours.steps_ms.map((ms, i) => ms / t.steps_ms[i]));
      row.min_ratio_to_baseline[t.label] = ours.ms_min / t.ms_min;
      row.cpu_ratio_to_baseline[t.label] = ours.cpu_ms_per_step / t.cpu_ms_per_step;
    }
  }

  if (o.profile || o.gflops) {
    for (const c of contenders) {
      const steps = await profileSteps(c, o.profileSteps);
      if (o.profile) records.push({ kind: 'profile', spec: c.label, backend, batch, ...summarise(c.label, steps) });
      if (o.gflops && c === contenders[0]) {
        records.push({ kind: 'conv-gflops', spec: c.label, backend, batch, matmul_1024_gflops: 2.147483648 / (timeMatMul(1024, 1024, 1024, 5) / 1000), convs: convRates(steps) });
      }
    }
  }
  for (const c of contenders) c.dispose();
  tf.disposeVariables();
  return records;
}

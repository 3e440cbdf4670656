// Evaluation of trained generators with an MNIST classifier: FID, KID, class coverage, entropy,
// inception-style score, label accuracy, code-to-class maps and translation class retention.
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { AnyTrainer } from '../contract/trainer';
import { samplingNetworks } from '../runtime/loop/ema';
import { appendRecord, ensureProvenance } from '../runtime/loop/jsonl';
import type { Provenance } from '../runtime/provenance';
import { evaluateRun, type EvalOptions, type Metrics } from './evaluate';
import { metricsSummary } from './format';

export { evaluateReal, evaluateRun, referenceOf, type BandMetrics, type EvalOptions, type KidValue, type Metrics } from './evaluate';
export { DEFAULT_EVALUATOR_DIR, Evaluator, loadEvaluator, toEvaluatorInput } from './evaluator';
export { evaluateFolder, LABELS_FILE, readLabels, type FolderEvalOptions } from './folder';
export { bandLine, formatMetrics, metricsSummary } from './format';
export { MAX_EVAL_SAMPLES, protocolDifferences, type MetricProtocol } from './protocol';
export * from './stats';

export interface EvalEveryOptions extends EvalOptions {
  /** Appends each result as a JSON line to <runDir>/metrics.jsonl. */
  runDir?: string;
  /** What trained: a header record of metrics.jsonl before this session's first result. */
  provenance?: Provenance;
  log?: (line: string) => void;
}

/** One record of metrics.jsonl. `trainSeconds` is absent in records of older versions. */
export type MetricsRecord = Metrics & { step: number; trainSeconds?: number };

/** gan-train's evaluation hooks for the training loop (runtime/loop/train.ts), which passes each
 *  the run's training seconds up to its step. */
export interface EvalHooks {
  /** On a fresh run (step 0) evaluates the untrained networks. */
  beforeSteps: (step: number, nets: Record<string, tf.LayersModel>, resumed: boolean, trainSeconds: number) => Promise<void>;
  afterStep: (step: number, nets: Record<string, tf.LayersModel>, trainSeconds: number) => Promise<void>;
}

/**
 * Hooks for the training loop: every `every` steps (and at step 0 of a fresh run, through
 * `beforeSteps`), evaluates the networks (each with its EMA copy where the trainer has one, as
 * gan-eval does by default) on `opts.n` (default 2000) samples per band, logs one line and
 * appends the metrics to <runDir>/metrics.jsonl with `trainSeconds`: the run's training wall
 * time up to that step as the loop counts it (over every session, evaluations left out; gan-bench
 * --to-quality reads it). The training random stream is left untouched.
 */
export function evalHooks(trainer: AnyTrainer, every: number, opts: EvalEveryOptions = {}): EvalHooks {
  const { runDir, provenance, log = (line: string) => console.log(line), ...evalOpts } = opts;
  const evaluate = async (step: number, nets: Record<string, tf.LayersModel>, trainSeconds: number) => {
    const metrics: Metrics = await evaluateRun(trainer, samplingNetworks(trainer, nets, 'ema').nets, { n: 2000, ...evalOpts, step });
    log(metricsSummary(metrics));
    if (runDir && provenance) ensureProvenance(join(runDir, 'metrics.jsonl'), provenance);
    const record: MetricsRecord = { ...metrics, step, trainSeconds };
    if (runDir) appendRecord(join(runDir, 'metrics.jsonl'), record);
  };
  return {
    beforeSteps: async (step, nets, resumed, trainSeconds) => {
      if (every > 0 && !resumed) await evaluate(step, nets, trainSeconds);
    },
    afterStep: async (step, nets, trainSeconds) => {
      if (every <= 0 || step % every !== 0) return;
      await evaluate(step, nets, trainSeconds);
    },
  };
}

/**
 * An afterStep hook alone (evalHooks without the step-0 evaluation): every `every` steps,
 * evaluates and appends to <runDir>/metrics.jsonl.
 */
export function evalEvery(trainer: AnyTrainer, every: number, opts: EvalEveryOptions = {}): EvalHooks['afterStep'] {
  return evalHooks(trainer, every, opts).afterStep;
}

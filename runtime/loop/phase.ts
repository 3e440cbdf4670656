// One update of one phase: draw a real batch (only the inputs the loss reads) and fresh random
// inputs, set the learning rate of the step, minimise the phase's loss over exactly the
// variables it updates, clip if asked. Phases that name the same optimizer share one tfjs
// optimizer and one variable list (its state is matched to variables by position). Shared by
// the training loop and the benchmark, so both time the same work.
import * as tf from '@tensorflow/tfjs';
import type { DataSource } from '../../contract/data';
import type { AnyTrainer, Phase } from '../../contract/trainer';
import { UserError } from '../errors';
import { learningRate, setLearningRate } from './learning-rate';
import { clipVariables, makeOptimizer, phaseVariables } from './optimizers';
import { drawInputs } from './random-inputs';

export interface PhaseRunner {
  phase: Phase<Record<string, tf.LayersModel>, Record<string, tf.Tensor>, Record<string, tf.Tensor>>;
  /** The name its optimizer's state is checkpointed under (shared optimizers: one name, one instance). */
  optimizerName: string;
  optimizer: tf.Optimizer;
  vars: tf.Variable[];
}

/** What a phase updates, as a set, for comparing phases that share an optimizer. */
const targets = (phase: PhaseRunner['phase']): string =>
  [...new Set(phase.updates.map((u) => `${u.net}${u.layers ? `[${u.layers.join(',')}]` : ''}`))].sort().join(' ');

export function phaseRunners(trainer: AnyTrainer, nets: Record<string, tf.LayersModel>): PhaseRunner[] {
  const made = new Map<string, PhaseRunner>();
  return trainer.phases.map((phase) => {
    const optimizerName = phase.optimizer ?? phase.name;
    const owner = made.get(optimizerName);
    if (owner === undefined) {
      const runner = { phase, optimizerName, optimizer: makeOptimizer(phase.settings.optimizer), vars: phaseVariables(nets, phase.updates) };
      made.set(optimizerName, runner);
      return runner;
    }
    // The compiler guarantees both; a hand-edited module could break them.
    if (JSON.stringify(owner.phase.settings.optimizer) !== JSON.stringify(phase.settings.optimizer) || targets(owner.phase) !== targets(phase)) {
      throw new UserError(`phases ${owner.phase.name} and ${phase.name} share optimizer '${optimizerName}' but differ in its settings or in what they update`);
    }
    return { phase, optimizerName, optimizer: owner.optimizer, vars: owner.vars };
  });
}

/** Every optimizer of the runners once, by the name checkpoints keep it under. */
export function runnerOptimizers(runners: readonly PhaseRunner[]): Record<string, tf.Optimizer> {
  return Object.fromEntries(runners.map((r) => [r.optimizerName, r.optimizer]));
}

/**
 * One update at step `step` (counted from 1; it sets the learning rate of a decaying
 * schedule); resolves to the loss (read back, so the work is done when it resolves).
 */
export function updateOnce(trainer: AnyTrainer, runner: PhaseRunner, nets: Record<string, tf.LayersModel>, data: DataSource, batch: number, step = 1): Promise<number> {
  const { phase } = runner;
  const { real, sampled } = tf.tidy(() => ({
    real: phase.real.length > 0 ? pick(data.batch(batch, Math.random), phase.real) : {},
    sampled: drawInputs(trainer.samples, phase.sampled, batch),
  }));
  return updateWith(runner, nets, real, sampled, step).finally(() => tf.dispose([...Object.values(real), ...Object.values(sampled)]));
}

/**
 * One update with the inputs given (the real batch and random inputs the phase reads): sets the
 * learning rate of step `step`, minimises the loss over the phase's variables, clips if asked;
 * resolves to the loss, read back asynchronously (webgpu has no synchronous read in Node; on
 * wasm and cpu the read is done at once). The caller owns the inputs.
 */
export async function updateWith(runner: PhaseRunner, nets: Record<string, tf.LayersModel>, real: Record<string, tf.Tensor>, sampled: Record<string, tf.Tensor>, step = 1): Promise<number> {
  const { phase, optimizer, vars } = runner;
  setLearningRate(optimizer, learningRate(phase.settings.optimizer, step));
  const loss = tf.tidy(() => optimizer.minimize(() => phase.loss(nets, real, sampled), true, vars)!);
  let value: number;
  try {
    value = (await loss.data())[0]!;
  } finally {
    loss.dispose();
  }
  if (Number.isFinite(value) && phase.settings.clip !== null) clipVariables(vars, phase.settings.clip);
  return value;
}

function pick(batch: Record<string, tf.Tensor>, names: readonly string[]): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [k, t] of Object.entries(batch)) {
    if (names.includes(k)) out[k] = t;
    else t.dispose();
  }
  return out;
}

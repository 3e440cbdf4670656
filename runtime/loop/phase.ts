// One update of one phase: draw a real batch (only the inputs the loss reads) and fresh random
// inputs, minimise the phase's loss over exactly the variables it updates, clip if asked.
// Shared by the training loop and the benchmark, so both time the same work.
import * as tf from '@tensorflow/tfjs';
import type { DataSource } from '../../contract/data';
import type { AnyTrainer, Phase } from '../../contract/trainer';
import { clipVariables, makeOptimizer, phaseVariables } from './optimizers';
import { drawInputs } from './random-inputs';

export interface PhaseRunner {
  phase: Phase<Record<string, tf.LayersModel>, Record<string, tf.Tensor>, Record<string, tf.Tensor>>;
  optimizer: tf.Optimizer;
  vars: tf.Variable[];
}

export function phaseRunners(trainer: AnyTrainer, nets: Record<string, tf.LayersModel>): PhaseRunner[] {
  return trainer.phases.map((phase) => ({
    phase,
    optimizer: makeOptimizer(phase.settings.optimizer),
    vars: phaseVariables(nets, phase.updates),
  }));
}

/** One update; returns the loss (read back, so the work is done when this returns). */
export function updateOnce(trainer: AnyTrainer, runner: PhaseRunner, nets: Record<string, tf.LayersModel>, data: DataSource, batch: number): number {
  const { phase, optimizer, vars } = runner;
  const value = tf.tidy(() => {
    const real = phase.real.length > 0 ? pick(data.batch(batch, Math.random), phase.real) : {};
    const sampled = drawInputs(trainer.samples, phase.sampled, batch);
    const cost = optimizer.minimize(() => phase.loss(nets, real, sampled), true, vars)!;
    return cost.dataSync()[0];
  });
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

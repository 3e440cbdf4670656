// The training loop every generated trainer runs on: each step runs the phases in order, each
// phase `repeat` times (n_critic). Logs losses, writes sample grids and checkpoints, resumes
// exactly, and stops cleanly on a NaN loss.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint';
import { loadData } from '../data';
import type { DataSource } from '../../contract/data';
import { UserError } from '../errors';
import { installSeededRandom, restoreRng, rngState } from '../rng';
import type { AnyTrainer } from '../../contract/trainer';
import { appendEvent, startEvent, trainSettings } from './events';
import { disposeInputs, previewInputs, writePreview } from './preview';
import { phaseRunners, updateOnce } from './phase';
import { LossLog, progressLine } from './progress';

export interface TrainOptions {
  runDir: string;
  /** Folder relative data paths of the spec resolve against. */
  dataDir: string;
  steps?: number;
  batch?: number;
  seed?: number;
  resume?: boolean;
  /** Seconds between progress lines (0: every step). */
  logEvery?: number;
  log?: (line: string) => void;
  /** Called after every step, e.g. for evaluation. */
  afterStep?: (step: number, nets: Record<string, tf.LayersModel>) => Promise<void> | void;
  /** Called after each checkpoint is written (and its event logged), and once more when a
   *  non-finite loss stops the run, e.g. to refresh a report. */
  afterCheckpoint?: (step: number) => Promise<void> | void;
  /** Already loaded data (tests share one). */
  data?: DataSource;
}

export interface TrainResult {
  step: number;
  losses: Record<string, number>;
  nets: Record<string, tf.LayersModel>;
  checkpoint: string;
  msPerStep: number;
}

export function buildNetworks(trainer: AnyTrainer): Record<string, tf.LayersModel> {
  return Object.fromEntries(Object.entries(trainer.networks).map(([name, build]) => [name, build()]));
}

export async function train(trainer: AnyTrainer, opts: TrainOptions): Promise<TrainResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const steps = opts.steps ?? trainer.hyperparameters.steps;
  const batch = opts.batch ?? trainer.hyperparameters.batch;
  const seed = opts.seed ?? 0;
  mkdirSync(join(opts.runDir, 'samples'), { recursive: true });

  installSeededRandom(seed);
  const nets = buildNetworks(trainer);
  const phases = phaseRunners(trainer, nets);
  const optimizers = Object.fromEntries(phases.map((p) => [p.phase.name, p.optimizer]));

  let start = 0;
  let checkpoint = '';
  const lossLog = new LossLog(join(opts.runDir, 'losses.jsonl'));
  if (opts.resume) {
    const loaded = await loadCheckpoint(opts.runDir, nets, optimizers);
    start = loaded.step;
    checkpoint = loaded.dir;
    restoreRng(loaded.rng);
    lossLog.truncateAfter(start);
    log(`resumed from ${loaded.dir} at step ${start}`);
  } else if (existsSync(join(opts.runDir, 'checkpoints', 'latest'))) {
    throw new UserError(`${opts.runDir} already holds a run: continue it with --resume, or train into another --out directory`);
  } else {
    lossLog.truncateAfter(-1);
  }
  if (start >= steps) throw new UserError(`the run in ${opts.runDir} is already at step ${start} of ${steps}: ask for more with --steps`);

  const data = opts.data ?? (await loadData(trainer.data, opts.dataDir));
  const fixed = previewInputs(trainer, data, seed + 1);
  appendEvent(opts.runDir, startEvent({
    step: start, resumed: opts.resume === true, backend: tf.getBackend(),
    dataSize: Number.isFinite(data.size) ? data.size : null, settings: trainSettings(trainer, batch, steps, seed),
  }));
  const save = async (step: number) =>
    saveCheckpoint(opts.runDir, { step, networks: nets, optimizers, rng: rngState(), meta: { name: trainer.name, batch, seed } }, trainer.checkpoint.keep);
  const preview = (step: number) => writePreview(trainer, nets, fixed, join(opts.runDir, 'samples', `step-${String(step).padStart(6, '0')}.png`));

  const losses: Record<string, number> = {};
  const began = performance.now();
  let lastLog = began;
  for (let step = start + 1; step <= steps; step++) {
    for (const runner of phases) {
      for (let r = 0; r < runner.phase.settings.repeat; r++) {
        const value = updateOnce(trainer, runner, nets, data, batch);
        if (!Number.isFinite(value)) {
          disposeInputs(fixed);
          appendEvent(opts.runDir, { event: 'nan', step, phase: runner.phase.name, value: String(value) });
          await opts.afterCheckpoint?.(step);
          throw new UserError(`phase ${runner.phase.name} gave a ${value} loss at step ${step}; stopped without saving it (last checkpoint: ${checkpoint || 'none'})`);
        }
        losses[runner.phase.name] = value;
      }
    }
    lossLog.append({ step, ...losses });
    await opts.afterStep?.(step, nets);
    const now = performance.now();
    if (step === steps || now - lastLog >= (opts.logEvery ?? 2) * 1000) {
      log(progressLine(step, steps, losses, (step - start) / ((now - began) / 1000)));
      lastLog = now;
    }
    if (step % trainer.preview.every === 0 || step === steps) await preview(step);
    if (step % trainer.checkpoint.every === 0 || step === steps) {
      checkpoint = await save(step);
      appendEvent(opts.runDir, { event: 'checkpoint', step, seconds: (performance.now() - began) / 1000, steps: step - start });
      await opts.afterCheckpoint?.(step);
    }
  }
  disposeInputs(fixed);
  const msPerStep = (performance.now() - began) / (steps - start);
  appendEvent(opts.runDir, { event: 'end', step: steps, seconds: (performance.now() - began) / 1000, steps: steps - start });
  return { step: steps, losses, nets, checkpoint, msPerStep };
}

// The training loop every generated trainer runs on: each step runs the phases in order, each
// phase `repeat` times (n_critic), and after each update averages the EMA copies of what it
// updated (ema.ts). Logs losses, writes sample grids and checkpoints, resumes
// exactly, stops cleanly on a NaN loss, and when asked to stop (a Ctrl-C) stops after the step in
// progress with that step's grid and checkpoint (before a fresh run's first step: the untrained
// networks', at step 0). Nothing is written before every check has passed
// (no earlier run in a fresh run's directory; a readable checkpoint, and steps left, on resume); a
// full disk stops the run with one line naming the last checkpoint.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint, type CheckpointSpec } from '../checkpoint';
import { loadData, type DataProgress } from '../data';
import type { DataSource } from '../../contract/data';
import { UserError } from '../errors';
import type { FileSystemError} from '../file-errors';
import { fileSystemError, isFileSystemFailure } from '../file-errors';
import { provenanceText, type Provenance } from '../provenance';
import { refuseExistingRun } from '../run-files';
import { installSeededRandom, restoreRng, rngState } from '../rng';
import type { AnyTrainer } from '../../contract/trainer';
import { startEma, updateEma } from './ema';
import { appendEvent, startEvent, trainSettings } from './events';
import { disposeInputs, previewInputs, writePreview } from './preview';
import { phaseRunners, runnerOptimizers, updateOnce } from './phase';
import { ensureProvenance, trimRecords } from './jsonl';
import { LossLog, progressLine } from './progress';

export interface TrainOptions {
  runDir: string;
  /** Folder relative data paths of the spec resolve against. */
  dataDir: string;
  steps?: number;
  batch?: number;
  seed?: number;
  resume?: boolean;
  /** Resume from this checkpoint directory rather than the run's latest (implies resume). */
  resumeFrom?: string;
  /** Called once the checkpoint and the data have loaded, before the loop writes anything, with the
   *  data's identity (runtime/data/identity.ts); gan-train checks it on a resume, then writes run.json. */
  onStart?: (at: { step: number; checkpoint: string; dataSha256: string }) => Promise<void> | void;
  /** Seconds between progress lines (0: every step). */
  logEvery?: number;
  log?: (line: string) => void;
  /** Called after every step, e.g. for evaluation, with the run's training seconds up to it (see
   *  TrainResult.trainSeconds). The hook's own time is not training time. */
  afterStep?: (step: number, nets: Record<string, tf.LayersModel>, trainSeconds: number) => Promise<void> | void;
  /** Called once before the first step with the step the session starts at, whether it
   *  resumed a checkpoint (a fresh run starts at 0) and the training seconds up to that step,
   *  e.g. to evaluate a fresh run's untrained networks. */
  beforeSteps?: (step: number, nets: Record<string, tf.LayersModel>, resumed: boolean, trainSeconds: number) => Promise<void> | void;
  /** Called after each checkpoint is written (and its event logged), and once more when a
   *  non-finite loss stops the run, e.g. to refresh a report. */
  afterCheckpoint?: (step: number) => Promise<void> | void;
  /** Already loaded data (tests share one). */
  data?: DataSource;
  /** The spec the trainer was compiled from, recorded in every checkpoint (spec.json). */
  spec?: CheckpointSpec;
  /** Progress of loading the data (reading image files), e.g. gan-train's meter on stderr. */
  dataProgress?: DataProgress;
  /** What trained (gan-train's spec and module hashes): a header of losses.jsonl and a tEXt chunk of every grid. */
  provenance?: Provenance;
  /** Once aborted, the loop stops after the step in progress (after the next one, when the abort
   *  lands while a step's grid or checkpoint is written): it writes that step's grid and
   *  checkpoint (aborted before a fresh run's first step: step 0's), logs a 'stopped' event with
   *  the abort's reason (gan-train: the signal's name) and returns. */
  stop?: AbortSignal;
}

export interface TrainResult {
  step: number;
  losses: Record<string, number>;
  nets: Record<string, tf.LayersModel>;
  checkpoint: string;
  msPerStep: number;
  /** The run's training wall time up to its last step, summed over its sessions: a resumed run
   *  continues from its checkpoint's count; the time in beforeSteps and afterStep (evaluations)
   *  is left out. Every checkpoint records it. */
  trainSeconds: number;
  /** Set when `stop` ended the run before its last step: the abort's reason. */
  stopped?: string;
}

/** The trainer's networks as built (EMA copies start as copies of their sources). */
export function buildNetworks(trainer: AnyTrainer): Record<string, tf.LayersModel> {
  const nets = Object.fromEntries(Object.entries(trainer.networks).map(([name, build]) => [name, build()]));
  startEma(trainer, nets);
  return nets;
}

export async function train(trainer: AnyTrainer, opts: TrainOptions): Promise<TrainResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const steps = opts.steps ?? trainer.hyperparameters.steps;
  const batch = opts.batch ?? trainer.hyperparameters.batch;
  const seed = opts.seed ?? 0;

  installSeededRandom(seed);
  const nets = buildNetworks(trainer);
  const phases = phaseRunners(trainer, nets);
  // Each optimizer once, by name: a shared one is saved and restored once.
  const optimizers = runnerOptimizers(phases);
  const updated = new Map(phases.map((p) => [p, new Set(p.phase.updates.map((u) => u.net))]));

  let start = 0;
  let checkpoint = '';
  let trainedBefore: number | undefined = 0; // training seconds of the sessions before this one (undefined: not recorded)
  const lossLog = new LossLog(join(opts.runDir, 'losses.jsonl'));
  const resume = opts.resume || opts.resumeFrom !== undefined;
  if (resume) {
    const loaded = await loadCheckpoint(opts.resumeFrom ?? opts.runDir, nets, optimizers);
    start = loaded.step;
    checkpoint = loaded.dir;
    trainedBefore = loaded.trainSeconds;
    restoreRng(loaded.rng);
  } else {
    refuseExistingRun(opts.runDir);
  }
  if (start >= steps) throw new UserError(`the run in ${opts.runDir} is already at step ${start} of ${steps}: ask for more with --steps`);

  const data = opts.data ?? (await loadData(trainer.data, opts.dataDir, opts.dataProgress));
  const fixed = previewInputs(trainer, data, seed + 1);
  try {
    if (opts.onStart) await opts.onStart({ step: start, checkpoint, dataSha256: data.identity() });
    if (resume) {
      log(`resumed from ${checkpoint} at step ${start}`);
      if (trainedBefore === undefined) log(`${checkpoint} records no training time (written before ganspec recorded it): trainSeconds counts from this session`);
      // Records after the checkpoint are recomputed; a torn last line is dropped.
      for (const file of [join(opts.runDir, 'losses.jsonl'), join(opts.runDir, 'metrics.jsonl')]) {
        const dropped = await trimRecords(file, start);
        if (dropped !== undefined) log(dropped);
      }
    }
    if (opts.provenance) ensureProvenance(join(opts.runDir, 'losses.jsonl'), opts.provenance);
    try {
      mkdirSync(join(opts.runDir, 'samples'), { recursive: true });
    } catch (err) {
      throw fileSystemError(err);
    }
  } catch (err) {
    disposeInputs(fixed);
    throw err;
  }
  appendEvent(opts.runDir, startEvent({
    step: start, resumed: opts.resume === true, backend: tf.getBackend(),
    dataSize: Number.isFinite(data.size) ? data.size : null, settings: trainSettings(trainer, batch, steps, seed),
  }));
  const save = async (step: number) =>
    saveCheckpoint(opts.runDir, {
      step, networks: nets, optimizers, rng: rngState(), trainSeconds: trained(), meta: { name: trainer.name, batch, seed }, ...(opts.spec ? { spec: opts.spec } : {}),
    }, trainer.checkpoint.keep);
  const pngText = opts.provenance ? provenanceText(opts.provenance) : {};
  const preview = (step: number) => writePreview(trainer, nets, fixed, join(opts.runDir, 'samples', `step-${String(step).padStart(6, '0')}.png`), 1, pngText);
  const checkpointAt = async (step: number) => {
    checkpoint = await save(step);
    appendEvent(opts.runDir, { event: 'checkpoint', step, seconds: (performance.now() - began) / 1000, steps: step - start });
    await opts.afterCheckpoint?.(step);
  };

  const losses: Record<string, number> = {};
  let began = performance.now();
  let lastLog = began;
  let reached = start;
  let hooked = 0; // seconds in afterStep since `began`
  const trained = () => (trainedBefore ?? 0) + (performance.now() - began) / 1000 - hooked;
  try {
    if (opts.beforeSteps) {
      await opts.beforeSteps(start, nets, resume, trainedBefore ?? 0);
      began = lastLog = performance.now(); // the hook's time is not training time
    }
    // The stop is read once a step, after its updates and hooks, and that one reading decides
    // both that the step is saved and that the loop ends there: a stop that lands later (while
    // the grid is written, say) is read after the next step, which is then the one saved.
    let last = opts.stop?.aborted === true;
    // Stopped before a fresh run's first step: its untrained networks are step 0's grid and
    // checkpoint, so that --resume continues the run (keeping step 0's evaluation, if made).
    if (last && checkpoint === '') {
      await preview(start);
      await checkpointAt(start);
    }
    for (let step = start + 1; step <= steps && !last; step++) {
      for (const runner of phases) {
        for (let r = 0; r < runner.phase.settings.repeat; r++) {
          const value = await updateOnce(trainer, runner, nets, data, batch, step);
          if (!Number.isFinite(value)) {
            appendEvent(opts.runDir, { event: 'nan', step, phase: runner.phase.name, value: String(value) });
            await opts.afterCheckpoint?.(step);
            throw new UserError(`phase ${runner.phase.name} gave a ${value} loss at step ${step}; stopped without saving it (last checkpoint: ${checkpoint || 'none'})`);
          }
          losses[runner.phase.name] = value;
          updateEma(trainer, nets, updated.get(runner)!, step);
        }
      }
      lossLog.append({ step, ...losses });
      if (opts.afterStep) {
        const before = performance.now();
        await opts.afterStep(step, nets, trained());
        hooked += (performance.now() - before) / 1000;
      }
      const now = performance.now();
      if (step === steps || now - lastLog >= (opts.logEvery ?? 2) * 1000) {
        log(progressLine(step, steps, losses, (step - start) / ((now - began) / 1000)));
        lastLog = now;
      }
      // Turn the event loop once a step, so that signal handlers (gan-train's stop on Ctrl-C) run
      // between steps and not only at the next file write.
      await new Promise<void>((next) => {
        setImmediate(next);
      });
      last = step === steps || opts.stop?.aborted === true;
      if (step % trainer.preview.every === 0 || last) await preview(step);
      if (step % trainer.checkpoint.every === 0 || last) await checkpointAt(step);
      reached = step;
    }
  } catch (err) {
    // A full disk or an unwritable file mid-run: one line, with what to do next.
    if (isFileSystemFailure(err)) {
      const failure = fileSystemError(err) as FileSystemError;
      const fix = failure.code === 'ENOSPC' || failure.code === 'EDQUOT' ? 'free some space' : 'fix that';
      throw new UserError(`${failure.message}; the last checkpoint is ${checkpoint || 'none'}: ${fix}, then continue with --resume`);
    }
    throw err;
  } finally {
    disposeInputs(fixed);
  }
  const seconds = (performance.now() - began) / 1000;
  const msPerStep = reached > start ? (1000 * seconds) / (reached - start) : 0;
  if (reached < steps) {
    const stopped = String(opts.stop?.reason);
    appendEvent(opts.runDir, { event: 'stopped', step: reached, seconds, steps: reached - start, reason: stopped });
    return { step: reached, losses, nets, checkpoint, msPerStep, trainSeconds: trained(), stopped };
  }
  appendEvent(opts.runDir, { event: 'end', step: steps, seconds, steps: steps - start });
  return { step: steps, losses, nets, checkpoint, msPerStep, trainSeconds: trained() };
}

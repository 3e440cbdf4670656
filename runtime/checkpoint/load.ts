// loadCheckpoint: finds a checkpoint (a checkpoint dir, or a run dir / checkpoints dir via its
// `latest` pointer), reads and checks every requested network and optimizer before changing any,
// then restores them in place and returns the saved step, rng state, training seconds and meta. Optimizer state is
// read only when optimizers are given (gan-sample and gan-eval load the networks alone).
// readCheckpointSpec reads the spec a checkpoint recorded, for gan-train --resume's comparison.
import * as tf from '@tensorflow/tfjs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../errors';
import { isRecord, readJson } from './files';
import { CHECKPOINTS_DIR, LATEST_FILE, parseStepDirName, SPEC_FILE, STATE_FILE } from './layout';
import type { CheckpointSpec } from './save';
import { readNetworkWeights } from './network-weights';
import { applyOptimizer, readOptimizers } from './optimizer-state';

export interface LoadedCheckpoint {
  /** The checkpoint directory that was loaded. */
  dir: string;
  step: number;
  /** Pass to restoreRng() after building the models (initialisers draw from Math.random). */
  rng: number[];
  /** The run's training seconds up to this step; absent in checkpoints written before they were recorded. */
  trainSeconds?: number;
  meta?: object;
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

async function resolveCheckpointDir(pathOrRunDir: string): Promise<string> {
  if (await isFile(path.join(pathOrRunDir, STATE_FILE))) return pathOrRunDir;
  const inRunDir = path.join(pathOrRunDir, CHECKPOINTS_DIR, LATEST_FILE);
  const latestFile = (await isFile(inRunDir)) ? inRunDir : path.join(pathOrRunDir, LATEST_FILE);
  if (!(await isFile(latestFile))) {
    throw new UserError(`no checkpoint at ${pathOrRunDir} (neither ${path.join(pathOrRunDir, STATE_FILE)} nor ${inRunDir} exists)`);
  }
  const latest = await readJson(latestFile);
  if (!isRecord(latest) || typeof latest.checkpoint !== 'string' || parseStepDirName(latest.checkpoint) === null) {
    throw new UserError(`corrupt checkpoint file ${latestFile}: no checkpoint name`);
  }
  return path.join(path.dirname(latestFile), latest.checkpoint);
}

function isUint32Array(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff);
}

async function readState(dir: string): Promise<LoadedCheckpoint> {
  const file = path.join(dir, STATE_FILE);
  const state = await readJson(file);
  if (!isRecord(state) || !Number.isSafeInteger(state.step) || (state.step as number) < 0 ||
    !isUint32Array(state.rng) || !(state.meta === undefined || isRecord(state.meta)) ||
    !(state.trainSeconds === undefined || (typeof state.trainSeconds === 'number' && Number.isFinite(state.trainSeconds) && state.trainSeconds >= 0))) {
    throw new UserError(`corrupt checkpoint file ${file}: expected {step, rng, trainSeconds?, meta?}`);
  }
  return {
    dir, step: state.step as number, rng: state.rng,
    ...(state.trainSeconds === undefined ? {} : { trainSeconds: state.trainSeconds as number }),
    ...(state.meta === undefined ? {} : { meta: state.meta }),
  };
}

/**
 * Restores `networks` (already built, same architecture) and `optimizers` (same classes, used
 * with the same variable order, see optimizer-state.ts) from a checkpoint. Without optimizers
 * (none given, or an empty record) the checkpoint's optimizer files are not read at all.
 */
export async function loadCheckpoint(
  pathOrRunDir: string,
  networks: Record<string, tf.LayersModel>,
  optimizers: Record<string, tf.Optimizer> = {},
): Promise<LoadedCheckpoint> {
  const dir = await resolveCheckpointDir(pathOrRunDir);
  const loaded = await readState(dir);
  const weights: [tf.LayersModel, tf.Tensor[]][] = [];
  try {
    for (const [name, model] of Object.entries(networks)) {
      weights.push([model, await readNetworkWeights(name, path.join(dir, name), model)]);
    }
    const optimizerStates = Object.keys(optimizers).length > 0 ? await readOptimizers(dir, optimizers) : [];
    for (const [model, tensors] of weights) model.setWeights(tensors);
    for (const restore of optimizerStates) await applyOptimizer(restore);
  } finally {
    tf.dispose(weights.flatMap(([, tensors]) => tensors));
  }
  return loaded;
}

/**
 * The checkpoint a resume would load (as loadCheckpoint finds it), its step, and the spec it
 * recorded (undefined for a run of a module without a spec, or a checkpoint older than spec.json).
 */
export async function readCheckpointSpec(pathOrRunDir: string): Promise<{ dir: string; step: number; spec?: CheckpointSpec }> {
  const dir = await resolveCheckpointDir(pathOrRunDir);
  const { step } = await readState(dir);
  const file = path.join(dir, SPEC_FILE);
  if (!(await isFile(file))) return { dir, step };
  const spec = await readJson(file);
  if (!isRecord(spec) || typeof spec.sha256 !== 'string' || !isRecord(spec.values)) {
    throw new UserError(`corrupt checkpoint file ${file}: expected {sha256, values}`);
  }
  return { dir, step, spec: { sha256: spec.sha256, values: spec.values } };
}

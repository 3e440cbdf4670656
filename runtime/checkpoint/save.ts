// saveCheckpoint: writes runDir/checkpoints/step-000123/ (one model dir per network, optimizer
// state, state.json (step, random stream, training seconds, meta), and spec.json: the spec it trains, when there is one) into a `.tmp-` dir, renames it into place, then repoints `latest` and prunes
// old checkpoints. A crash at any point leaves `latest` naming a complete checkpoint; its leftover
// `.tmp-` entries are deleted by the next save (one writer per run dir is assumed).
import type * as tf from '@tensorflow/tfjs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { dirIOHandler } from './dir-io-handler';
import { writeFileAtomic, writeFileDurable } from '../atomic-write';
import {
  CHECKPOINTS_DIR, LATEST_FILE, OPTIMIZERS_BIN, OPTIMIZERS_JSON, parseStepDirName, SPEC_FILE, STATE_FILE, stepDirName, TEMP_PREFIX, tempSibling,
} from './layout';
import { writeOptimizers } from './optimizer-state';

export interface CheckpointState {
  step: number;
  networks: Record<string, tf.LayersModel>;
  optimizers: Record<string, tf.Optimizer>;
  rng: number[];
  /** The run's training wall time up to this step, summed over its sessions (evaluations left out). */
  trainSeconds?: number;
  meta?: object;
  /** The spec the run trains, written to spec.json (gan-train --resume compares it with the spec it is given). */
  spec?: CheckpointSpec;
}

/** A spec as a checkpoint records it: its values (after `extends` and `--set`) and their SHA-256. */
export interface CheckpointSpec {
  sha256: string;
  values: unknown;
}

const NETWORK_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const RESERVED_NAMES = new Set([STATE_FILE, OPTIMIZERS_JSON, OPTIMIZERS_BIN, SPEC_FILE]);

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

async function removeTempEntries(dir: string): Promise<void> {
  const names = await readdir(dir);
  await Promise.all(names.filter((n) => n.startsWith(TEMP_PREFIX)).map((n) => rm(path.join(dir, n), { recursive: true, force: true })));
}

async function writeCheckpointDir(dir: string, state: CheckpointState): Promise<void> {
  await mkdir(dir);
  for (const [name, model] of Object.entries(state.networks)) {
    if (!NETWORK_NAME.test(name) || RESERVED_NAMES.has(name)) throw new Error(`network name '${name}' cannot be a checkpoint directory name`);
    await model.save(dirIOHandler(path.join(dir, name)));
  }
  await writeOptimizers(dir, state.optimizers);
  if (state.spec !== undefined) await writeFileDurable(path.join(dir, SPEC_FILE), `${JSON.stringify(state.spec, null, 1)}\n`);
  await writeFileDurable(path.join(dir, STATE_FILE), JSON.stringify({ step: state.step, rng: state.rng, trainSeconds: state.trainSeconds, meta: state.meta }));
}

// Moves `temp` to `target`, replacing an existing checkpoint of the same step (after a resume);
// only a crash between the two renames of a replacement leaves `target` briefly missing.
async function publish(temp: string, target: string): Promise<void> {
  if (!(await exists(target))) return rename(temp, target);
  const displaced = tempSibling(target);
  await rename(target, displaced);
  await rename(temp, target);
  await rm(displaced, { recursive: true, force: true });
}

// Keeps the `keep` newest checkpoints up to `step` (including it). Checkpoints with a higher step
// come from a run this one resumed before the end of; they are overwritten as it reaches them.
async function prune(dir: string, step: number, keep: number): Promise<void> {
  const older = (await readdir(dir))
    .map((name) => ({ name, step: parseStepDirName(name) }))
    .filter((c): c is { name: string; step: number } => c.step !== null && c.step < step)
    .sort((a, b) => b.step - a.step);
  await Promise.all(older.slice(keep - 1).map((c) => rm(path.join(dir, c.name), { recursive: true, force: true })));
}

/** Writes a checkpoint for `state.step`, keeps the last `keep` (≥ 1) and returns its directory. */
export async function saveCheckpoint(runDir: string, state: CheckpointState, keep = 3): Promise<string> {
  if (!Number.isSafeInteger(state.step) || state.step < 0) throw new Error(`checkpoint step must be a non-negative integer, got ${state.step}`);
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`checkpoints to keep must be a positive integer, got ${keep}`);
  const dir = path.join(runDir, CHECKPOINTS_DIR);
  await mkdir(dir, { recursive: true });
  await removeTempEntries(dir);
  const name = stepDirName(state.step);
  const target = path.join(dir, name);
  const temp = tempSibling(target);
  try {
    await writeCheckpointDir(temp, state);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  await publish(temp, target);
  await writeFileAtomic(path.join(dir, LATEST_FILE), `${JSON.stringify({ checkpoint: name, step: state.step })}\n`);
  await prune(dir, state.step, keep);
  return target;
}

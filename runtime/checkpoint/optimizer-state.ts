// Saves and restores tf.Optimizer state as optimizers.json (per optimizer: class, weight specs,
// byte range, scalar accumulators) + optimizers.bin (every optimizer's getWeights(), encoded
// with tf.io.encodeWeights and concatenated).
//
// How tfjs 4.22 optimizers hold state (tfjs-core/dist/optimizers/*_optimizer.js):
// - getWeights() is [iter (int32 scalar), ...slots], slots grouped by kind, then by variable:
//   Adam [m..., v...], RMSProp [rms..., momentum..., mg... if centered], Momentum/Adagrad
//   [accumulator...], Adadelta [accumGrad..., accumUpdate...], SGD none; Adamax throws.
// - Slot i belongs to the i-th variable of the list given to minimize(f, _, varList) or
//   applyGradients; slot names (`<variable>/m`) are labels only and setWeights just slices by
//   count. A resumed trainer must therefore pass the same variables in the same order (e.g. a
//   model's trainableWeights) as the run that saved; without a varList the order is the
//   engine's variable registration order.
// - Adam keeps beta1^t and beta2^t in scalar variables (accBeta1/accBeta2) outside getWeights,
//   updated by repeated float32 multiplication; setWeights recomputes them with pow(), which
//   differs in the last bit after a few steps. Every scalar tf.Variable field of an optimizer is
//   therefore saved by property name and assigned back after setWeights.
// - setWeights replaces slot variables without disposing the old ones; restoring disposes them.
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { writeFileDurable } from '../atomic-write';
import { checkDigest, isRecord, readBuffer, readJson, sha256 } from './files';
import { OPTIMIZERS_BIN, OPTIMIZERS_JSON } from './layout';

type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

interface SavedOptimizer {
  className: string;
  byteOffset: number;
  byteLength: number;
  weights: tf.io.WeightsManifestEntry[];
  scalars: Record<string, number>;
}

export interface OptimizerRestore {
  optimizer: tf.Optimizer;
  weights: NamedTensor[];
  scalars: Record<string, number>;
}

function scalarVariables(optimizer: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(optimizer).filter(
    (e): e is [string, tf.Variable] => e[1] instanceof tf.Variable && e[1].rank === 0,
  );
}

async function encodeOptimizer(name: string, optimizer: tf.Optimizer) {
  let weights: NamedTensor[];
  try {
    weights = await optimizer.getWeights();
  } catch (err) {
    throw new UserError(`optimizer '${name}' (${optimizer.getClassName()}) cannot be checkpointed: ${(err as Error).message}`);
  }
  try {
    const encoded = await tf.io.encodeWeights(weights);
    const scalars: Record<string, number> = {};
    for (const [key, variable] of scalarVariables(optimizer)) scalars[key] = (await variable.data())[0] as number;
    return { ...encoded, scalars };
  } finally {
    tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable))); // the fresh iter scalar
  }
}

export async function writeOptimizers(dir: string, optimizers: Record<string, tf.Optimizer>): Promise<void> {
  const saved: Record<string, SavedOptimizer> = {};
  const chunks: ArrayBuffer[] = [];
  let byteOffset = 0;
  for (const [name, optimizer] of Object.entries(optimizers)) {
    const { data, specs, scalars } = await encodeOptimizer(name, optimizer);
    saved[name] = { className: optimizer.getClassName(), byteOffset, byteLength: data.byteLength, weights: specs, scalars };
    chunks.push(data);
    byteOffset += data.byteLength;
  }
  const bin = new Uint8Array(tf.io.CompositeArrayBuffer.join(chunks));
  await writeFileDurable(path.join(dir, OPTIMIZERS_BIN), bin);
  await writeFileDurable(path.join(dir, OPTIMIZERS_JSON), JSON.stringify({ optimizers: saved, sha256: sha256(bin) }));
}

function isSavedOptimizer(x: unknown): x is SavedOptimizer {
  return isRecord(x) && typeof x.className === 'string' && Number.isInteger(x.byteOffset) &&
    Number.isInteger(x.byteLength) && Array.isArray(x.weights) && isRecord(x.scalars) &&
    Object.values(x.scalars).every((v) => typeof v === 'number');
}

/** Reads and checks the saved state of each of `optimizers` without touching them yet. */
export async function readOptimizers(dir: string, optimizers: Record<string, tf.Optimizer>): Promise<OptimizerRestore[]> {
  const jsonFile = path.join(dir, OPTIMIZERS_JSON);
  const binFile = path.join(dir, OPTIMIZERS_BIN);
  const json = await readJson(jsonFile);
  if (!isRecord(json) || !isRecord(json.optimizers)) throw new UserError(`corrupt checkpoint file ${jsonFile}: no optimizers`);
  const bin = await readBuffer(binFile);
  checkDigest(binFile, bin, json.sha256);
  const restores: OptimizerRestore[] = [];
  try {
    for (const [name, optimizer] of Object.entries(optimizers)) {
      const saved = json.optimizers[name];
      if (saved === undefined) throw new UserError(`checkpoint ${jsonFile} has no optimizer '${name}'`);
      if (!isSavedOptimizer(saved)) throw new UserError(`corrupt checkpoint file ${jsonFile}: bad entry for optimizer '${name}'`);
      if (saved.className !== optimizer.getClassName()) {
        throw new UserError(`checkpoint optimizer '${name}' is ${saved.className} but the trainer built ${optimizer.getClassName()} (${jsonFile})`);
      }
      const fields = new Map(scalarVariables(optimizer));
      const unknown = Object.keys(saved.scalars).find((key) => !fields.has(key));
      if (unknown !== undefined) throw new UserError(`corrupt checkpoint file ${jsonFile}: optimizer '${name}' has no field ${unknown}`);
      if (saved.byteOffset < 0 || saved.byteOffset + saved.byteLength > bin.byteLength) {
        throw new UserError(`corrupt checkpoint file ${binFile}: optimizer '${name}' lies outside the file`);
      }
      let decoded: tf.NamedTensorMap;
      try {
        decoded = tf.io.decodeWeights(bin.slice(saved.byteOffset, saved.byteOffset + saved.byteLength), saved.weights);
      } catch (err) {
        throw new UserError(`corrupt checkpoint file ${binFile}: optimizer '${name}': ${(err as Error).message}`);
      }
      const weights = saved.weights.map((spec) => ({ name: spec.name, tensor: decoded[spec.name]! }));
      restores.push({ optimizer, weights, scalars: saved.scalars });
    }
  } catch (err) {
    restores.forEach((r) => tf.dispose(r.weights.map((w) => w.tensor)));
    throw err;
  }
  return restores;
}

/** Puts read state into its optimizer (which takes copies; the read tensors are disposed). */
export async function applyOptimizer({ optimizer, weights, scalars }: OptimizerRestore): Promise<void> {
  const replaced = await optimizer.getWeights();
  await optimizer.setWeights(weights);
  tf.dispose(replaced.map((w) => w.tensor));
  tf.dispose(weights.map((w) => w.tensor));
  const fields = new Map(scalarVariables(optimizer));
  tf.tidy(() => {
    for (const [key, value] of Object.entries(scalars)) {
      const variable = fields.get(key)!;
      variable.assign(tf.scalar(value, variable.dtype));
    }
  });
}

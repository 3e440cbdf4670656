// The TensorFlow.js half of the tfjs-vs-torch equivalence test: builds a trainer's networks with a
// seed, turns dropout off, draws fixed real batches and random inputs for one full cycle (every
// phase, each `repeat` times), runs that cycle through the runtime's own phase and EMA code
// (runtime/loop/phase.ts updateWith, ema.ts updateEma) while recording every random draw a loss
// makes (runtime/ops/draws.ts) and the gradients each update hands its optimizer, and writes it all
// to DIR/cycle.json (the index) and DIR/cycle.bin (the tensors, little-endian float32 / int32, in
// tfjs layout). The state before the first update and after each one is recorded whole: every
// network's weights (model.weights order, tfjs names: batch-norm moving statistics, spectral
// norm's u and EMA copies included) and every optimizer's state (iteration count, Adam's
// accBeta1/accBeta2, its slots: Adam's m and v, RMSprop's mean squares and moments), a tensor that
// did not change since the previous state stored once. So each update can be replayed alone from
// the state it started from: test/equivalence/torch_cycle.py does that on the torch target.
// Imports runtime/ and contract/ (a test helper).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DataSource } from '../../contract/data';
import type { AnyTrainer, EmaDef, OptimizerSettings } from '../../contract/trainer';
import { setDropoutEnabled } from '../../runtime/loop/dropout';
import { updateEma } from '../../runtime/loop/ema';
import { phaseRunners, runnerOptimizers, updateWith, type PhaseRunner } from '../../runtime/loop/phase';
import { drawInputs } from '../../runtime/loop/random-inputs';
import { buildNetworks } from '../../runtime/loop/train';
import { listenToDraws, type Draw } from '../../runtime/ops/draws';
import { installSeededRandom } from '../../runtime/rng';

/** Where a tensor lies in cycle.bin. */
export interface TensorRef {
  readonly offset: number;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
}

export type DrawRecord = { kind: 'uniform' | 'normal'; tensor: TensorRef } | Extract<Draw, { kind: 'augment' }>;

/** An optimizer's state at one moment. */
export interface OptimizerState {
  /** Updates made so far (tfjs's iterations). */
  readonly iterations: number;
  /** Adam only: beta1^t and beta2^t as the float32 values tfjs keeps (t: the next update's number). */
  readonly accBeta1?: number;
  readonly accBeta2?: number;
  /** Per slot kind (tfjs's suffix: m, v, rms, momentum), one tensor per variable; none before tfjs made them (zeros). */
  readonly slots: Record<string, TensorRef[]>;
}

/** Everything an update reads and writes: per network its weights in model.weights order, per optimizer its state. */
export interface StateRecord {
  readonly networks: Record<string, TensorRef[]>;
  readonly optimizers: Record<string, OptimizerState>;
}

export interface UpdateRecord {
  readonly real: Record<string, TensorRef>;
  readonly sampled: Record<string, TensorRef>;
  readonly draws: DrawRecord[];
  readonly loss: number;
  /** The gradient of each of the optimizer's variables (null: the loss does not reach it), tfjs layout. */
  readonly gradients: (TensorRef | null)[];
  /** Indices into CycleRecord.states: the state the update started from and the one it left. */
  readonly before: number;
  readonly after: number;
}

/** An optimizer: its settings and its variables in order, as network and weight name. */
export interface OptimizerRecord {
  readonly name: string;
  readonly settings: OptimizerSettings;
  readonly vars: { net: string; weight: string }[];
}

export interface CycleRecord {
  readonly name: string;
  readonly seed: number;
  readonly batch: number;
  /** Per network, its weights in model.weights order (the tensors are in each state). */
  readonly networks: Record<string, { name: string; trainable: boolean }[]>;
  /** The state before the cycle, then after each update in order. */
  readonly states: StateRecord[];
  /** Per phase in schedule order, one record per repeat; each names its optimizer. */
  readonly phases: { name: string; optimizer: string; updates: UpdateRecord[] }[];
  readonly optimizers: OptimizerRecord[];
  readonly ema: readonly EmaDef[];
}

/** Collects tensors' bytes in one buffer; a keyed tensor whose bytes did not change is stored once. */
class Bin {
  private parts: Buffer[] = [];
  private size = 0;
  private last = new Map<string, { bytes: Buffer; ref: TensorRef }>();

  add(t: tf.Tensor, key?: string): TensorRef {
    const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
    const values = dtype === 'int32' ? Int32Array.from(t.dataSync()) : Float32Array.from(t.dataSync());
    return this.addValues(values, [...t.shape], dtype, key);
  }

  addValues(values: Float32Array | Int32Array, shape: number[], dtype: 'float32' | 'int32', key?: string): TensorRef {
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    const seen = key === undefined ? undefined : this.last.get(key);
    if (seen !== undefined && seen.bytes.equals(bytes)) return seen.ref;
    const ref = { offset: this.size, shape, dtype };
    const copy = Buffer.from(bytes);
    this.parts.push(copy);
    this.size += copy.byteLength;
    if (key !== undefined) this.last.set(key, { bytes: copy, ref });
    return ref;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** The private fields tfjs 4.22 keeps Adam's beta powers in (runtime/loop/fused-optimizers.ts reads them too). */
interface AdamBetas {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

async function recordState(bin: Bin, nets: Record<string, tf.LayersModel>, optimizers: Record<string, tf.Optimizer>): Promise<StateRecord> {
  const networks = Object.fromEntries(Object.entries(nets).map(([net, model]) => [net, model.weights.map((w, i) => bin.add(w.read(), `${net}/${i}`))]));
  const states: Record<string, OptimizerState> = {};
  for (const [name, optimizer] of Object.entries(optimizers)) {
    const slots: Record<string, TensorRef[]> = {};
    const weights = await optimizer.getWeights();
    for (const [i, { name: slot, tensor }] of weights.slice(1).entries()) {
      (slots[slot.slice(slot.lastIndexOf('/') + 1)] ??= []).push(bin.add(tensor, `${name}/${i}`));
    }
    const { accBeta1, accBeta2 } = optimizer as unknown as AdamBetas;
    states[name] = {
      iterations: optimizer.iterations, slots,
      ...(accBeta1 && accBeta2 ? { accBeta1: accBeta1.dataSync()[0]!, accBeta2: accBeta2.dataSync()[0]! } : {}),
    };
  }
  return { networks, optimizers: states };
}

/** Calls `fn` with the gradients `runner`'s optimizer is given while `run` runs, in the order of its variables. */
function watchGradients<T>(runner: PhaseRunner, fn: (gradients: (tf.Tensor | null)[]) => void, run: () => T): T {
  const optimizer = runner.optimizer;
  const apply = optimizer.applyGradients;
  optimizer.applyGradients = function (this: tf.Optimizer, gradients) {
    const named = Array.isArray(gradients) ? Object.fromEntries(gradients.map((g) => [g.name, g.tensor])) : gradients;
    fn(runner.vars.map((v) => named[v.name] ?? null));
    return apply.call(this, gradients);
  };
  try {
    return run();
  } finally {
    optimizer.applyGradients = apply;
  }
}

/**
 * Runs one cycle of `trainer` at `batch` from seed `seed` on real batches drawn from `data`, and
 * writes cycle.json and cycle.bin into `dir`. Returns the record (also in cycle.json).
 */
export async function dumpCycle(trainer: AnyTrainer, data: DataSource, dir: string, seed: number, batch: number): Promise<CycleRecord> {
  installSeededRandom(seed);
  const bin = new Bin();
  const nets = buildNetworks(trainer);
  setDropoutEnabled(nets, false);
  const runners = phaseRunners(trainer, nets);
  const optimizers = runnerOptimizers(runners);
  const states = [await recordState(bin, nets, optimizers)];

  const phases: CycleRecord['phases'] = [];
  for (const runner of runners) {
    const { phase } = runner;
    const updated = new Set(phase.updates.map((u) => u.net));
    const updates: UpdateRecord[] = [];
    for (let r = 0; r < phase.settings.repeat; r++) {
      const real = phase.real.length > 0 ? data.batch(batch, Math.random) : {};
      for (const [name, t] of Object.entries(real)) {
        if (!phase.real.includes(name)) {
          t.dispose();
          delete real[name];
        }
      }
      const sampled = drawInputs(trainer.samples, phase.sampled, batch);
      const draws: DrawRecord[] = [];
      let gradients: (TensorRef | null)[] = [];
      listenToDraws((d) => draws.push(d.kind === 'augment' ? d : { kind: d.kind, tensor: bin.addValues(d.values, d.shape, 'float32') }));
      let loss: number;
      try {
        // The update's work (and every draw and gradient) is done when updateWith returns; only its loss is read later.
        loss = await watchGradients(runner, (gs) => (gradients = gs.map((g) => (g === null ? null : bin.add(g)))), () => updateWith(runner, nets, real, sampled, 1));
      } finally {
        listenToDraws(null);
      }
      updateEma(trainer, nets, updated, 1);
      const refs = (inputs: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, bin.add(t)]));
      states.push(await recordState(bin, nets, optimizers));
      updates.push({ real: refs(real), sampled: refs(sampled), draws, loss, gradients, before: states.length - 2, after: states.length - 1 });
      tf.dispose([...Object.values(real), ...Object.values(sampled)]);
    }
    phases.push({ name: phase.name, optimizer: runner.optimizerName, updates });
  }

  const owners = new Map<tf.Variable, { net: string; weight: string }>();
  for (const [net, model] of Object.entries(nets)) for (const w of model.weights) owners.set(w.read() as tf.Variable, { net, weight: w.originalName });
  const optimizerRecords: OptimizerRecord[] = Object.keys(optimizers).map((name) => {
    const owner = runners.find((r) => r.optimizerName === name)!;
    return { name, settings: owner.phase.settings.optimizer, vars: owner.vars.map((v) => owners.get(v)!) };
  });
  const networks = Object.fromEntries(Object.entries(nets).map(([net, model]) => [net, model.weights.map((w) => ({ name: w.originalName, trainable: w.trainable }))]));
  Object.values(nets).forEach((m) => m.dispose());
  new Set(runners.map((r) => r.optimizer)).forEach((o) => o.dispose());
  const record: CycleRecord = { name: trainer.name, seed, batch, networks, states, phases, optimizers: optimizerRecords, ema: trainer.ema ?? [] };
  writeFileSync(join(dir, 'cycle.bin'), bin.bytes());
  writeFileSync(join(dir, 'cycle.json'), `${JSON.stringify(record, null, 1)}\n`);
  return record;
}

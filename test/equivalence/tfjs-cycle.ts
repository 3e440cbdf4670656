// The TensorFlow.js half of the tfjs-vs-torch equivalence test: builds a trainer's networks with a
// seed, turns dropout off, draws fixed real batches and random inputs for one full cycle (every
// phase, each `repeat` times), runs that cycle through the runtime's own phase and EMA code
// (runtime/loop/phase.ts updateWith, ema.ts updateEma) while recording every random draw a loss
// makes (runtime/ops/draws.ts), and writes it all to DIR/cycle.json (the index) and DIR/cycle.bin
// (the tensors, little-endian float32 / int32, in tfjs layout): the initial and updated weights of
// every network (EMA copies included) in model.weights order with tfjs names, every optimizer's
// state after the cycle (Adam's m and v, RMSprop's mean squares and moments: the gradients, at
// full magnitude), the inputs, the draws and the losses. test/equivalence/torch_cycle.py replays it on the torch target.
// Imports runtime/ and contract/ (a test helper).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DataSource } from '../../contract/data';
import type { AnyTrainer, EmaDef, OptimizerSettings } from '../../contract/trainer';
import { setDropoutEnabled } from '../../runtime/loop/dropout';
import { updateEma } from '../../runtime/loop/ema';
import { phaseRunners, runnerOptimizers, updateWith } from '../../runtime/loop/phase';
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

export interface UpdateRecord {
  readonly real: Record<string, TensorRef>;
  readonly sampled: Record<string, TensorRef>;
  readonly draws: DrawRecord[];
  readonly loss: number;
}

/** An optimizer's state after the cycle: per slot kind (tfjs's suffix: m, v, rms, momentum), one tensor per variable. */
export interface OptimizerRecord {
  readonly name: string;
  readonly settings: OptimizerSettings;
  /** The updates it made in the cycle. */
  readonly updates: number;
  /** Its variables in order, as network and weight name. */
  readonly vars: { net: string; weight: string }[];
  readonly slots: Record<string, TensorRef[]>;
}

export interface CycleRecord {
  readonly name: string;
  readonly seed: number;
  readonly batch: number;
  /** Per network, its weights in model.weights order. */
  readonly networks: Record<string, { name: string; trainable: boolean; initial: TensorRef; updated: TensorRef }[]>;
  /** Per phase in schedule order, one record per repeat. */
  readonly phases: { name: string; updates: UpdateRecord[] }[];
  readonly optimizers: OptimizerRecord[];
  readonly ema: readonly EmaDef[];
}

/** Collects tensors' bytes in one buffer. */
class Bin {
  private parts: Buffer[] = [];
  private size = 0;

  add(t: tf.Tensor): TensorRef {
    const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
    const values = dtype === 'int32' ? Int32Array.from(t.dataSync()) : Float32Array.from(t.dataSync());
    return this.addValues(values, [...t.shape], dtype);
  }

  addValues(values: Float32Array | Int32Array, shape: number[], dtype: 'float32' | 'int32'): TensorRef {
    const ref = { offset: this.size, shape, dtype };
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    this.parts.push(Buffer.from(bytes));
    this.size += bytes.byteLength;
    return ref;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
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
  const initial = Object.fromEntries(Object.entries(nets).map(([net, model]) => [net, model.weights.map((w) => bin.add(w.read()))]));

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
      listenToDraws((d) => draws.push(d.kind === 'augment' ? d : { kind: d.kind, tensor: bin.addValues(d.values, d.shape, 'float32') }));
      let loss: number;
      try {
        loss = updateWith(runner, nets, real, sampled, 1);
      } finally {
        listenToDraws(null);
      }
      updateEma(trainer, nets, updated, 1);
      const refs = (inputs: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, bin.add(t)]));
      updates.push({ real: refs(real), sampled: refs(sampled), draws, loss });
      tf.dispose([...Object.values(real), ...Object.values(sampled)]);
    }
    phases.push({ name: phase.name, updates });
  }

  const owners = new Map<tf.Variable, { net: string; weight: string }>();
  for (const [net, model] of Object.entries(nets)) for (const w of model.weights) owners.set(w.read() as tf.Variable, { net, weight: w.originalName });
  const optimizers: OptimizerRecord[] = [];
  for (const [name, optimizer] of Object.entries(runnerOptimizers(runners))) {
    const owner = runners.find((r) => r.optimizerName === name)!;
    const slots: Record<string, TensorRef[]> = {};
    for (const { name: slot, tensor } of (await optimizer.getWeights()).slice(1)) (slots[slot.slice(slot.lastIndexOf('/') + 1)] ??= []).push(bin.add(tensor));
    optimizers.push({
      name, settings: owner.phase.settings.optimizer,
      updates: runners.filter((r) => r.optimizerName === name).reduce((n, r) => n + r.phase.settings.repeat, 0),
      vars: owner.vars.map((v) => owners.get(v)!), slots,
    });
  }
  const networks = Object.fromEntries(Object.entries(nets).map(([net, model]) => [
    net,
    model.weights.map((w, i) => ({ name: w.originalName, trainable: w.trainable, initial: initial[net]![i]!, updated: bin.add(w.read()) })),
  ]));
  Object.values(nets).forEach((m) => m.dispose());
  new Set(runners.map((r) => r.optimizer)).forEach((o) => o.dispose());
  const record: CycleRecord = { name: trainer.name, seed, batch, networks, phases, optimizers, ema: trainer.ema ?? [] };
  writeFileSync(join(dir, 'cycle.bin'), bin.bytes());
  writeFileSync(join(dir, 'cycle.json'), `${JSON.stringify(record, null, 1)}\n`);
  return record;
}

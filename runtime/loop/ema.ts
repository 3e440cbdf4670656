// EMA copies of networks (the trainer's `ema` list, contract/trainer.ts): starting a copy from its
// source's weights, averaging it after each update of its source, and the networks that sampling
// commands draw with (`--weights ema | raw | spec`). Weights are paired by position in
// model.weights: a copy is built with its source's architecture, so both lists match one to one.
// Imports contract/ and tfjs only.
import * as tf from '@tensorflow/tfjs';
import type { AnyTrainer, EmaDef } from '../../contract/trainer';

function pairs(def: EmaDef, nets: Record<string, tf.LayersModel>): [tf.LayerVariable, tf.LayerVariable][] {
  const copy = nets[def.name]?.weights;
  const source = nets[def.of]?.weights;
  if (!copy || !source) throw new Error(`EMA copy ${def.name} of ${def.of}: the trainer built no such network`);
  if (copy.length !== source.length || copy.some((w, i) => w.shape.join() !== source[i].shape.join())) {
    throw new Error(`EMA copy ${def.name} does not have ${def.of}'s architecture (a compiler bug: please report it)`);
  }
  return copy.map((w, i) => [w, source[i]]);
}

/** Sets every EMA copy to its source's weights (a freshly built copy starts there). */
export function startEma(trainer: AnyTrainer, nets: Record<string, tf.LayersModel>): void {
  for (const def of trainer.ema ?? []) {
    tf.tidy(() => {
      for (const [copy, source] of pairs(def, nets)) copy.write(source.read().clone());
    });
  }
}

/**
 * After an optimizer step of step `step` (1-based) that updated the networks `updated`: every
 * EMA copy of one of them takes decay * w_ema + (1 - decay) * w of each trainable weight (before
 * its `start`, w itself) and a copy of each other weight (batch-norm moving statistics).
 */
export function updateEma(trainer: AnyTrainer, nets: Record<string, tf.LayersModel>, updated: ReadonlySet<string>, step: number): void {
  for (const def of trainer.ema ?? []) {
    if (!updated.has(def.of)) continue;
    const average = step >= def.start;
    tf.tidy(() => {
      for (const [copy, source] of pairs(def, nets)) {
        const w = source.read();
        copy.write(average && copy.trainable ? tf.add(tf.mul(def.decay, copy.read()), tf.mul(1 - def.decay, w)) : w.clone());
      }
    });
  }
}

/**
 * Which weights a sampling command draws the preview's bands with: `ema` (the default where the
 * trainer has EMA copies) draws every network that has an EMA copy with the copy's weights (G(z)
 * becomes G_ema(z)); `raw` draws every EMA copy with its source's trained weights (G_ema(z)
 * becomes G(z)); `spec` draws each band as the preview writes it.
 */
export type WeightsChoice = 'ema' | 'raw' | 'spec';

export interface SamplingNetworks {
  nets: Record<string, tf.LayersModel>;
  /** Network name -> the network whose weights stand in for it (only those that changed). */
  drawnWith: Record<string, string>;
  /** One line saying which weights are drawn, or '' when the trainer has no EMA copy. */
  note: string;
}

export function samplingNetworks(trainer: AnyTrainer, nets: Record<string, tf.LayersModel>, choice: WeightsChoice = 'ema'): SamplingNetworks {
  const defs = trainer.ema ?? [];
  if (defs.length === 0) return { nets, drawnWith: {}, note: '' };
  const drawnWith: Record<string, string> = {};
  for (const def of defs) {
    // A network with several EMA copies is drawn with the first.
    if (choice === 'ema') drawnWith[def.of] ??= def.name;
    if (choice === 'raw') drawnWith[def.name] = def.of;
  }
  const out = { ...nets };
  for (const [name, by] of Object.entries(drawnWith)) out[name] = nets[by];
  const stands = Object.entries(drawnWith).map(([name, by]) => `${by} for ${name}`).join(', ');
  const note = {
    ema: `weights: ${stands}, the EMA copies (--weights raw: the trained weights)`,
    raw: `weights: ${stands}, the trained weights (--weights raw)`,
    spec: 'weights: each band as the preview writes it (--weights spec)',
  }[choice];
  return { nets: out, drawnWith, note };
}

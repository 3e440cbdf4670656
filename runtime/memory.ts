// What training a generated trainer needs, read from its built networks: the same quantities
// compiler/check/memory.ts reads from a spec's shapes (weights, optimizer state of what each phase
// updates, every layer's output per example), for gan-train on a module whose spec it lacks; and
// the memory a backend can use. Imports tfjs, the contract and the folded layer's class.
import * as tf from '@tensorflow/tfjs';
import type { AnyTrainer } from '../contract/trainer';
import { UpsampledConv2D } from './ops/upsampled-conv';

/** Floats an optimizer keeps per weight it updates (as compiler/check/memory.ts counts them). */
const OPTIMIZER_SLOTS = { adam: 2, rmsprop: 2, sgd: 0 } as const;

/** The wasm backend keeps every tensor in one 32-bit heap: at most 4 GiB - 64 KiB. */
export const WASM_HEAP_BYTES = 4294901760;

/** The most memory the active backend's tensors can use when the backend itself sets a bound (wasm), else undefined. */
export function backendHeapBytes(): number | undefined {
  return tf.getBackend() === 'wasm' ? WASM_HEAP_BYTES : undefined;
}

/** Values of one example in a batched shape (the batch axis left out). */
const perExampleSize = (shape: tf.Shape): number => shape.slice(1).reduce<number>((n, d) => n * (d ?? 1), 1);

export function networksMemory(trainer: AnyTrainer, nets: Record<string, tf.LayersModel>): { parameters: number; optimizerState: number; perExample: number } {
  let parameters = 0;
  let perExample = 0;
  for (const net of Object.values(nets)) {
    parameters += net.countParams();
    for (const layer of net.layers) {
      const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as tf.Shape[];
      for (const shape of shapes) perExample += perExampleSize(shape);
      // A folded upsampling and convolution counts as the pair, as the compiler counts it: the
      // upsampled image, 4 times the layer's input, as well.
      if (layer instanceof UpsampledConv2D) perExample += 4 * perExampleSize((layer.input as tf.SymbolicTensor).shape);
    }
  }
  let optimizerState = 0;
  // Phases sharing an optimizer update the same weights with one state: counted once.
  const counted = new Set<string>();
  for (const phase of trainer.phases) {
    const name = phase.optimizer ?? phase.name;
    if (counted.has(name)) continue;
    counted.add(name);
    for (const u of phase.updates) {
      const net = nets[u.net];
      if (!net) continue;
      const updated = u.layers ? u.layers.reduce((n, name) => n + net.getLayer(name).countParams(), 0) : net.countParams();
      optimizerState += OPTIMIZER_SLOTS[phase.settings.optimizer.kind] * updated;
    }
  }
  return { parameters, optimizerState, perExample };
}

// Stage 6, emit (folds): the layer pairs both targets compute as one. A 2x nearest upsampling
// read only by a stride-1, 'same' conv2d is folded into that conv: the upsampled image is never
// made, and each output phase is a smaller convolution at the input's resolution (a 3x3 kernel
// reads 16 taps per input pixel instead of 36). The tfjs module builds the pair as one layer
// (gs.upsampledConv2d, runtime/ops/upsampled-conv.ts) and leaves the upsampling out of the model;
// the torch module calls ganspec_torch's Conv2d.forward_upsampled and keeps the upsampling
// registered (it has no weights) but uncalled. Imports the IR only.
import type { LayerIR, NetworkIR } from '../ir';

const equal = (a: unknown, b: number[]): boolean => Array.isArray(a) && a.length === b.length && a.every((v, i) => v === b[i]);

/** Per folded conv's variable, the upsampling layer it absorbs. */
export function upsampledConvolutions(net: NetworkIR): Map<string, LayerIR> {
  const readers = new Map<string, LayerIR[]>();
  for (const l of net.layers) for (const i of l.inputs) readers.set(i, [...(readers.get(i) ?? []), l]);
  const outputs = new Set(net.outputs.map((o) => o.variable));
  const folds = new Map<string, LayerIR>();
  for (const up of net.layers) {
    const [conv, ...others] = readers.get(up.variable) ?? [];
    if (up.factory !== 'upSampling2d' || !equal(up.config.size, [2, 2]) || outputs.has(up.variable) || conv === undefined || others.length > 0) continue;
    const c = conv.config;
    if (conv.factory === 'conv2d' && conv.inputs.length === 1 && equal(c.strides, [1, 1]) && c.padding === 'same') folds.set(conv.variable, up);
  }
  return folds;
}

/** The variables of the upsampling layers `folds` absorbs: the layers a module leaves uncalled. */
export const foldedUpsamplings = (folds: Map<string, LayerIR>): Set<string> => new Set([...folds.values()].map((u) => u.variable));

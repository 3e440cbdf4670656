// Stage 6, emit for the torch target (layer order): the order in which tfjs lists a network's
// layers (tfjs-layers' Container: by depth, the longest path to an output, deepest first, ties
// in the order a depth-first walk from the outputs meets them), which is the order of
// model.weights and of a checkpoint's weights. The torch module registers its layers in this
// order, so its weights list the same way. Imports the IR only.
import type { NetworkIR } from '../ir';

/** The network's layer variables (inputs included) in tfjs's model.layers order. */
export function tfjsLayerOrder(net: NetworkIR): string[] {
  const inbound = new Map<string, string[]>([...net.inputs.map((i) => [i.variable, []] as [string, string[]]), ...net.layers.map((l) => [l.variable, l.inputs] as [string, string[]])]);
  const index = new Map<string, number>();
  const finished = new Set<string>();
  const decreasing: string[] = []; // post-order: a layer after everything it reads
  const visit = (v: string): void => {
    if (finished.has(v)) return;
    if (!index.has(v)) index.set(v, index.size);
    for (const u of inbound.get(v)!) visit(u);
    finished.add(v);
    decreasing.push(v);
  };
  for (const o of net.outputs) visit(o.variable);
  const depth = new Map<string, number>();
  for (const v of [...decreasing].reverse()) {
    const d = depth.get(v) ?? 0;
    depth.set(v, d);
    for (const u of inbound.get(v)!) depth.set(u, Math.max(d + 1, depth.get(u) ?? 0));
  }
  return [...depth.keys()].sort((a, b) => depth.get(b)! - depth.get(a)! || index.get(a)! - index.get(b)!);
}

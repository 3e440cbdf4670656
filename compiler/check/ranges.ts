// Stage 4, check (ranges): the range of every head of a checked network, from its layers' range
// rules (vocabulary/ranges.ts) in order: a head ending in a sigmoid is a probability, one ending
// in a dense layer with no activation is unbounded. The network's inputs are taken as unbounded.
import { LAYER_RANGES, output, range, type Range } from '../vocabulary/ranges';
import type { CheckedNetwork } from './networks';

const cache = new WeakMap<CheckedNetwork, Range[]>();

/** The range of each head of `net`, in the order of `net.heads`. */
export function headRanges(net: CheckedNetwork): Range[] {
  const known = cache.get(net);
  if (known) return known;
  const ranges = new Map<string, Range>();
  for (const input of net.inputs) ranges.set(input.name, range(-Infinity, Infinity, `${net.name}'s input '${input.name}'`));
  for (const node of net.layers) {
    const inputs = node.from.map((f) => ranges.get(f) ?? range(-Infinity, Infinity, 'unknown'));
    const rule = LAYER_RANGES[node.kind];
    ranges.set(node.id, rule ? rule(node.args, inputs) : range(-Infinity, Infinity, output(node.kind), true));
  }
  const heads = net.heads.map((h) => ranges.get(h.ref) ?? range(-Infinity, Infinity, 'unknown', true));
  cache.set(net, heads);
  return heads;
}

// gan-compile --explain and gan-diff (networks): each checked network as plain data: its inputs,
// heads and layers (kind, arguments, output shape, parameters and multiply-adds per example),
// and its totals. Parameters come from check/memory.ts's count, multiply-adds from
// vocabulary/macs.ts. Imports those, check's types and format.ts.
import type { CheckedNetwork } from '../check/networks';
import { layerParameters } from '../check/memory';
import { layerMacs } from '../vocabulary/macs';
import { flow } from './format';

export interface LayerSummary {
  /** The layer's id in the resolved network (auto ids such as `l3` included). */
  id: string;
  kind: string;
  /** The layer's arguments after defaults, blocks and `$` parameters, as the spec gives them. */
  args: unknown;
  /** The head whose own layers include it. */
  head?: string;
  from: string[];
  /** The spec's notation: `conv2d { filters: 64, kernel: 3, strides: 2 }`. */
  text: string;
  shape: number[];
  /** Every weight, as check/memory.ts counts them (batch norm's moving mean and variance included). */
  parameters: number;
  /** The weights an optimizer steps on: the parameters less batch norm's moving statistics. */
  trainable: number;
  macs: number;
}

export interface NetworkSummary {
  name: string;
  inputs: { name: string; kind: string; shape: number[] }[];
  heads: { name: string; shape: number[] }[];
  layers: LayerSummary[];
  parameters: number;
  /** Multiply-adds of one forward pass of one example. */
  macs: number;
}

export function layerText(kind: string, args: unknown): string {
  const empty = args === null || args === undefined || (typeof args === 'object' && !Array.isArray(args) && Object.keys(args).length === 0);
  return empty ? kind : `${kind} ${flow(args)}`;
}

export function summarizeNetwork(net: CheckedNetwork): NetworkSummary {
  const shape = (id: string): number[] => net.types.get(id)?.shape ?? [];
  const layers = net.layers.map((node): LayerSummary => {
    const inputs = node.from.map(shape);
    const out = shape(node.id);
    const parameters = layerParameters(node.kind, node.args, inputs[0] ?? [], out);
    return {
      id: node.id,
      kind: node.kind,
      args: node.args ?? null,
      ...(node.head === undefined ? {} : { head: node.head }),
      from: node.from,
      text: layerText(node.kind, node.args),
      shape: out,
      parameters,
      trainable: node.kind === 'batchnorm' ? parameters / 2 : parameters,
      macs: layerMacs(node.kind, node.args, inputs, out),
    };
  });
  return {
    name: net.name,
    inputs: net.inputs.map((i) => ({ name: i.name, kind: i.kind, shape: i.shape })),
    heads: net.heads.map((h) => ({ name: h.name, shape: h.type.shape })),
    layers,
    parameters: layers.reduce((n, l) => n + l.parameters, 0),
    macs: layers.reduce((n, l) => n + l.macs, 0),
  };
}

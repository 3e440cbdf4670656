// Stage 4, check (networks): binds every layer's inputs, infers shapes through every layer in
// order and reports the first layer a shape does not fit, naming the layer and both shapes.
import type { Code } from '../diagnostics';
import { join } from '../pointer';
import type { Reporter, UnknownOptions } from '../report';
import type { ResolvedNetwork } from '../resolve';
import { LAYER_KINDS, type TensorType } from '../vocabulary/layers';

export interface CheckedNetwork extends ResolvedNetwork {
  /** Output type of every input and layer id. */
  types: Map<string, TensorType>;
  heads: { name: string; ref: string; type: TensorType }[];
}

/** The network's types, or undefined when a layer does not fit (reported). */
export function checkNetwork(net: ResolvedNetwork, report: Reporter): CheckedNetwork | undefined {
  const types = new Map<string, TensorType>();
  for (const input of net.inputs) {
    types.set(input.name, { shape: input.shape, dtype: input.kind === 'label' ? 'int32' : 'float32' });
  }
  let ok = true;
  const fail = (pointer: string, message: string, code: Code, hint?: string) => {
    ok = false;
    report.error(pointer, message, { code, hint });
  };
  const unknown = (pointer: string, what: string, name: string, candidates: Iterable<string>, opts: UnknownOptions) => {
    ok = false;
    report.unknown(pointer, what, name, candidates, opts);
  };
  const known = new Set<string>(types.keys());
  for (const node of net.layers) {
    // Past the first mistake every later shape would be wrong too: report one per network.
    if (!ok) break;
    const kind = LAYER_KINDS[node.kind];
    const where = node.usedAt ? ` (block used at ${node.usedAt})` : '';
    if (!kind) {
      unknown(join(node.pointer, node.kind), 'layer', node.kind, Object.keys(LAYER_KINDS), { message: `unknown layer '${node.kind}'${where}`, code: 'GS111' });
      continue;
    }
    const missing = node.from.filter((f) => !known.has(f));
    if (node.from.length === 0) {
      fail(node.pointer, `layer '${node.kind}' has no input: network '${net.name}' has several inputs, so say which with 'from'${where}`, 'GS112');
      continue;
    }
    if (missing.length > 0) {
      for (const m of missing) unknown(node.pointer, 'input', m, [...known], { message: `unknown input '${m}' of layer '${node.kind}'${where}`, code: 'GS112' });
      continue;
    }
    if (kind.arity === 1 && node.from.length !== 1) {
      fail(node.pointer, `layer '${node.kind}' takes one input, got ${node.from.length}${where}`, 'GS112');
      continue;
    }
    const inputs = node.from.map((f) => types.get(f)!);
    if (node.kind !== 'embedding') {
      const label = node.from.find((f) => types.get(f)!.dtype === 'int32');
      if (label !== undefined) {
        fail(node.pointer, `layer '${node.kind}' cannot take the class label '${label}' directly${where}`, 'GS113', 'pass labels through an embedding layer first');
        continue;
      }
    }
    const out = kind.infer(node.args, inputs);
    if (typeof out === 'string') {
      fail(node.pointer, `${out}${where}`, 'GS113');
      continue;
    }
    types.set(node.id, out);
    known.add(node.id);
  }
  const heads: CheckedNetwork['heads'] = [];
  for (const out of net.outputs) {
    const type = types.get(out.ref);
    if (!type) {
      if (ok) unknown(out.pointer, 'layer id', out.ref, [...known], { message: `unknown layer id '${out.ref}' for head '${out.name}'`, code: 'GS114' });
      continue;
    }
    heads.push({ name: out.name, ref: out.ref, type });
  }
  return ok ? { ...net, types, heads } : undefined;
}

// Stage 6, emit for the torch target (layouts): which values are images and how the spec's
// tfjs axes and shapes map to torch's. A per-example value of rank 3 (batch rank 4) is an image,
// NHWC in tfjs and NCHW in torch; every other value has the same axes in both. Ranks are found
// statement by statement from the inputs' and networks' shapes. Imports the IR only.
import type { ModuleIR, NetworkIR, Operand, Stmt } from '../ir';

/** Batch ranks of the statements' values; a multi-head call has the ranks of its heads. */
export type Ranks = Map<string, number | number[]>;

const headRanks = (n: NetworkIR): number[] => n.outputs.map((o) => o.shape.length + 1);

/** Every statement's batch rank (gradient bodies included). */
export function statementRanks(ir: ModuleIR, stmts: Stmt[], ranks: Ranks = new Map()): Ranks {
  const nets = new Map(ir.networks.map((n) => [n.name, n]));
  const real = new Map(ir.real.map((r) => [r.name, r.shape.length + 1]));
  const sampled = new Map(ir.samples.map((s) => [s.name, s.shape.length + 1]));
  const of = (id: string): number => {
    const r = ranks.get(id);
    if (typeof r !== 'number') throw new Error(`internal error: no rank for ${id}`);
    return r;
  };
  const operand = (o: Operand): number => ('ref' in o ? of(o.ref) : 0);
  for (const s of stmts) {
    let r: number | number[];
    switch (s.op) {
      case 'input':
        r = (s.source === 'real' ? real : sampled).get(s.name)!;
        break;
      case 'column':
      case 'onehot':
        r = 2;
        break;
      case 'apply': {
        const heads = headRanks(nets.get(s.net)!);
        r = s.heads > 1 ? heads : heads[0];
        break;
      }
      case 'head':
        r = (ranks.get(s.arg) as number[])[s.index];
        break;
      case 'loss':
      case 'penalty':
        r = 0;
        break;
      case 'reduce':
        r = s.axes === undefined ? 0 : of(s.arg) - s.axes.length;
        break;
      case 'unary':
      case 'detach':
      case 'augment':
      case 'noise':
        r = of(s.arg);
        break;
      case 'binary':
        r = Math.max(operand(s.a), operand(s.b));
        break;
      case 'dot':
      case 'norm':
        r = 1;
        break;
      case 'expand':
        r = s.shape.length + 1;
        break;
      case 'grad':
        statementRanks(ir, s.body, ranks);
        r = of(s.wrt);
        break;
    }
    ranks.set(s.id, r);
  }
  return ranks;
}

/** tfjs axis -> torch axis of an image (batch rank 4): h 1 -> 2, w 2 -> 3, c 3 -> 1. */
const IMAGE_AXIS = [0, 2, 3, 1];

/** The torch axes of the spec's (tfjs) axes of a value of this batch rank. */
export function torchAxes(axes: number[], rank: number): number[] {
  return rank === 4 ? axes.map((a) => IMAGE_AXIS[a]) : axes;
}

/**
 * After reducing an image over `axes` (tfjs), the permutation that puts the kept torch axes in
 * tfjs order (the result is no image any more), or undefined when they already are.
 */
export function keptOrder(axes: number[], rank: number): number[] | undefined {
  if (rank !== 4) return undefined;
  const kept = [0, 1, 2, 3].filter((a) => !axes.includes(a)); // tfjs axes kept, in tfjs order
  const torchKept = kept.map((a) => IMAGE_AXIS[a]).slice(); // where each sits in torch
  const torchOrder = [...torchKept].sort((a, b) => a - b); // torch's order of the kept axes
  const perm = torchKept.map((t) => torchOrder.indexOf(t));
  return perm.every((p, i) => p === i) ? undefined : perm;
}

/** A per-example shape in the spec's terms as torch holds it: [h, w, c] -> [c, h, w]. */
export function torchShape(shape: number[]): number[] {
  return shape.length === 3 ? [shape[2], shape[0], shape[1]] : shape;
}

// What a lowered value depends on: walks the straight-line statements back from one result to
// the real and random inputs it reads and the depth of network calls on the way (the preview's
// bands tell the evaluator this, so nothing re-reads expression text). Imports only the IR.
import type { Stmt } from '../ir';

/** The statements a statement reads. */
function operands(s: Stmt): string[] {
  switch (s.op) {
    case 'input':
      return [];
    case 'apply':
      return s.args;
    case 'loss':
      return s.args.flatMap((a) => ('ref' in a ? [a.ref] : []));
    case 'binary':
      return [s.a, s.b].flatMap((a) => ('ref' in a ? [a.ref] : []));
    case 'penalty':
      return [s.real, s.fake];
    default:
      return [s.arg];
  }
}

export interface Reach {
  /** Real and random inputs read, in statement order. */
  real: string[];
  sampled: string[];
  /** Network calls deep: 0 for an input itself, 1 for G(z), 2 for G_BA(G_AB(a)). */
  depth: number;
}

export function reach(stmts: readonly Stmt[], result: string): Reach {
  const depth = new Map<string, number>();
  const reached = new Set<string>();
  // Statements only read earlier ones: one pass backwards marks what the result needs...
  reached.add(result);
  for (let i = stmts.length - 1; i >= 0; i--) {
    if (reached.has(stmts[i].id)) for (const o of operands(stmts[i])) reached.add(o);
  }
  // ...and one forwards takes the depths.
  const out: Reach = { real: [], sampled: [], depth: 0 };
  for (const s of stmts) {
    if (!reached.has(s.id)) continue;
    const below = Math.max(0, ...operands(s).map((o) => depth.get(o)!));
    depth.set(s.id, s.op === 'apply' || s.op === 'penalty' ? below + 1 : below);
    if (s.op === 'input') (s.source === 'real' ? out.real : out.sampled).push(s.name);
  }
  const d = depth.get(result);
  if (d === undefined) throw new Error(`internal error: no statement '${result}'`);
  out.depth = d;
  return out;
}

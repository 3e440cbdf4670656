// What a lowered value depends on: walks the straight-line statements back from one result to
// the real and random inputs it reads and the depth of network calls on the way (the preview's
// bands tell the evaluator this, so nothing re-reads expression text); which statements a set of
// results needs at all (a gradient's closure recomputes some of them); and which statements
// depend on one value (what that closure recomputes). Imports only the IR.
import type { Stmt } from '../ir';

/** The statements a statement reads from its list (a gradient: wrt and what its body reads from outside). */
export function operands(s: Stmt): string[] {
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
    case 'dot':
      return [s.a, s.b];
    case 'grad': {
      const inside = new Set([s.wrt, ...s.body.map((b) => b.id)]);
      return [s.wrt, ...new Set(s.body.flatMap(operands).filter((o) => !inside.has(o)))];
    }
    default:
      return [s.arg];
  }
}

/** The statements the results need, in order: a statement only a gradient's body uses is left out. */
export function needed(stmts: readonly Stmt[], results: readonly string[]): Stmt[] {
  const reached = new Set(results);
  for (let i = stmts.length - 1; i >= 0; i--) {
    if (reached.has(stmts[i].id)) for (const o of operands(stmts[i])) reached.add(o);
  }
  return stmts.filter((s) => reached.has(s.id));
}

/**
 * The statements on the way from `from` to `to` (both excluded from the list), in order: those
 * that read `from` and that `to` reads. A random draw depends on nothing (it reads only a shape).
 * Undefined when `to` does not depend on `from` at all.
 */
export function between(stmts: readonly Stmt[], from: string, to: string): Stmt[] | undefined {
  if (from === to) return [];
  const after = new Set([from]);
  for (const s of stmts) if (s.op !== 'noise' && operands(s).some((o) => after.has(o))) after.add(s.id);
  if (!after.has(to)) return undefined;
  const before = new Set([to]);
  for (let i = stmts.length - 1; i >= 0; i--) {
    if (before.has(stmts[i].id)) for (const o of operands(stmts[i])) before.add(o);
  }
  return stmts.filter((s) => s.id !== from && after.has(s.id) && before.has(s.id));
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

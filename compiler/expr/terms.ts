// Gradient flow through a loss expression, shared by the checker's flow warnings (check/flow.ts)
// and gan-compile --explain / gan-diff (explain/terms.ts): a loss as its top-level additive terms
// with their constant coefficients (`0.5 * (a + b) - c` is 0.5·a + 0.5·b - 1·c), and which
// networks each term's gradient reaches: every network it calls (or names, as
// gradient_penalty(D, ...) does) outside a detach(...), a head's own layers only through that
// head (`D(x).code`). The arguments of uniform_like/normal_like give only a shape, so nothing is
// reached through them. Imports the expression syntax tree only.
import type { Expr } from './ast';

export interface SplitTerm {
  coefficient: number;
  expr: Expr;
}

/** The functions whose result carries no gradient to (some of) their arguments. */
const SHAPE_ONLY = new Set(['uniform_like', 'normal_like']);

/** Splits sums and differences, and takes constant factors and divisors out as coefficients. */
export function splitTerms(e: Expr): SplitTerm[] {
  const out: SplitTerm[] = [];
  split(e, 1, out);
  return out;
}

function split(e: Expr, c: number, out: SplitTerm[]): void {
  // A long sum leans left: walk its chain in a loop.
  while (e.kind === 'binary' && (e.op === '+' || e.op === '-')) {
    split(e.right, e.op === '-' ? -c : c, out);
    e = e.left;
  }
  if (e.kind === 'unary') return split(e.arg, -c, out);
  if (e.kind === 'binary' && e.op === '*' && e.left.kind === 'num') return split(e.right, c * e.left.value, out);
  if (e.kind === 'binary' && e.op === '*' && e.right.kind === 'num') return split(e.left, c * e.right.value, out);
  if (e.kind === 'binary' && e.op === '/' && e.right.kind === 'num') return split(e.left, c / e.right.value, out);
  out.unshift({ coefficient: c, expr: e });
}

/**
 * What an expression's gradient reaches, sorted: `G` (a whole call), `D.code` (only through that
 * head). With `throughDetach`, as if every detach(...) were not there (what the term would reach
 * without them).
 */
export function termReaches(e: Expr, networks: ReadonlySet<string>, opts: { throughDetach?: boolean } = {}): string[] {
  const found = new Set<string>();
  const walk = (x: Expr, head?: string): void => {
    switch (x.kind) {
      case 'name':
        if (networks.has(x.name)) found.add(x.name);
        return;
      case 'member':
        return walk(x.object, x.name);
      case 'unary':
        return walk(x.arg);
      case 'binary':
        walk(x.left);
        return walk(x.right);
      case 'call':
        if (x.callee === 'detach' && !opts.throughDetach) return;
        if (SHAPE_ONLY.has(x.callee)) return;
        if (networks.has(x.callee)) found.add(head === undefined ? x.callee : `${x.callee}.${head}`);
        for (const a of x.args) walk(a);
        return;
      case 'num':
        return;
    }
  };
  walk(e);
  return [...found].sort();
}

/** Whether what a term reaches includes an update target's weights (`D`, or a head's own layers `D.code`). */
export function reachesTarget(reaches: readonly string[], target: { net: string; head?: string }): boolean {
  if (target.head === undefined) return reaches.some((r) => r === target.net || r.startsWith(`${target.net}.`));
  return reaches.includes(target.net) || reaches.includes(`${target.net}.${target.head}`);
}

/** The detach(...) calls of an expression, in the order written (outermost first). */
export function detachCalls(e: Expr): (Expr & { kind: 'call' })[] {
  const found: (Expr & { kind: 'call' })[] = [];
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.kind === 'call' && x.callee === 'detach') found.push(x);
    if (x.kind === 'call') stack.push(...[...x.args].reverse());
    else if (x.kind === 'binary') stack.push(x.right, x.left);
    else if (x.kind === 'member') stack.push(x.object);
    else if (x.kind === 'unary') stack.push(x.arg);
  }
  return found;
}

/** Where an expression starts in its text: its leftmost token. */
export function startOf(e: Expr): number {
  let x = e;
  for (;;) {
    if (x.kind === 'binary') x = x.left;
    else if (x.kind === 'member') x = x.object;
    else return x.at;
  }
}

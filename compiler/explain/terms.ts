// gan-compile --explain and gan-diff (loss terms): a loss expression as its top-level additive
// terms, each with its constant coefficient (`0.5 * (a + b) - c` is 0.5·a + 0.5·b - 1·c; equal
// terms are added up), and which networks each term's gradient reaches: every network it calls
// (or names, as gradient_penalty(D, ...) does) outside a detach(...), a head's own layers only
// through that head (`D(x).code`). Imports the expression parser and syntax tree.
import { show, type Expr } from '../expr/ast';
import { isExprError, parseExpr } from '../expr/parse';
import { num } from './format';

export interface Term {
  coefficient: number;
  /** The term without its coefficient, in the compiler's normalised notation (`bce(D(x), 1)`). */
  text: string;
  /** What its gradient reaches: `G` (a whole call), `D.code` (only through that head). */
  reaches: string[];
}

/** The terms of an expression text (one term holding the whole text when it cannot be parsed). */
export function lossTerms(text: string, networks: ReadonlySet<string>): Term[] {
  const parsed = parseExpr(text);
  if (isExprError(parsed)) return [{ coefficient: 1, text: text.trim(), reaches: [] }];
  const found: { coefficient: number; expr: Expr }[] = [];
  split(parsed, 1, found);
  const terms = new Map<string, Term>();
  for (const { coefficient, expr } of found) {
    const constant = expr.kind === 'num';
    const key = constant ? '1' : show(expr);
    const c = constant ? coefficient * (expr as { value: number }).value : coefficient;
    const known = terms.get(key);
    if (known) known.coefficient += c;
    else terms.set(key, { coefficient: c, text: key, reaches: constant ? [] : reaches(expr, networks) });
  }
  return [...terms.values()].filter((t) => t.coefficient !== 0);
}

/** Splits sums and differences, and takes constant factors and divisors out as coefficients. */
function split(e: Expr, c: number, out: { coefficient: number; expr: Expr }[]): void {
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

function reaches(e: Expr, networks: ReadonlySet<string>): string[] {
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
        if (x.callee === 'detach') return;
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

/** Whether a term's gradient reaches an update target (`D`, or a head's own layers `D.code`). */
export function reachesTarget(term: Term, target: { net: string; head?: string }): boolean {
  if (target.head === undefined) return term.reaches.some((r) => r === target.net || r.startsWith(`${target.net}.`));
  return term.reaches.includes(target.net) || term.reaches.includes(`${target.net}.${target.head}`);
}

/** A term as the loss writes it: `+ 10 * gradient_penalty(D, x, G(z))`, `- mean(D(x))`. */
export function termText(t: Term, first = false): string {
  const magnitude = Math.abs(t.coefficient);
  const body = t.text === '1' ? num(magnitude) : magnitude === 1 ? t.text : `${num(magnitude)} * ${t.text}`;
  if (first) return t.coefficient < 0 ? `-${body}` : body;
  return `${t.coefficient < 0 ? '-' : '+'} ${body}`;
}

// gan-compile --explain and gan-diff (loss terms): a loss expression as its top-level additive
// terms, each with its constant coefficient (`0.5 * (a + b) - c` is 0.5·a + 0.5·b - 1·c; equal
// terms are added up), and which networks each term's gradient reaches (the analysis is
// expr/terms.ts, which the checker's flow warnings share). Imports the expression parser, syntax
// tree and expr/terms.ts.
import { show } from '../expr/ast';
import { isExprError, parseExpr } from '../expr/parse';
import { reachesTarget as reachesAny, splitTerms, termReaches } from '../expr/terms';
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
  const found = splitTerms(parsed);
  const terms = new Map<string, Term>();
  for (const { coefficient, expr } of found) {
    const constant = expr.kind === 'num';
    const key = constant ? '1' : show(expr);
    const c = constant ? coefficient * (expr as { value: number }).value : coefficient;
    const known = terms.get(key);
    if (known) known.coefficient += c;
    else terms.set(key, { coefficient: c, text: key, reaches: constant ? [] : termReaches(expr, networks) });
  }
  return [...terms.values()].filter((t) => t.coefficient !== 0);
}

/** Whether a term's gradient reaches an update target (`D`, or a head's own layers `D.code`). */
export function reachesTarget(term: Term, target: { net: string; head?: string }): boolean {
  return reachesAny(term.reaches, target);
}

/** A term as the loss writes it: `+ 10 * gradient_penalty(D, x, G(z))`, `- mean(D(x))`. */
export function termText(t: Term, first = false): string {
  const magnitude = Math.abs(t.coefficient);
  const body = t.text === '1' ? num(magnitude) : magnitude === 1 ? t.text : `${num(magnitude)} * ${t.text}`;
  if (first) return t.coefficient < 0 ? `-${body}` : body;
  return `${t.coefficient < 0 ? '-' : '+'} ${body}`;
}

// The loss each phase minimizes, parsed once for the checks that read loss expressions after
// lower (flow.ts, adversarial.ts, conditioning.ts): its text, syntax tree and pointer, told to the
// reporter so that offsets in it place diagnostics. A loss lower reported as broken is left out.
// May import context, pointer, resolve's types and the expression parser.
import type { Context } from '../context';
import type { Expr } from '../expr/ast';
import { isExprError, parseExpr } from '../expr/parse';
import { join } from '../pointer';
import type { Resolved, ResolvedPhase } from '../resolve';

export interface PhaseLoss {
  phase: ResolvedPhase;
  text: string;
  expr: Expr;
  /** `/losses/<name>`. */
  pointer: string;
}

export function phaseLosses(ctx: Context, r: Resolved): PhaseLoss[] {
  return r.phases.flatMap((phase) => {
    const text = r.spec.losses[phase.loss];
    if (typeof text !== 'string') return [];
    const expr = parseExpr(text);
    if (isExprError(expr)) return [];
    const pointer = join('/losses', phase.loss);
    ctx.report.expression(pointer, text);
    return [{ phase, text, expr, pointer }];
  });
}

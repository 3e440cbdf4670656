// Stage 5b, check (conditioning): a warning, never an error, where a loss judges what a network
// made from some labels against other labels (GS187): `D(G(z, y_g), y)` shows D the real batch's
// labels y beside an image made for y_g, and `ce(D(G(z, y_g)).label, y)` scores its class against
// them, so G cannot learn to follow its labels. Conditions are the label and categorical random
// inputs and the real labels; two arguments of one network call (or a loss's prediction and
// target) that both carry conditions must carry the same ones. An argument with none (`D(x, y)`,
// `ce(D(x).label, y)`, a number) is left alone, and so is a real image shown with other labels
// (a matching-aware D's wrong pairs). Runs after lower, like flow.ts. May import context,
// the IR and resolve's types and phase-losses.ts.
import type { Context } from '../context';
import { children, show, type Expr } from '../expr/ast';
import { startOf } from '../expr/terms';
import type { ModuleIR } from '../ir';
import type { Resolved } from '../resolve';
import { phaseLosses } from './phase-losses';

/** Loss functions whose second argument is the target of the first. */
const TARGETED = new Set(['bce', 'bce_logits', 'ce', 'ce_logits', 'mse', 'l1']);

export function checkConditioning(ctx: Context, r: Resolved, ir: ModuleIR): void {
  const conditions = new Set([...ir.samples.filter((s) => s.kind === 'label' || s.kind === 'categorical').map((s) => s.name), ...ir.real.filter((x) => x.dtype === 'int32').map((x) => x.name)]);
  if (conditions.size === 0) return;
  const networks = new Set(r.networks.map((n) => n.name));
  const seen = new Set<string>();
  for (const { expr, pointer } of phaseLosses(ctx, r)) {
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    for (const m of mismatches(expr, networks, conditions)) {
      const maker = m.made.kind === 'call' ? m.made.callee : show(m.made);
      ctx.report.warning(pointer, `${m.judge} judges ${show(m.made)} against ${list(m.against)}, but it was made for ${list(m.madeFrom)}: ${maker} cannot learn to follow ${list(m.madeFrom)}`, {
        hint: `use ${list(m.madeFrom)} in both places`,
        code: 'GS187',
        at: startOf(m.at),
      });
    }
  }
}

const list = (names: readonly string[]): string => names.join(', ');

interface Mismatch {
  /** Who judges: `D`, or the loss call as written. */
  judge: string;
  made: Expr;
  madeFrom: string[];
  against: string[];
  at: Expr;
}

/** Every call whose arguments carry different conditions, one of them through a network's output. */
function mismatches(e: Expr, networks: ReadonlySet<string>, conditions: ReadonlySet<string>): Mismatch[] {
  const out: Mismatch[] = [];
  const condOf = (x: Expr): string[] => [...new Set(names(x).filter((n) => conditions.has(n)))].sort();
  const walk = (x: Expr): void => {
    if (x.kind === 'call') {
      const judged = networks.has(x.callee) ? x.args : TARGETED.has(x.callee) && x.args.length === 2 ? x.args : [];
      const made = judged.find((a) => callsNetwork(a, networks) && condOf(a).length > 0);
      const other = made && judged.find((a) => a !== made && condOf(a).length > 0 && condOf(a).join() !== condOf(made).join());
      if (made && other) out.push({ judge: networks.has(x.callee) ? x.callee : `${x.callee}()`, made: madeCall(made, networks), madeFrom: condOf(made), against: condOf(other), at: other });
    }
    for (const p of children(x)) walk(p);
  };
  walk(e);
  return out;
}

/** The network call an argument is made by (the argument itself when none is smaller). */
function madeCall(e: Expr, networks: ReadonlySet<string>): Expr {
  const inner = children(e).find((p) => callsNetwork(p, networks));
  if (e.kind === 'call' && networks.has(e.callee) && e.args.every((a) => !callsNetwork(a, networks))) return e;
  return inner ? madeCall(inner, networks) : e;
}

function callsNetwork(e: Expr, networks: ReadonlySet<string>): boolean {
  return (e.kind === 'call' && networks.has(e.callee)) || children(e).some((p) => callsNetwork(p, networks));
}

function names(e: Expr): string[] {
  return e.kind === 'name' ? [e.name] : children(e).flatMap(names);
}

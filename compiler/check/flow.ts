// Stage 5b, check (gradient flow): warnings, never errors, about gradients that reach nothing
// the schedule trains. Per phase, each additive term of its loss and the networks (or heads)
// its gradient reaches, by expr/terms.ts (the analysis gan-compile --explain shows):
// - GS179 a term that reaches no weight the phase updates (a dead term: it changes nothing),
// - GS180 an update target that no term of the phase's loss reaches (its weights never change),
// - GS181 a detach(...) that makes a term dead (without it the term would reach an updated target),
// - GS182 a clip on a phase whose loss reaches none of its update targets (it clips weights
//   its optimizer never moves),
// - GS183 a clip that does not hold: another phase updates some of the same weights without a
//   clip or with a wider one, so they may leave [-clip, clip] after its updates (a tighter
//   clip keeps the bound).
// Constant terms (a number added to a loss) are left alone. Runs after lower, like usage.ts.
// May import context, pointer, resolve's types, phase-losses.ts and the expression analysis.
import type { Context } from '../context';
import { show, type Expr } from '../expr/ast';
import { detachCalls, reachesTarget, splitTerms, startOf, termReaches } from '../expr/terms';
import { join } from '../pointer';
import { phaseLosses } from './phase-losses';
import type { Resolved, ResolvedPhase } from '../resolve';

type Target = ResolvedPhase['updates'][number];

const targetName = (u: { net: string; head?: string }): string => (u.head === undefined ? u.net : `${u.net}.${u.head}`);
const list = (names: readonly string[]): string => names.join(', ');

export function checkFlow(ctx: Context, r: Resolved): void {
  const networks = new Set(r.networks.map((n) => n.name));
  for (const { phase, expr, pointer } of phaseLosses(ctx, r)) checkPhase(ctx, phase, pointer, expr, networks);
  checkClipsHold(ctx, r.phases);
}

function checkPhase(ctx: Context, phase: ResolvedPhase, lossPointer: string, loss: Expr, networks: ReadonlySet<string>): void {
  const { report } = ctx;
  const targets = phase.updates;
  const updated = list(targets.map(targetName));
  const terms = splitTerms(loss)
    .filter((t) => t.expr.kind !== 'num')
    .map((t) => ({ expr: t.expr, reaches: termReaches(t.expr, networks), through: termReaches(t.expr, networks, { throughDetach: true }) }));
  const reached = (u: Target) => terms.some((t) => reachesTarget(t.reaches, u));
  const reachedThroughDetach = (u: Target) => terms.some((t) => reachesTarget(t.through, u));
  const moved = targets.filter(reached);

  for (const u of targets) {
    if (reached(u) || reachedThroughDetach(u)) continue;
    const all = [...new Set(terms.flatMap((t) => t.reaches))].sort();
    report.warning(u.pointer, `phase '${phase.name}' updates ${targetName(u)}, but its loss '${phase.loss}' does not depend on ${targetName(u)}'s weights: they never change`, {
      hint: all.length === 0 ? `the loss calls no network; use a loss that calls ${u.net}` : `the loss's gradient reaches only ${list(all)}; update ${all.length === 1 ? 'that' : 'those'}, or use a loss that calls ${u.net}`,
      code: 'GS180',
    });
  }

  // A dead term of a phase that moves nothing is the phase's warning (GS180), unless a detach made it dead.
  for (const t of terms) {
    if (targets.some((u) => reachesTarget(t.reaches, u))) continue;
    const cut = targets.filter((u) => reachesTarget(t.through, u));
    if (cut.length > 0) {
      const detach = detachCalls(t.expr).find((d) => cut.some((u) => reachesTarget(termReaches(d.args[0] ?? d, networks, { throughDetach: true }), u)))!;
      report.warning(lossPointer, `detach(...) cuts every path from the term ${show(t.expr)} to the weights phase '${phase.name}' updates (${updated}): without it the term would reach ${list(cut.map(targetName))}; as written it changes nothing`, {
        hint: `remove the detach if ${list(cut.map(targetName))} should learn from this term, or remove the term`,
        code: 'GS181',
        at: detach.at,
      });
      continue;
    }
    if (moved.length === 0) continue;
    report.warning(lossPointer, `the term ${show(t.expr)} reaches no weight that phase '${phase.name}' updates (${updated}): it changes nothing`, {
      hint: t.reaches.length === 0 ? 'it depends on no network, so its gradient is zero; remove it' : `its gradient reaches only ${list(t.reaches)}; put it in the loss of a phase that updates ${t.reaches.length === 1 ? 'it' : 'them'}, or remove it`,
      code: 'GS179',
      at: startOf(t.expr),
    });
  }

  if (phase.clip !== null && moved.length === 0) {
    report.warning(join(phase.pointer, 'clip'), `phase '${phase.name}' clips ${updated} to [-${phase.clip}, ${phase.clip}], but its loss '${phase.loss}' reaches none of them: the clip acts on weights its optimizer never moves`, {
      hint: 'clip in the phase whose loss trains those weights, or remove the clip',
      code: 'GS182',
    });
  }
}

/** Whether two update targets share weights: the same network, whole or the same head. */
function overlaps(a: Target, b: Target): boolean {
  return a.net === b.net && (a.head === undefined || b.head === undefined || a.head === b.head);
}

function checkClipsHold(ctx: Context, phases: readonly ResolvedPhase[]): void {
  for (const q of phases) {
    // The tightest bound among the phases that clip weights q also updates, which q may break
    // (no clip, or a wider one): one warning per phase, naming that bound.
    let worst: { p: ResolvedPhase; clip: number; shared: Target } | undefined;
    for (const p of phases) {
      if (p === q || p.clip === null || (q.clip !== null && q.clip <= p.clip)) continue;
      const shared = q.updates.find((u) => p.updates.some((v) => overlaps(u, v)));
      if (shared && (worst === undefined || p.clip < worst.clip)) worst = { p, clip: p.clip, shared };
    }
    if (!worst) continue;
    const { p, clip, shared } = worst;
    const how = q.clip === null ? 'without a clip' : `with clip: ${q.clip}`;
    ctx.report.warning(shared.pointer, `phase '${q.name}' also updates ${targetName(shared)}, ${how}: after its updates the weights may leave [-${clip}, ${clip}], the bound phase '${p.name}' clips them to`, {
      hint: `give phase '${q.name}' clip: ${clip} too, or clip in neither`,
      code: 'GS183',
    });
  }
}

// Stage 4, check (optimizers): the phases' optimizers once resolve has found each one. Phases
// sharing a declared optimizer must update the same weights (GS143), a learning-rate decay must
// end after it starts (GS144), and a declared optimizer must not take the name under which a
// phase's own optimizer is checkpointed (GS145). May import context, pointer, resolve's types
// and spec's types.
import type { Context } from '../context';
import { join } from '../pointer';
import type { Resolved, ResolvedPhase } from '../resolve';
import type { DecaySpec, OptimizerSpec } from '../spec';

/** What a phase updates, as a set: `D`, `D.code`, sorted. */
const targets = (p: ResolvedPhase): string => [...new Set(p.updates.map((u) => (u.head === undefined ? u.net : `${u.net}.${u.head}`)))].sort().join(', ');

export function checkOptimizers(ctx: Context, r: Resolved): void {
  const { report } = ctx;
  // tfjs keeps an optimizer's slots (Adam's m and v) by position in the list of variables it is
  // given, not by variable: one optimizer over two different lists would mix their state.
  const first = new Map<string, ResolvedPhase>();
  for (const p of r.phases.filter((q) => q.shared)) {
    const owner = first.get(p.optimizerName);
    if (owner === undefined) first.set(p.optimizerName, p);
    else if (targets(owner) !== targets(p)) {
      report.error(p.optimizerPointer, `optimizer '${p.optimizerName}' is shared with phase '${owner.name}', which updates ${targets(owner)}, but phase '${p.name}' updates ${targets(p)}`, {
        hint: 'phases sharing an optimizer share its state (moments, step count) and must update the same weights: declare one optimizer per set of weights',
        code: 'GS143',
      });
    }
  }
  const steps = r.spec.schedule.steps;
  for (const [name, spec] of Object.entries(r.spec.optimizers ?? {})) checkDecay(ctx, spec, join('/optimizers', name), steps);
  r.phases.forEach((p) => {
    if (!p.shared) checkDecay(ctx, p.optimizer, p.optimizerPointer, steps);
  });
  const ownNames = new Map(r.phases.filter((p) => !p.shared).map((p) => [p.name, p]));
  for (const name of Object.keys(r.spec.optimizers ?? {})) {
    if (ownNames.has(name)) {
      report.error(join('/optimizers', name), `optimizer '${name}' has the name of phase '${name}', which has an optimizer of its own`, {
        hint: "checkpoints keep a phase's own optimizer under the phase's name: rename the declared optimizer",
        code: 'GS145',
        which: 'key',
      });
    }
  }
}

/** A linear decay ends (at `end`, default the schedule's last step) after it starts. */
function checkDecay(ctx: Context, spec: OptimizerSpec, pointer: string, steps: number): void {
  for (const [kind, settings] of Object.entries(spec) as [string, { decay?: DecaySpec }][]) {
    const linear = settings.decay?.linear;
    if (linear === undefined) continue;
    const at = join(pointer, kind, 'decay', 'linear');
    if (linear.end !== undefined && linear.end <= linear.start) {
      ctx.report.error(join(at, 'end'), `the decay ends at step ${linear.end}, not after it starts (step ${linear.start})`, { hint: 'end is the step at which the rate reaches 0: make it greater than start', code: 'GS144' });
    } else if (linear.end === undefined && linear.start >= steps) {
      ctx.report.error(join(at, 'start'), `the decay starts at step ${linear.start}, but the schedule ends at step ${steps}`, { hint: "start it before schedule.steps, or give the step it ends at with 'end'", code: 'GS144' });
    }
  }
}

// Stage 6, emit for the torch target (its own checks, before emitting): the spec names that
// become Python identifiers (network classes, their inputs' and layers' variables) must not be
// Python keywords or names the module itself uses (GS190), nor clash with the module's own
// top-level names; every layer must be one the torch target has (GS191). Reported at the spec
// place that wrote the name. Imports the IR, the context and this folder.
import type { Context } from '../context';
import type { ModuleIR } from '../ir';
import { hasTorchLayer } from './layers';
import { pyNameProblem } from './quote';

export function checkTorchNames(ctx: Context, ir: ModuleIR): void {
  const topLevel = new Set(['HYPERPARAMETERS', 'TRAINER', 'preview', ...ir.phases.map((p) => `loss_${p.name}`)]);
  const hint = 'the torch target writes this name into Python code: rename it (the tfjs target is not affected)';
  for (const n of ir.networks) {
    const why = topLevel.has(n.name) ? `a name the generated Python module defines itself (${[...topLevel].join(', ')})` : pyNameProblem(n.name);
    if (why !== undefined) ctx.report.error(n.pointer, `network name '${n.name}' is ${why}, so it cannot name the network's class`, { code: 'GS190', which: 'key', hint });
    for (const i of n.inputs) {
      const problem = pyNameProblem(i.variable);
      if (problem !== undefined) ctx.report.error(n.pointer, `input '${i.name}' of network '${n.name}' becomes '${i.variable}', ${problem}`, { code: 'GS190', hint });
    }
    for (const l of n.layers) {
      const problem = pyNameProblem(l.variable);
      if (problem !== undefined) ctx.report.error(l.pointer, `layer id '${l.variable}' is ${problem}`, { code: 'GS190', hint });
      if (!hasTorchLayer(l.factory)) ctx.report.error(l.pointer, `the torch target has no layer '${l.factory}' (${l.label})`, { code: 'GS191', hint: 'compile this spec for the tfjs target, or use a layer kind both targets have' });
    }
  }
}

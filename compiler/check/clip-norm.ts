// Stage 5b, check (clipped batch norm): a warning, never an error, about a phase whose clip also
// bounds batch norms' gamma and beta (GS184). A runtime clips every weight the phase updates, so
// each such batch norm scales its normalized output by at most the clip and shifts it by at most
// the clip; once the clipped layers before it vary less than its epsilon it shrinks them instead
// of normalizing them, and the network's output can stay almost constant. Measured on Keras-GAN's
// Wasserstein critic (clip 0.01): after 500 steps the generator's gradients are 6e-9 to 6e-7 per
// weight on average, at or below RMSprop's epsilon 1e-7 (RESULTS.md).
// Runs on the lowered module, whose layers say which are batch norms and their epsilon.
// May import context, pointer and the IR.
import type { Context } from '../context';
import type { ModuleIR, NetworkIR } from '../ir';
import { join } from '../pointer';

/** tf.layers.batchNormalization's epsilon when the spec gives none. */
const DEFAULT_EPSILON = 0.001;

/** The batch norms among the weights an update target holds: the whole network's, or a head's own. */
function batchNorms(net: NetworkIR, head: string | undefined) {
  const own = head === undefined ? undefined : new Set(net.headLayers[head] ?? []);
  return net.layers.filter((l) => l.factory === 'batchNormalization' && (own === undefined || own.has(l.layerName)));
}

export function checkClippedNorms(ctx: Context, ir: ModuleIR): void {
  for (const phase of ir.phases) {
    if (phase.clip === null) continue;
    for (const u of phase.updates) {
      const net = ir.networks.find((n) => n.name === u.net);
      const norms = net ? batchNorms(net, u.head) : [];
      if (norms.length === 0) continue;
      const epsilons = [...new Set(norms.map((l) => Number(l.config.epsilon ?? DEFAULT_EPSILON)))].sort((a, b) => a - b);
      const target = u.head === undefined ? u.net : `${u.net}.${u.head}`;
      const c = phase.clip;
      const which = norms.length === 1 ? 'batch norm' : `${norms.length} batch norms`;
      const each = norms.length === 1 ? 'it' : 'each';
      ctx.report.warning(
        join(phase.pointer, 'clip'),
        `phase '${phase.name}' also clips the gamma and beta of ${target}'s ${which} (${norms.map((l) => l.pointer).join(', ')}) to [-${c}, ${c}]: ` +
          `${each} then scales its normalized output by at most ${c}, and once the clipped layers before it vary less than its epsilon (${epsilons.join(' to ')}) it shrinks them instead of normalizing them, ` +
          `so ${target}'s output can stay almost constant and pass almost no gradient to the networks trained against it`,
        {
          hint: 'leave batch norm out of the clipped network, or bound it with a gradient penalty instead of a clip',
          code: 'GS184',
        },
      );
    }
  }
}

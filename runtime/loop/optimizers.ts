// Builds a phase's optimizer from its settings (tfjs's, updating each variable with one fused
// kernel call: fused-optimizers.ts), and lists the variables a phase updates
// (whole networks, or only the named layers of one: a head's own layers), in a fixed order:
// optimizer state is matched to variables by position, so the order must survive a resume.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerSettings, UpdateTarget } from '../../contract/trainer';
import { FusedAdamOptimizer, FusedRMSPropOptimizer, FusedSGDOptimizer } from './fused-optimizers';

export function makeOptimizer(s: OptimizerSettings): tf.Optimizer {
  switch (s.kind) {
    case 'adam':
      return new FusedAdamOptimizer(s.lr, s.beta1, s.beta2, s.epsilon);
    case 'rmsprop':
      return new FusedRMSPropOptimizer(s.lr, s.rho, s.momentum, s.epsilon);
    case 'sgd':
      return new FusedSGDOptimizer(s.lr);
  }
}

export function phaseVariables(nets: Record<string, tf.LayersModel>, updates: readonly UpdateTarget[]): tf.Variable[] {
  return updates.flatMap((u) => {
    const model = nets[u.net];
    const weights = u.layers ? u.layers.flatMap((name) => model.getLayer(name).trainableWeights) : model.trainableWeights;
    return weights.map((w) => w.read() as tf.Variable);
  });
}

/** Clips variables to [-c, c] in place (weight clipping, Arjovsky et al. 2017). */
export function clipVariables(vars: readonly tf.Variable[], c: number): void {
  tf.tidy(() => {
    for (const v of vars) v.assign(tf.clipByValue(v, -c, c));
  });
}

// What generated trainer modules import as `gs`: the loss functions, the gradient penalty,
// custom layers and the Trainer contract.
export { bce, ce, mse, l1, detach } from './ops/losses';
export { gradientPenalty } from './ops/penalty';
export { instanceNormalization } from './ops/instance-norm';
export type { Trainer, PhaseSettings, OptimizerSettings } from './trainer';

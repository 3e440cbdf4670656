// The spec language's operations as generated modules call them (`gs.bce(...)`): loss
// functions, the gradient penalty, reductions along axes, norms and gradients, shaped noise,
// several calls of one network as one batch, DiffAugment, custom layers (instance and spectral normalisation, a folded upsampling and
// convolution), typed steps (`gs.layer`, `gs.asScalar`) and the Trainer contract's types.
export { bce, ce, bceLogits, ceLogits, mse, l1, detach } from './losses';
export { gradientPenalty } from './penalty';
export { reduce, dot, sqnorm, norm, grad } from './tensor';
export { uniformLike, normalLike } from './noise';
export { diffAugment } from './diffaugment';
export { instanceNormalization } from './instance-norm';
export { spectralNorm } from './spectral-norm';
export { upsampledConv2d } from './upsampled-conv';
export { applyTogether, applyTogetherHeads } from './together';
export { asScalar, layer } from './typed';
export type { Trainer, PhaseSettings, OptimizerSettings, EmaDef } from '../../contract/trainer';

// Expression functions, gradients: gradient_penalty(D, real, fake), the WGAN-GP term of
// Gulrajani et al. 2017, as runtime/ops/penalty.ts computes it. Imports the vocabulary's types only.
import { show } from '../../expr/ast';
import { describe, ExprError, type FunctionDef, fmt, type Ty } from './types';

export const GRADIENT_PENALTY: FunctionDef = {
  name: 'gradient_penalty',
  signature: 'gradient_penalty(D, real, fake)',
  doc: 'the WGAN-GP penalty mean((||∇D(x̂)|| - 1)²), 1-centred, at random interpolates x̂ between real and fake batches of D\'s one input',
  lower(call) {
    const { e, args } = call;
    if (args.length !== 3 || args[0].ty.t !== 'net') {
      throw new ExprError('gradient_penalty(Net, real, fake) takes a network and two batches of its input', e.at);
    }
    const net = call.network(args[0].ty.name)!;
    if (net.inputs.length !== 1 || net.heads.length !== 1) {
      throw new ExprError(`gradient_penalty needs a network with one input and one output; ${net.name} has ${net.inputs.length} and ${net.heads.length}`, e.args[0].at);
    }
    const [real, fake] = [1, 2].map((i) => {
      const ref = call.ref(i, 'pass to gradient_penalty');
      const ty = args[i].ty as Ty & { t: 'tensor' };
      if (ty.dtype === 'int32' || fmt(ty.shape) !== fmt(net.inputs[0].shape)) {
        throw new ExprError(`gradient_penalty: ${net.name} takes ${fmt(net.inputs[0].shape)}, but ${show(e.args[i])} is ${describe(ty)}`, e.args[i].at);
      }
      return ref;
    });
    return { ty: { t: 'scalar' }, operand: { ref: call.emit({ op: 'penalty', net: net.name, real, fake }) } };
  },
};

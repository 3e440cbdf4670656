// Expression functions, gradients: gradient_penalty(D, real, fake), the WGAN-GP term of
// Gulrajani et al. 2017, as runtime/ops/penalty.ts computes it. Its two points must differ: at one
// point it is still the 1-centred term, never R1's (GS135). Imports the vocabulary's types and
// ranges only.
import { show } from '../../expr/ast';
import { range } from '../ranges';
import { describe, ExprError, type FunctionDef, fmt, quote, startOf, type Ty } from './types';

/** The hint of GS135: how to write the zero-centred R1 penalty instead. */
export const R1_HINT = 'for the R1 penalty ||grad D(x)||^2 use grad() (see README)';

export const GRADIENT_PENALTY: FunctionDef = {
  name: 'gradient_penalty',
  signature: 'gradient_penalty(D, real, fake)',
  doc: 'the WGAN-GP penalty mean((||∇D(x̂)|| - 1)²): 1-centred, at random interpolates x̂ between the real and fake batches of D\'s one input; the same point twice is an error (it would still be 1-centred, not R1\'s ||∇D(x)||²)',
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
    if (show(e.args[1]) === show(e.args[2])) {
      const at = quote(e.args[1]);
      throw new ExprError(
        `gradient_penalty(${net.name}, ${at}, ${at}) interpolates ${at} with itself: it computes the 1-centred WGAN-GP term (||grad ${net.name}|| - 1)^2 at ${at}, not a zero-centred penalty such as R1's ||grad ${net.name}||^2`,
        startOf(e.args[2]),
        R1_HINT,
        undefined,
        'GS135',
      );
    }
    return { ty: { t: 'scalar' }, operand: { ref: call.emit({ op: 'penalty', net: net.name, real, fake }) } };
  },
  range: () => range(0, Infinity, 'a penalty'),
};

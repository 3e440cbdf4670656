// Expression functions, gradients: grad(f, wrt), the gradient of an expression with respect to
// a tensor it reads (runtime/ops/tensor.ts grad, a closure over the statements between them,
// differentiable again w.r.t. the weights), and gradient_penalty(D, real, fake), the 1-centred term
// of Gulrajani et al. 2017, as runtime/ops/penalty.ts computes it. Its two points must differ: at
// one point it is still the 1-centred term, never R1's (GS135). Imports the vocabulary's types
// and ranges and the IR walk of compiler/lower/reach.ts only.
import { show } from '../../expr/ast';
import { between } from '../../lower/reach';
import { range } from '../ranges';
import { describe, ExprError, type FunctionDef, fmt, quote, startOf, type Ty } from './types';

export const GRAD: FunctionDef = {
  name: 'grad',
  signature: 'grad(f, wrt)',
  doc: 'the gradient of f (summed over the batch and all axes to one number) with respect to wrt, a tensor f reads (x, z or an expression of them): a tensor of wrt\'s shape, differentiable again (double backprop)',
  lower(call) {
    const { e, args } = call;
    call.arity(2);
    const [f, wrt] = args;
    const [fText, wrtText] = e.args.map(show);
    if (wrt.ty.t !== 'tensor' || wrt.ty.dtype === 'int32' || !wrt.operand || !('ref' in wrt.operand)) {
      const what = wrt.ty.t === 'tensor' ? 'class labels' : describe(wrt.ty);
      throw new ExprError(`grad(${fText}, ${wrtText}): ${wrtText} is ${what}, not a tensor of real values that ${fText} reads`, e.args[1].at, 'the gradient is taken with respect to an input such as x or z, or an expression of them', undefined, 'GS138');
    }
    const real = (f.ty.t === 'tensor' && f.ty.dtype === 'float32') || f.ty.t === 'scalar';
    if (!real || !f.operand || !('ref' in f.operand)) {
      const what = f.ty.t === 'tensor' ? 'class labels' : describe(f.ty);
      throw new ExprError(`grad(${fText}, ${wrtText}): ${fText} is ${what}, not real values to differentiate`, e.args[0].at, f.ty.t === 'heads' ? `pick a head, e.g. ${fText}.${f.ty.heads[0].name}` : undefined, undefined, 'GS138');
    }
    const body = between(call.stmts, wrt.operand.ref, f.operand.ref);
    if (body === undefined) {
      throw new ExprError(`grad(${fText}, ${wrtText}): ${fText} does not depend on ${wrtText}: its gradient is zero`, e.args[0].at, undefined, undefined, 'GS138');
    }
    return { ty: wrt.ty, operand: { ref: call.emit({ op: 'grad', f: f.operand.ref, wrt: wrt.operand.ref, body }) } };
  },
  range: () => range(-Infinity, Infinity, 'a gradient'),
};

/** The hint of GS135: how to write the zero-centred R1 penalty instead. */
export const R1_HINT = 'for the R1 penalty ||grad D(x)||^2 write 10 / 2 * mean(sqnorm(grad(D(x), x))) (see README)';

export const GRADIENT_PENALTY: FunctionDef = {
  name: 'gradient_penalty',
  signature: 'gradient_penalty(D, real, fake)',
  doc: 'Gulrajani et al.\'s gradient penalty mean((||∇D(x̂)|| - 1)²): 1-centred, at random interpolates x̂ between the real and fake batches of D\'s one input; the same point twice is an error (it would still be 1-centred, not R1\'s ||∇D(x)||²)',
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
        `gradient_penalty(${net.name}, ${at}, ${at}) interpolates ${at} with itself: it computes the 1-centred term of Gulrajani et al.'s penalty (||grad ${net.name}|| - 1)^2 at ${at}, not a zero-centred penalty such as R1's ||grad ${net.name}||^2`,
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

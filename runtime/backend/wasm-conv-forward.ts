// Conv2D and FusedConv2D on wasm through OpenBLAS when it is on (openblas.ts): patch matrices and
// one sgemm per batch chunk, the bias added in the same product; a fused activation by the
// backend's own kernel after it. NHWC float32 only; everything else, and every call while
// OpenBLAS is off, goes to the backend's XNNPACK kernels.
import * as tf from '@tensorflow/tfjs';
import { conv2d, openBlasOn } from './openblas';
import { type ConvAttrs, limits } from './wasm-conv-common';
import { type Info, type Wasm, free } from './wasm-heap';

interface Attrs extends ConvAttrs {
  dilations?: number | [number, number];
  activation?: string;
  leakyreluAlpha?: number;
}

/** A fused activation as the backend's kernel: its name, and its inputs and attributes beyond x. */
function activationKernel(a: Attrs, prelu: Info | undefined): [string, Record<string, Info>, tf.NamedAttrMap] | null {
  switch (a.activation ?? 'linear') {
    case 'linear': return null;
    case 'relu': return ['Relu', {}, {}];
    case 'relu6': return ['Relu6', {}, {}];
    case 'elu': return ['Elu', {}, {}];
    case 'sigmoid': return ['Sigmoid', {}, {}];
    case 'leakyrelu': return ['LeakyRelu', {}, { alpha: a.leakyreluAlpha ?? 0.2 }];
    case 'prelu': return ['Prelu', { alpha: prelu! }, {}];
    default: throw new Error(`unknown fused activation '${a.activation}'`);
  }
}

export function withOpenBlasConv(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, Info | undefined>;
    const a = args.attrs as unknown as Attrs;
    const f32 = [x, filter, bias].every((t) => t === undefined || t.dtype === 'float32');
    // A bias the product can add: one value per output channel (tfjs also broadcasts others).
    const perChannel = bias === undefined || (bias.shape.length === 1 && bias.shape[0] === filter!.shape[3]);
    if (!openBlasOn() || a.dataFormat === 'NCHW' || !f32 || !perChannel) return original(args);
    const backend = args.backend as Wasm;
    const c = tf.backend_util.computeConv2DInfo(x!.shape as [number, number, number, number], filter!.shape as [number, number, number, number],
      a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode);
    const out = conv2d(backend, x!, filter!, bias ?? null, c, limits.patchBytes);
    const activation = activationKernel(a, preluActivationWeights);
    if (activation === null) return out;
    const [name, inputs, attrs] = activation;
    const activated = tf.getKernel(name, 'wasm').kernelFunc({ backend, inputs: { x: out, ...inputs }, attrs }) as Info;
    free(backend, out);
    return activated;
  };
}

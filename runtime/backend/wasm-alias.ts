// Identity, and Cast to the dtype a tensor already has, on wasm without a copy: the output shares
// the input's heap memory under one more reference (as the cpu backend's Identity does, and as
// wasm's own Reshape does). The backend's kernels copy, and tfjs-core's engine runs Identity for
// every tensor its tape saves for the backward pass: on wasm each saved activation was a second
// copy of it (InfoGAN at batch 128: 790 MB of copies per update). Kernels never write into their
// inputs, so a shared buffer is never changed under another tensor.
import type * as tf from '@tensorflow/tfjs';
import type { Info, Wasm } from './wasm-heap';

function alias(backend: Wasm, x: Info): Info {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function withAliasedIdentity(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    return x.dtype === 'string' ? original(args) : alias(args.backend as Wasm, x);
  };
}

export function withAliasedCast(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    const { dtype } = args.attrs as { dtype: tf.DataType };
    return x.dtype === dtype && dtype !== 'string' ? alias(args.backend as Wasm, x) : original(args);
  };
}

// Identity without copies. Every kernel that records a gradient keeps its inputs and outputs for
// the backward pass through the engine's clone(), an Identity kernel call each: 553 of the 609
// Identity calls of a step of the deep convolutional spec at batch 32 (2077 kernel calls in all). tfjs 4.22's wasm Identity
// copies the tensor's data (tfjs-backend-wasm/dist/kernels/Identity.js); its cpu Identity and
// its wasm Reshape share the data and count a reference instead. Here:
// - `withSharedIdentity` makes the wasm Identity share the data as cpu's does (nothing writes a
//   tensor's data in place: kernels write only their fresh outputs, variables take new data on
//   assign); `withSharedCast` does the same for a wasm Cast to the tensor's own dtype (tfjs-core
//   casts float32 to float32 in moments() and in several gradients: 52 copies a step of that spec);
// - `installSharedClones` replaces the engine's clone() (tfjs-core/dist/engine.js), on backends
//   whose Identity shares data (cpu, and wasm with this kernel), with what that Identity call
//   amounts to there: a new tensor on the same data, and the same tape node as tfjs's clone
//   records (second-order gradients run through it), without the kernel call.
// The values are the same tensors' values: no result changes. Imports tfjs only.
import * as tf from '@tensorflow/tfjs';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

/** The input's data under a new tensor, one more reference to it. */
function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** The Identity kernels made by withSharedIdentity. */
const sharing = new WeakSet<tf.KernelFunc>();

/** Identity as a shared reference; string tensors by the original kernel. */
export function withSharedIdentity(original: tf.KernelFunc): tf.KernelFunc {
  const kernel: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    return x.dtype === 'string' ? original(args) : share(x, args.backend);
  };
  sharing.add(kernel);
  return kernel;
}

/** Cast to the input's own dtype as a shared reference; other casts by the original kernel. */
export function withSharedCast(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    return (args.attrs as { dtype: tf.DataType }).dtype === x.dtype && x.dtype !== 'string' ? share(x, args.backend) : original(args);
  };
}

/** The engine's fields and methods clone() uses (private in tfjs's typings). */
interface EngineInternals {
  backend: tf.KernelBackend;
  backendName: string;
  clone(x: tf.Tensor): tf.Tensor;
  state: { activeScope: { name: string }; tensorInfo: Map<object, { backend: tf.KernelBackend }> };
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend?: tf.KernelBackend): tf.Tensor;
  addTapeNode(name: string, inputs: tf.NamedTensorMap, outputs: tf.Tensor[],
    gradient: (dy: tf.Tensor) => Record<string, () => tf.Tensor>, saved: tf.Tensor[], attrs: tf.NamedAttrMap): void;
  runKernel(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): tf.Tensor;
}

let installed = false;

/** Whether the current backend's Identity kernel shares its input's data. */
function identityShares(e: EngineInternals): boolean {
  if (e.backendName === 'cpu') return true;
  const wasmIdentity = tf.getKernel('Identity', 'wasm')?.kernelFunc;
  return e.backendName === 'wasm' && wasmIdentity !== undefined && sharing.has(wasmIdentity);
}

/** Idempotent. The wasm fast path works once withSharedIdentity's kernel is registered. */
export function installSharedClones(): void {
  if (installed) return;
  installed = true;
  const e = tf.engine() as unknown as EngineInternals;
  const tfjsClone = e.clone.bind(e);
  e.clone = (x: tf.Tensor): tf.Tensor => {
    const info = e.state.tensorInfo.get(x.dataId);
    if (x.dtype === 'string' || info === undefined || info.backend !== e.backend || !identityShares(e)) return tfjsClone(x);
    (e.backend as unknown as RefCountingBackend).incRef(x.dataId);
    const y = e.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype }, e.backend);
    // tfjs's clone records this node (the gradient of a clone is dy, cast to float32).
    const gradient = (dy: tf.Tensor) => ({ x: () => e.runKernel('Cast', { x: dy }, { dtype: 'float32' }) });
    e.addTapeNode(e.state.activeScope.name, { x }, [y], gradient, [], {});
    return y;
  };
}

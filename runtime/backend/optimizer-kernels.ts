// Fused optimizer updates: one kernel call per variable updates the variable and its slots
// (Adam: m and v; RMSprop: the mean square and the momentum; SGD: none), where tfjs 4.22's
// optimizers make 2 to 14 elementwise kernel calls and as many temporaries per variable
// (tfjs-core/dist/optimizers/*_optimizer.js). Registered for the wasm backend (reading and
// writing its heap in place) and the cpu backend. Every operation is the one tfjs makes, in its order,
// each result rounded to float32 (Math.fround: a float32 sum, product, quotient or square root
// computed in double and rounded once is the correctly rounded float32 result), so the updates
// equal tfjs's bit for bit on both backends (test/optimizer-fused.test.ts).
// Imports tfjs and ./wasm-heap only.
import * as tf from '@tensorflow/tfjs';
import { type Info, type Wasm, alloc, f32 } from './wasm-heap';

export const ADAM_UPDATE = 'GanspecAdamUpdate';
export const RMSPROP_UPDATE = 'GanspecRMSPropUpdate';
export const SGD_UPDATE = 'GanspecSGDUpdate';

const fr = Math.fround;

/** Adam's attributes: its settings and beta1^t, beta2^t as float32 values (tfjs's accBeta1/2). */
export interface AdamAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: number;
  accBeta2: number;
}

/** RMSprop's attributes (not centered). */
export interface RMSPropAttrs {
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
}

export interface SGDAttrs {
  learningRate: number;
}

/** tfjs: m' = m·b1 + g·(1-b1); v' = v·b2 + g²·(1-b2); x' = (m'/(1-b1^t)) / (√(v'/(1-b2^t)) + ε) · (-lr) + x. */
function adam(a: AdamAttrs, x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  x1: Float32Array, m1: Float32Array, v1: Float32Array): void {
  const b1 = fr(a.beta1), c1 = fr(1 - a.beta1), b2 = fr(a.beta2), c2 = fr(1 - a.beta2);
  const d1 = fr(1 - a.accBeta1), d2 = fr(1 - a.accBeta2);
  const eps = fr(a.epsilon), step = fr(-a.learningRate);
  for (let i = 0; i < x.length; i++) {
    const gi = g[i];
    const mi = fr(fr(m[i] * b1) + fr(gi * c1));
    const vi = fr(fr(v[i] * b2) + fr(fr(gi * gi) * c2));
    m1[i] = mi;
    v1[i] = vi;
    const mHat = fr(mi / d1);
    const vHat = fr(vi / d2);
    x1[i] = fr(fr(fr(mHat / fr(fr(Math.sqrt(vHat)) + eps)) * step) + x[i]);
  }
}

/** tfjs (not centered): s' = s·ρ + g²·(1-ρ); p' = p·μ + g·lr / √(s' + ε); x' = x - p'. */
function rmsprop(a: RMSPropAttrs, x: Float32Array, g: Float32Array, s: Float32Array, p: Float32Array,
  x1: Float32Array, s1: Float32Array, p1: Float32Array): void {
  const rho = fr(a.decay), c = fr(1 - a.decay), mu = fr(a.momentum), eps = fr(a.epsilon), lr = fr(a.learningRate);
  for (let i = 0; i < x.length; i++) {
    const gi = g[i];
    const si = fr(fr(s[i] * rho) + fr(fr(gi * gi) * c));
    const pi = fr(fr(p[i] * mu) + fr(fr(gi * lr) / fr(Math.sqrt(fr(si + eps)))));
    s1[i] = si;
    p1[i] = pi;
    x1[i] = fr(x[i] - pi);
  }
}

/** tfjs: x' = (-lr)·g + x. */
function sgd(a: SGDAttrs, x: Float32Array, g: Float32Array, x1: Float32Array): void {
  const step = fr(-a.learningRate);
  for (let i = 0; i < x.length; i++) x1[i] = fr(fr(step * g[i]) + x[i]);
}

type Update<A> = (a: A, ins: Float32Array[], outs: Float32Array[]) => void;

const UPDATES: [string, string[], Update<never>][] = [
  [ADAM_UPDATE, ['x', 'g', 'm', 'v'], ((a: AdamAttrs, [x, g, m, v], [x1, m1, v1]) => adam(a, x, g, m, v, x1, m1, v1)) as Update<never>],
  [RMSPROP_UPDATE, ['x', 'g', 's', 'p'], ((a: RMSPropAttrs, [x, g, s, p], [x1, s1, p1]) => rmsprop(a, x, g, s, p, x1, s1, p1)) as Update<never>],
  [SGD_UPDATE, ['x', 'g'], ((a: SGDAttrs, [x, g], [x1]) => sgd(a, x, g, x1)) as Update<never>],
];

/** Outputs: the new variable, then each new slot (one per input after x and g), all float32. */
function checkInputs(kernel: string, names: string[], inputs: tf.NamedTensorInfoMap): Info[] {
  const ins = names.map((n) => {
    const t = inputs[n];
    if (t === undefined) throw new Error(`${kernel}: no input ${n}`);
    return t;
  });
  const shape = ins[0].shape.join(',');
  for (const [i, t] of ins.entries()) {
    if (t.dtype !== 'float32' || t.shape.join(',') !== shape) {
      throw new Error(`${kernel}: input ${names[i]} is ${t.dtype} [${t.shape.join(', ')}], not float32 [${shape}]`);
    }
  }
  return ins;
}

function wasmKernel(kernel: string, names: string[], update: Update<never>): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as Wasm;
    const ins = checkInputs(kernel, names, inputs);
    const outs = [0, ...names.slice(2)].map(() => alloc(wasm, ins[0].shape));
    // Views after the last allocation (a heap growth detaches earlier ones).
    update(attrs as never, ins.map((t) => f32(wasm, t)), outs.map((t) => f32(wasm, t)));
    return outs;
  };
}

interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

function cpuKernel(kernel: string, names: string[], update: Update<never>): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const cpu = backend as unknown as CpuBackend;
    const ins = checkInputs(kernel, names, inputs);
    const size = ins[0].shape.reduce((p, d) => p * d, 1);
    const outs = [0, ...names.slice(2)].map(() => new Float32Array(size));
    update(attrs as never, ins.map((t) => cpu.data.get(t.dataId).values as Float32Array), outs);
    return outs.map((o) => cpu.makeTensorInfo(ins[0].shape, 'float32', o));
  };
}

/** Idempotent. */
export function registerOptimizerKernels(): void {
  for (const [kernelName, names, update] of UPDATES) {
    if (tf.getKernel(kernelName, 'wasm') === undefined) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: wasmKernel(kernelName, names, update) });
    if (tf.getKernel(kernelName, 'cpu') === undefined) tf.registerKernel({ kernelName, backendName: 'cpu', kernelFunc: cpuKernel(kernelName, names, update) });
  }
}

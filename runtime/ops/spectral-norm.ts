// Spectral normalisation (Miyato et al. 2018) as one tfjs layer for each weight layer it applies
// to: a dense, conv2d or conv2d_transpose layer whose kernel W is divided by an estimate sigma of
// its largest singular value in every forward pass. W is read as the matrix [out, in*kh*kw] (as
// the paper and PyTorch's spectral_norm do); the power-iteration vector u (length out) is a
// non-trainable weight, so checkpoints save and restore it. A call with training=true does one
// power iteration (v = W^T u / |W^T u|, u = W v / |W v|) and stores the new u; an inference call
// reuses u unchanged. sigma = u^T W v with u and v held constant: gradients flow through sigma
// into W, as in PyTorch. Registered for serialization. gan-export's sampler carries a copy
// (export/sampler-source.ts CUSTOM_LAYERS; test/ops-spectral-norm.test.ts checks they agree):
// change both. Imports only TensorFlow.js.
import * as tf from '@tensorflow/tfjs';

export type SpectralKind = 'dense' | 'conv2d' | 'conv2d_transpose';

export interface SpectralNormArgs {
  kind: SpectralKind;
  /** Output units (dense) or filters (convolutions). */
  units: number;
  kernelSize?: [number, number];
  strides?: [number, number];
  padding?: 'same' | 'valid';
  useBias?: boolean;
  name?: string;
}

/** The identity whose gradient is zero: u and v are constants of the normalisation. */
const constant = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.zerosLike(dy as tf.Tensor),
})) as (x: tf.Tensor) => tf.Tensor;

/** x / max(|x|, 1e-12), PyTorch's normalize. */
function normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.maximum(tf.norm(x), 1e-12));
}

/** The kernel as the matrix M = W^T, [in*kh*kw, out]: out is always the last axis. */
export function kernelMatrix(kind: SpectralKind, kernel: tf.Tensor): tf.Tensor2D {
  // conv2d_transpose kernels are [kh, kw, out, in]: bring out to the end first.
  const k = kind === 'conv2d_transpose' ? tf.transpose(kernel, [0, 1, 3, 2]) : kernel;
  return tf.reshape(k, [-1, k.shape[k.shape.length - 1]]) as tf.Tensor2D;
}

/**
 * sigma = u'^T W v for the kernel matrix M = W^T and the stored u: v = normalize(W^T u), and u'
 * = normalize(W v) after one power iteration (training) or u itself (inference). Returns u' too.
 */
export function estimateSigma(m: tf.Tensor2D, u: tf.Tensor, iterate: boolean): { sigma: tf.Scalar; u: tf.Tensor1D } {
  const fixed = constant(m) as tf.Tensor2D;
  const u0 = normalize(constant(u)).reshape([-1, 1]);
  const v = normalize(tf.matMul(fixed, u0));
  const u1 = iterate ? normalize(tf.matMul(fixed, v, true, false)) : u0;
  const sigma = tf.sum(tf.mul(v, tf.matMul(m, u1))) as tf.Scalar;
  return { sigma, u: u1.reshape([-1]) as tf.Tensor1D };
}

/** Output length of a transposed convolution along one axis, as tf.layers.conv2dTranspose computes it. */
function deconvLength(size: number, stride: number, kernel: number, padding: string): number {
  return size * stride + (padding === 'valid' ? Math.max(kernel - stride, 0) : 0);
}

export class SpectralNorm extends tf.layers.Layer {
  static className = 'GanspecSpectralNorm';
  private readonly kind: SpectralKind;
  private readonly units: number;
  private readonly kernelSize: [number, number];
  private readonly strides: [number, number];
  private readonly padding: 'same' | 'valid';
  private readonly useBias: boolean;
  private kernel!: tf.LayerVariable;
  private bias: tf.LayerVariable | null = null;
  private u!: tf.LayerVariable;

  constructor(args: SpectralNormArgs) {
    super({ name: args.name });
    this.kind = args.kind;
    this.units = args.units;
    this.kernelSize = args.kernelSize ?? [1, 1];
    this.strides = args.strides ?? [1, 1];
    this.padding = args.padding ?? 'same';
    this.useBias = args.useBias ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const inputs = shape[shape.length - 1] as number;
    const [kh, kw] = this.kernelSize;
    const kernelShape =
      this.kind === 'dense' ? [inputs, this.units] : this.kind === 'conv2d' ? [kh, kw, inputs, this.units] : [kh, kw, this.units, inputs];
    this.kernel = this.addWeight('kernel', kernelShape, 'float32', tf.initializers.glorotUniform({}));
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.u = this.addWeight('sn_u', [this.units], 'float32', tf.initializers.randomNormal({}), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    if (this.kind === 'dense') return [...s.slice(0, -1), this.units];
    const [h, w] = [s[1] as number, s[2] as number];
    const [kh, kw] = this.kernelSize;
    const [sh, sw] = this.strides;
    if (this.kind === 'conv2d_transpose') return [s[0], deconvLength(h, sh, kh, this.padding), deconvLength(w, sw, kw, this.padding), this.units];
    const out = (n: number, k: number, st: number) => (this.padding === 'same' ? Math.ceil(n / st) : Math.floor((n - k) / st) + 1);
    return [s[0], out(h, kh, sh), out(w, kw, sw), this.units];
  }

  /** The kernel divided by sigma; with `iterate`, one power iteration's new u is stored first. */
  normalizedKernel(iterate: boolean): tf.Tensor {
    return tf.tidy(() => {
      const kernel = this.kernel.read();
      const { sigma, u } = estimateSigma(kernelMatrix(this.kind, kernel), this.u.read(), iterate);
      if (iterate) this.u.write(u);
      return tf.div(kernel, sigma);
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const w = this.normalizedKernel(kwargs.training === true);
      let y: tf.Tensor;
      if (this.kind === 'dense') {
        const flat = tf.reshape(x, [-1, x.shape[x.shape.length - 1]]);
        y = tf.reshape(tf.matMul(flat, w as tf.Tensor2D), [...x.shape.slice(0, -1), this.units]);
      } else if (this.kind === 'conv2d') {
        y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, this.strides, this.padding);
      } else {
        const out = this.computeOutputShape(x.shape) as number[];
        y = tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [x.shape[0], out[1], out[2], this.units], this.strides, this.padding);
      }
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kind: this.kind, units: this.units, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, useBias: this.useBias };
  }
}
tf.serialization.registerClass(SpectralNorm);

export function spectralNorm(args: SpectralNormArgs): SpectralNorm {
  return new SpectralNorm(args);
}

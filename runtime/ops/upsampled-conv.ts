// A 2x nearest upsampling and the stride-1 'same' conv2d that reads it, as one tfjs layer (the
// compiler folds such a pair: compiler/emit/fold.ts). The upsampled image is never made: along
// each axis an output pixel's parity (its phase) decides which input pixels its kernel taps fall
// on, taps on the same input pixel are summed into one, and the four phases' kernels are one
// convolution at the input's resolution with 4·filters output channels. A reshape and transpose
// interleave the phases, and a crop of one pixel evens out their offsets when the kernel's 'same'
// padding is odd. A 3x3 kernel reads 16 taps per input pixel instead of 36, a 4x4 36 instead of
// 64. The weights are conv2d's (kernel [kh, kw, in, filters], bias [filters]), made in its order
// with its initialisers, so checkpoints and seeded runs are those of the unfolded pair.
// Registered for serialization; gan-export's sampler carries this file's text as it is
// (export/sampler-source.ts), so it imports only TensorFlow.js.
import * as tf from '@tensorflow/tfjs';

export interface UpsampledConv2DArgs {
  filters: number;
  kernelSize: [number, number];
  /** Always [1, 1] and 'same': what the fold requires, kept in the config as conv2d's. */
  strides?: [number, number];
  padding?: 'same';
  activation?: string;
  useBias?: boolean;
  /** The upsampling layer folded in, by name (under a key `name`, so tfjs's JSON keeps its case). */
  upsampling: { name: string };
  name?: string;
}

/** How one axis of a k-tap 'same' kernel reads the input once upsampled 2x (see the header). */
export interface PhaseAxis {
  /** Taps of each phase's kernel. */
  taps: number;
  /** Padding before and after the input for the phases' convolution. */
  pad: [number, number];
  /** 1 when the two phases start one input pixel apart (the crop), else 0. */
  shift: number;
  /** mix[block][p][t]: 1 where tap t of the kernel lands on tap p of the phase stored in block `block`. */
  mix: number[][][];
}

/**
 * Output pixel 2i+a reads upsampled pixel 2i+a+t−before for tap t, that is input pixel
 * i + floor((a+t−before)/2). Phase a's taps span input offsets start[a].. from i, and block
 * (a xor shift) holds it, so that both phases land on one grid before the crop.
 */
export function phaseAxis(k: number): PhaseAxis {
  const before = Math.floor((k - 1) / 2);
  const offset = (a: number, t: number): number => Math.floor((a + t - before) / 2);
  const start = [offset(0, 0), offset(1, 0)];
  const taps = Math.max(offset(0, k - 1) - start[0]! + 1, offset(1, k - 1) - start[1]! + 1);
  const shift = start[1]! - start[0]!;
  const mix = [0, 1].map((block) => {
    const a = block ^ shift;
    return Array.from({ length: taps }, (_, p) => Array.from({ length: k }, (_, t) => (offset(a, t) - start[a]! === p ? 1 : 0)));
  });
  return { taps, pad: [0 - start[0]!, start[1]! + taps - 1], shift, mix };
}

/** The four phases' kernels [mh, mw, in, 4·filters], blocks (row block, column block, filter), from conv2d's kernel. */
function phaseKernel(kernel: tf.Tensor4D, rows: PhaseAxis, cols: PhaseAxis): tf.Tensor4D {
  const [kh, kw, cin, cout] = kernel.shape;
  const m: number[] = [];
  for (let p = 0; p < rows.taps; p++)
    for (let q = 0; q < cols.taps; q++)
      for (let bh = 0; bh < 2; bh++) for (let bw = 0; bw < 2; bw++) for (let t = 0; t < kh; t++) for (let u = 0; u < kw; u++) m.push(rows.mix[bh]![p]![t]! * cols.mix[bw]![q]![u]!);
  const mixed = tf.matMul(tf.tensor2d(m, [4 * rows.taps * cols.taps, kh * kw]), tf.reshape(kernel, [kh * kw, cin * cout]));
  return tf.reshape(tf.transpose(tf.reshape(mixed, [rows.taps, cols.taps, 2, 2, cin, cout]), [0, 1, 4, 2, 3, 5]), [rows.taps, cols.taps, cin, 4 * cout]);
}

export class UpsampledConv2D extends tf.layers.Layer {
  static className = 'GanspecUpsampledConv2D';
  private readonly filters: number;
  private readonly kernelSize: [number, number];
  private readonly activation: string | undefined;
  private readonly useBias: boolean;
  private readonly upsampling: { name: string };
  private readonly activate: tf.layers.Layer | undefined;
  private kernel!: tf.LayerVariable;
  private bias: tf.LayerVariable | null = null;

  constructor(args: UpsampledConv2DArgs) {
    super({ name: args.name });
    if ((args.strides !== undefined && (args.strides[0] !== 1 || args.strides[1] !== 1)) || (args.padding !== undefined && args.padding !== 'same')) {
      throw new Error(`internal error: layer '${args.name}' folds an upsampling into a stride-1 'same' convolution only`);
    }
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.activation = args.activation;
    this.useBias = args.useBias ?? true;
    this.upsampling = { name: args.upsampling.name };
    this.activate = args.activation === undefined || args.activation === 'linear' ? undefined : tf.layers.activation({ activation: args.activation as 'tanh' });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const inputs = shape[shape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [...this.kernelSize, inputs, this.filters], 'float32', tf.initializers.glorotNormal({}));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0], 2 * (s[1] as number), 2 * (s[2] as number), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [n, h, w] = x.shape;
      const rows = phaseAxis(this.kernelSize[0]);
      const cols = phaseAxis(this.kernelSize[1]);
      // The shift's extra row and column as zeros of x, so that the convolution's input and output
      // are one size (the filter gradient's fast path on wasm: runtime/backend/wasm-conv-filter.ts).
      const padded = rows.shift + cols.shift === 0 ? x : tf.pad(x, [[0, 0], [0, rows.shift], [0, cols.shift], [0, 0]]);
      const phases = tf.fused.conv2d({
        x: padded,
        filter: phaseKernel(this.kernel.read() as tf.Tensor4D, rows, cols),
        strides: 1,
        pad: [[0, 0], [rows.pad[0], rows.pad[1] - rows.shift], [cols.pad[0], cols.pad[1] - cols.shift], [0, 0]],
        bias: this.bias ? tf.tile(this.bias.read(), [4]) : undefined,
      });
      const [ph, pw] = [h + rows.shift, w + cols.shift];
      const grid = tf.reshape(tf.transpose(tf.reshape(phases, [n, ph, pw, 2, 2, this.filters]), [0, 1, 3, 2, 4, 5]), [n, 2 * ph, 2 * pw, this.filters]);
      const y = rows.shift + cols.shift === 0 ? grid : tf.slice(grid, [0, rows.shift, cols.shift, 0], [n, 2 * h, 2 * w, this.filters]);
      return this.activate ? (this.activate.apply(y) as tf.Tensor) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: [1, 1], padding: 'same', useBias: this.useBias, upsampling: this.upsampling };
    if (this.activation !== undefined) config.activation = this.activation;
    return config;
  }
}
tf.serialization.registerClass(UpsampledConv2D);

export function upsampledConv2d(args: UpsampledConv2DArgs): UpsampledConv2D {
  return new UpsampledConv2D(args);
}

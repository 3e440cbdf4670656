// A 2x nearest upsampling and the stride-1 'same' conv2d that reads it, as one tfjs layer (the
// compiler folds such a pair: compiler/emit/fold.ts). The upsampled image is never made: along
// each axis an output pixel's parity (its phase) decides which input pixels its kernel taps fall
// on, and taps on the same input pixel are summed into one. Each phase is a convolution at the
// input's resolution: for an odd kernel the four are one with 4·filters output channels; for an
// even one a phase per axis reads a tap fewer, so each runs alone with only its taps. A reshape
// and transpose interleave the phases, and a crop of one pixel evens out their offsets when the
// kernel's 'same' padding is odd. A 3x3 kernel reads 16 taps per input pixel instead of 36, a 4x4
// 25 instead of 64. The weights are conv2d's (kernel [kh, kw, in, filters], bias [filters]), made
// in its order with its initialisers, so checkpoints and seeded runs are those of the unfolded pair.
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
  /** used[block]: the taps of that block's phase that any kernel tap lands on (the first ones; the rest are zeros). */
  used: number[];
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
  const used = mix.map((rows) => 1 + Math.max(...rows.flatMap((row, p) => (row.includes(1) ? [p] : []))));
  return { taps, pad: [0 - start[0]!, start[1]! + taps - 1], shift, mix, used };
}

/** Block (bh, bw)'s tap-mixing matrix, rowTaps·colTaps rows of kh·kw: 1 where conv2d's tap (t, u)
 *  lands on tap (p, q) of the block's phase (its first taps). */
function blockMix(rows: PhaseAxis, cols: PhaseAxis, bh: number, bw: number, rowTaps: number, colTaps: number, kh: number, kw: number): number[] {
  const m: number[] = [];
  for (let p = 0; p < rowTaps; p++) for (let q = 0; q < colTaps; q++) for (let t = 0; t < kh; t++) for (let u = 0; u < kw; u++) m.push(rows.mix[bh]![p]![t]! * cols.mix[bw]![q]![u]!);
  return m;
}

/** Block (bh, bw)'s kernel [rowTaps, colTaps, in, filters] from conv2d's kernel. */
function blockKernel(kernel: tf.Tensor4D, rows: PhaseAxis, cols: PhaseAxis, bh: number, bw: number, rowTaps: number, colTaps: number): tf.Tensor4D {
  const [kh, kw, cin, cout] = kernel.shape;
  const mix = tf.tensor2d(blockMix(rows, cols, bh, bw, rowTaps, colTaps, kh, kw), [rowTaps * colTaps, kh * kw]);
  return tf.reshape(tf.matMul(mix, tf.reshape(kernel, [kh * kw, cin * cout])), [rowTaps, colTaps, cin, cout]);
}

/** The four blocks' kernels with all the taps, side by side [taps, taps, in, 4·filters] (row
 *  block, column block, filter), from conv2d's kernel in one product. */
function phaseKernel(kernel: tf.Tensor4D, rows: PhaseAxis, cols: PhaseAxis): tf.Tensor4D {
  const [kh, kw, cin, cout] = kernel.shape;
  const m = [0, 1].flatMap((bh) => [0, 1].flatMap((bw) => blockMix(rows, cols, bh, bw, rows.taps, cols.taps, kh, kw)));
  const mixed = tf.matMul(tf.tensor2d(m, [4 * rows.taps * cols.taps, kh * kw]), tf.reshape(kernel, [kh * kw, cin * cout]));
  return tf.reshape(tf.transpose(tf.reshape(mixed, [2, 2, rows.taps, cols.taps, cin, cout]), [2, 3, 4, 0, 1, 5]), [rows.taps, cols.taps, cin, 4 * cout]);
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
      const kernel = this.kernel.read() as tf.Tensor4D;
      const f = this.filters;
      const [ph, pw] = [h + rows.shift, w + cols.shift];
      // A convolution of `padded` whose kernel has `rowTaps` x `colTaps` of the phases' taps: the
      // padding after the input shrinks with them, so every output is ph x pw.
      const convolve = (filter: tf.Tensor4D, rowTaps: number, colTaps: number, bias: tf.Tensor1D | undefined): tf.Tensor4D =>
        tf.fused.conv2d({
          x: padded,
          filter,
          strides: 1,
          pad: [[0, 0], [rows.pad[0], rows.pad[1] - rows.shift - (rows.taps - rowTaps)], [cols.pad[0], cols.pad[1] - cols.shift - (cols.taps - colTaps)], [0, 0]],
          bias,
        });
      const bias = this.bias?.read() as tf.Tensor1D | undefined;
      // The four phases side by side as channels (row block, column block, filter).
      let phases: tf.Tensor4D;
      const readsAll = (axis: PhaseAxis): boolean => axis.used.every((u) => u === axis.taps);
      if (readsAll(rows) && readsAll(cols)) {
        // Every phase reads all the taps (an odd kernel): one convolution with 4·filters channels.
        phases = convolve(phaseKernel(kernel, rows, cols), rows.taps, cols.taps, bias && tf.tile(bias, [4]));
      } else {
        // An even kernel: one phase per axis reads a tap fewer, so each phase is its own
        // convolution with only its taps (a 4x4 kernel: 25 taps per input pixel, not 36 with zeros).
        // Joined on the channel axis, whose gradient slices are fast on wasm (those of a stack or of
        // a 5-d concat take seconds there).
        const phase = (bh: number, bw: number): tf.Tensor4D => convolve(blockKernel(kernel, rows, cols, bh, bw, rows.used[bh]!, cols.used[bw]!), rows.used[bh]!, cols.used[bw]!, bias);
        phases = tf.concat([phase(0, 0), phase(0, 1), phase(1, 0), phase(1, 1)], 3);
      }
      // Interleaved: output pixel (2i + row block, 2j + column block).
      const grid = tf.reshape(tf.transpose(tf.reshape(phases, [n, ph, pw, 2, 2, f]), [0, 1, 3, 2, 4, 5]), [n, 2 * ph, 2 * pw, f]);
      const y = rows.shift + cols.shift === 0 ? grid : tf.slice(grid, [0, rows.shift, cols.shift, 0], [n, 2 * h, 2 * w, f]);
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

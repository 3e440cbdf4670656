// Multiply-adds of one forward pass of each layer kind, per example, beside the layer vocabulary
// (layers.ts): what `gan-compile --explain` and `gan-diff` report as a network's cost. One entry
// per kind of LAYER_KINDS (a test holds the two tables to the same kinds). The rules:
// - dense: inputs × units at every position of the input's leading axes;
// - conv2d: kh·kw·cin·cout at every output position; conv2d_transpose: the same at every
//   position of its input grid (each input value is spread over a kh×kw window of every filter);
// - batchnorm and instancenorm: one per value (x·scale + shift once the statistics are known);
// - multiply: one per value and extra input;
// - everything else (activations, reshape, flatten, upsample, zeropad, dropout, add, concat,
//   embedding lookups): none.
// Biases, activations and normalisation statistics are left out: the count is of the products
// that dominate a forward pass, not of every floating-point operation. Imports nothing.

/** Multiply-adds per example of a layer with these arguments, input shapes and output shape. */
export type LayerMacs = (args: any, inputs: number[][], output: number[]) => number;

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
const pair = (v: number | number[] | undefined): [number, number] => (v === undefined ? [1, 1] : Array.isArray(v) ? [v[0], v[1]] : [v, v]);
const none: LayerMacs = () => 0;
const perValue: LayerMacs = (_a, _x, out) => prod(out);

export const LAYER_MACS: Record<string, LayerMacs> = {
  dense: (a, [x]) => prod(x) * a.units,
  conv2d(a, [x], out) {
    const [kh, kw] = pair(a.kernel);
    return kh * kw * x[2] * out[2] * out[0] * out[1];
  },
  conv2d_transpose(a, [x], out) {
    const [kh, kw] = pair(a.kernel);
    return kh * kw * x[2] * out[2] * x[0] * x[1];
  },
  batchnorm: perValue,
  instancenorm: perValue,
  multiply: (_a, xs, out) => prod(out) * (xs.length - 1),
  upsample: none,
  reshape: none,
  flatten: none,
  dropout: none,
  relu: none,
  tanh: none,
  sigmoid: none,
  softmax: none,
  leaky_relu: none,
  zeropad: none,
  embedding: none,
  concat: none,
  add: none,
};

/** The multiply-adds of one layer; a kind without an entry counts none. */
export function layerMacs(kind: string, args: unknown, inputs: number[][], output: number[]): number {
  return Object.hasOwn(LAYER_MACS, kind) ? LAYER_MACS[kind](args, inputs, output) : 0;
}

// Where a step's time goes: tf.profile around whole steps gives every kernel call with its
// shapes and time (on wasm and cpu the backend times the kernel function itself, synchronously);
// what the kernels do not account for is JavaScript around them (layers, tape, optimizers).
// Also the GFLOP/s of each convolution kernel against the backend's matMul on the same sizes, and
// one convolution kernel timed alone the same way (timeConvKernel, for bench/probes/conv-rates.ts).
import * as tf from '@tensorflow/tfjs';
import { type Contender, median, runStep } from './measure';

export interface KernelCall {
  name: string;
  inputShapes: number[][];
  outputShapes: number[][];
  ms: number;
}

export interface ProfiledStep {
  wall_ms: number;
  calls: KernelCall[];
}

export interface KernelRow {
  name: string;
  calls: number;
  ms: number;
  /** Percent of the step's wall time. */
  pct: number;
}

export interface StepProfile {
  label: string;
  /** The profiled step whose wall time is the median of those profiled. */
  wall_ms: number;
  kernel_ms: number;
  /** Wall time outside kernel functions (JavaScript: layers, tape, optimizer bookkeeping). */
  outside_ms: number;
  outside_pct: number;
  kernel_calls: number;
  kernels: KernelRow[];
}

/** Profiles `n` steps of a contender (already warmed up). */
export async function profileSteps(c: Contender, n: number): Promise<ProfiledStep[]> {
  // Off unless DEBUG, but a profile must not read every output back to look for NaNs.
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const out: ProfiledStep[] = [];
  for (let i = 0; i < n; i++) {
    let wall = 0;
    const info = await tf.profile(async () => {
      wall = await runStep(c);
    });
    // Ops with a custom gradient show up as scopes (e.g. fusedMatMul__op) around the kernels
    // they run, which are listed too: only registered kernels are counted.
    const backend = tf.getBackend();
    const calls = info.kernels.filter((k) => tf.getKernel(k.name, backend) !== undefined).map((k) => ({
      name: k.name,
      inputShapes: k.inputShapes as number[][],
      outputShapes: k.outputShapes as number[][],
      ms: k.kernelTimeMs as number,
    }));
    out.push({ wall_ms: wall, calls });
  }
  return out;
}

export function summarise(label: string, steps: ProfiledStep[]): StepProfile {
  const sorted = [...steps].sort((a, b) => a.wall_ms - b.wall_ms);
  const step = sorted[(sorted.length - 1) >> 1];
  const byName = new Map<string, { calls: number; ms: number }>();
  for (const k of step.calls) {
    const row = byName.get(k.name) ?? { calls: 0, ms: 0 };
    row.calls++;
    row.ms += k.ms;
    byName.set(k.name, row);
  }
  const kernelMs = step.calls.reduce((s, k) => s + k.ms, 0);
  const pct = (ms: number): number => (100 * ms) / step.wall_ms;
  const kernels = [...byName.entries()]
    .map(([name, r]) => ({ name, calls: r.calls, ms: r.ms, pct: pct(r.ms) }))
    .sort((a, b) => b.ms - a.ms);
  return {
    label,
    wall_ms: step.wall_ms,
    kernel_ms: kernelMs,
    outside_ms: step.wall_ms - kernelMs,
    outside_pct: pct(step.wall_ms - kernelMs),
    kernel_calls: step.calls.length,
    kernels,
  };
}

const CONV_KERNELS = new Set(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'FusedConv2D']);

export interface ConvRate {
  kernel: string;
  /** Input shapes -> output shape, as the profile gives them. */
  shapes: string;
  /** Calls per step with these shapes. */
  calls: number;
  /** Stride and padding inferred from the shapes (the profile has no attributes). */
  strides: number;
  pad: Pad;
  gflop: number;
  /** Median ms of the calls inside profiled steps. */
  in_step_ms: number;
  /** The kernel alone, best of `runs`, interleaved with the matMul below. */
  ms: number;
  gflops: number;
  /** The same product as one matrix multiply [m, k] x [k, n] (im2col sizes), best of `runs`. */
  matmul: { m: number; k: number; n: number; ms: number; gflops: number };
  ratio: number;
}

/** 'same', 'valid', or explicit [before, after] rows and columns at stride 1 (a folded upsampling's convolution). */
type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

export interface Geometry {
  x: number[];
  filter: number[];
  dy: number[];
  strides: number;
  pad: Pad;
}

/** The convolution x * filter -> dy behind a profiled call, with a stride and padding that
 *  reproduce its shapes. */
function geometry(call: KernelCall): Geometry | null {
  const [a, b] = call.inputShapes;
  const [out] = call.outputShapes;
  if (!a || !b || !out) return null;
  let x: number[], filter: number[], dy: number[];
  if (call.name === 'Conv2D' || call.name === 'FusedConv2D') [x, filter, dy] = [a, b, out];
  else if (call.name === 'Conv2DBackpropInput') [x, filter, dy] = [out, b, a];
  else if (call.name === 'Conv2DBackpropFilter') [x, filter, dy] = [a, out, b];
  else return null;
  for (let s = 1; s <= 4; s++) {
    for (const pad of ['same', 'valid'] as const) {
      const o = (size: number, k: number) => (pad === 'same' ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1);
      if (o(x[1], filter[0]) === dy[1] && o(x[2], filter[1]) === dy[2]) return { x, filter, dy, strides: s, pad };
    }
  }
  // Stride 1 with more padding than 'same': the extra split as tf splits 'same' (less before).
  const extra = (axis: number): [number, number] => {
    const total = dy[axis] - x[axis] + filter[axis - 1] - 1;
    return [Math.floor(total / 2), Math.ceil(total / 2)];
  };
  const [rows, cols] = [extra(1), extra(2)];
  if (rows[0] >= 0 && cols[0] >= 0) return { x, filter, dy, strides: 1, pad: [[0, 0], rows, cols, [0, 0]] };
  return null;
}

interface ConvInputs { x: tf.Tensor; filter: tf.Tensor; dy: tf.Tensor; bias: tf.Tensor }

function convInputs(g: Geometry): ConvInputs {
  return { x: tf.randomNormal(g.x), filter: tf.randomNormal(g.filter), dy: tf.randomNormal(g.dy), bias: tf.zeros([g.filter[3]!]) };
}

/** Fresh inputs for one run, as in a training step: XNNPACK packs a product's right-hand operand
 *  (2.5 to 5 ns per element here) and the backend keeps it while that tensor lives, so repeating a
 *  tensor would time the kernels without the packing a step pays. Copies made by a backend kernel
 *  (Add), not new random values: those leave the JavaScript heap garbage whose collection would
 *  land inside the timed calls. */
function copied(t: ConvInputs): ConvInputs {
  return { x: tf.add(t.x, 0), filter: tf.add(t.filter, 0), dy: tf.add(t.dy, 0), bias: tf.add(t.bias, 0) };
}

/** Runs the kernel once on the given inputs; returns its ms. The wasm, cpu and tensorflow
 *  backends run kernels synchronously, so the call's time is the kernel's; the output is not read
 *  back, which would add a copy that grows with its size (6.5 ms for a 2 MB filter gradient) and
 *  that a training step never makes. */
function runConv(name: string, g: Geometry, t: ConvInputs): number {
  const base = { strides: g.strides, pad: g.pad, dataFormat: 'NHWC', dilations: 1 };
  const t0 = performance.now();
  let out: tf.Tensor;
  if (name === 'Conv2DBackpropInput') {
    out = tf.engine().runKernel(name, { dy: t.dy, filter: t.filter }, { ...base, inputShape: g.x }) as tf.Tensor;
  } else if (name === 'Conv2DBackpropFilter') {
    out = tf.engine().runKernel(name, { x: t.x, dy: t.dy }, { ...base, filterShape: g.filter }) as tf.Tensor;
  } else if (name === 'FusedConv2D') {
    out = tf.engine().runKernel(name, { x: t.x, filter: t.filter, bias: t.bias }, { ...base, activation: 'linear' }) as tf.Tensor;
  } else {
    out = tf.engine().runKernel(name, { x: t.x, filter: t.filter }, base) as tf.Tensor;
  }
  const ms = performance.now() - t0;
  out.dispose();
  return ms;
}

function runMatMul(a: tf.Tensor, b: tf.Tensor): number {
  const t0 = performance.now();
  const c = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
  const ms = performance.now() - t0;
  c.dispose();
  return ms;
}

/** ms of one [m,k] x [k,n] matMul on the current backend: the best of `runs` after a warm-up. */
export function timeMatMul(m: number, k: number, n: number, runs = 5): number {
  const [a, b] = [tf.randomNormal([m, k]), tf.randomNormal([k, n])];
  runMatMul(a, b);
  const best = Math.min(...Array.from({ length: runs }, () => runMatMul(a, b)));
  tf.dispose([a, b]);
  return best;
}

/** ms of one convolution kernel (FusedConv2D, Conv2DBackpropInput or Conv2DBackpropFilter) of
 *  geometry `g` alone on the current backend: the best of `runs` on fresh inputs, after a warm-up. */
export function timeConvKernel(name: string, g: Geometry, runs = 7): number {
  const base = convInputs(g);
  const ms: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t = copied(base);
    const run = runConv(name, g, t);
    if (i > 0) ms.push(run);
    tf.dispose(Object.values(t));
  }
  tf.dispose(Object.values(base));
  return Math.min(...ms);
}

/**
 * Each distinct convolution of the profiled steps, timed alone on the current backend against a
 * matMul of its im2col sizes (m = batch·output pixels, k = taps·input channels, n = output
 * channels; the same 2·m·k·n FLOPs), on fresh inputs each time, alternating the two `runs` times
 * and keeping the best of
 * each: on a shared machine the best is the least disturbed.
 */
export function convRates(steps: ProfiledStep[], runs = 7): ConvRate[] {
  const groups = new Map<string, { call: KernelCall; ms: number[] }>();
  for (const step of steps) {
    for (const call of step.calls) {
      if (!CONV_KERNELS.has(call.name)) continue;
      const key = `${call.name} ${call.inputShapes.map((sh) => `[${sh}]`).join(' ')} -> [${call.outputShapes[0]}]`;
      const g = groups.get(key) ?? { call, ms: [] };
      g.ms.push(call.ms);
      groups.set(key, g);
    }
  }
  const rates: ConvRate[] = [];
  for (const [key, grp] of groups) {
    const g = geometry(grp.call);
    if (!g) continue;
    const m = g.dy[0] * g.dy[1] * g.dy[2];
    const k = g.filter[0] * g.filter[1] * g.filter[2];
    const n = g.filter[3];
    const gflop = (2 * m * k * n) / 1e9;
    const convMs: number[] = [];
    const mmMs: number[] = [];
    // Fresh inputs for every run (copied), the matMul's as the convolution's.
    const base = convInputs(g);
    const product = [tf.randomNormal([m, k]), tf.randomNormal([k, n])];
    for (let i = 0; i <= runs; i++) {
      const t = copied(base);
      const [a, b] = product.map((x) => tf.add(x, 0));
      const [conv, mm] = [runConv(grp.call.name, g, t), runMatMul(a!, b!)];
      if (i > 0) {
        // The first run warms up.
        convMs.push(conv);
        mmMs.push(mm);
      }
      tf.dispose([...Object.values(t), a!, b!]);
    }
    tf.dispose([...Object.values(base), ...product]);
    const ms = Math.min(...convMs);
    const mm = Math.min(...mmMs);
    rates.push({
      kernel: grp.call.name,
      shapes: key.slice(grp.call.name.length + 1),
      calls: grp.ms.length / steps.length,
      strides: g.strides,
      pad: g.pad,
      gflop,
      in_step_ms: median(grp.ms),
      ms,
      gflops: gflop / (ms / 1000),
      matmul: { m, k, n, ms: mm, gflops: gflop / (mm / 1000) },
      ratio: mm / ms,
    });
  }
  return rates.sort((x, y) => y.in_step_ms * y.calls - x.in_step_ms * x.calls);
}

// Where a step's time goes: tf.profile around whole steps gives every kernel call with its
// shapes and time (on wasm and cpu the backend times the kernel function itself, synchronously);
// what the kernels do not account for is JavaScript around them (layers, tape, optimizers).
// Also the GFLOP/s of each convolution kernel against the backend's matMul on the same sizes.
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
    const info = await tf.profile(() => {
      wall = runStep(c);
    });
    const calls = info.kernels.map((k) => ({
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
  /** x (or dy) shape, filter shape, output shape, as the profile gives them. */
  shapes: string;
  /** Calls per step with these shapes. */
  calls: number;
  gflop: number;
  ms: number;
  gflops: number;
  /** The same product as one matrix multiply [m, k] x [k, n] (im2col sizes). */
  matmul: { m: number; k: number; n: number; ms: number; gflops: number };
  ratio: number;
}

/** Conv geometry from a profiled call's shapes: m = batch·out pixels, k = taps·cin, n = cout. */
function convSizes(call: KernelCall): { m: number; k: number; n: number } | null {
  const [a, b] = call.inputShapes;
  const [out] = call.outputShapes;
  if (!a || !b || !out) return null;
  switch (call.name) {
    case 'Conv2D':
    case 'FusedConv2D': // x [B,H,W,Ci], filter [KH,KW,Ci,Co] -> y [B,OH,OW,Co]
      return { m: out[0] * out[1] * out[2], k: b[0] * b[1] * b[2], n: b[3] };
    case 'Conv2DBackpropInput': // dy [B,OH,OW,Co], filter [KH,KW,Ci,Co] -> dx [B,H,W,Ci]
      return { m: a[0] * a[1] * a[2], k: b[0] * b[1] * b[2], n: b[3] };
    case 'Conv2DBackpropFilter': // x [B,H,W,Ci], dy [B,OH,OW,Co] -> dW [KH,KW,Ci,Co]
      return { m: b[0] * b[1] * b[2], k: out[0] * out[1] * out[2], n: out[3] };
    default:
      return null;
  }
}

/** ms of one [m,k] x [k,n] matMul on the current backend: the median of `runs` after 2 warm-ups. */
export function timeMatMul(m: number, k: number, n: number, runs = 7): number {
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    const ms = performance.now() - t0;
    c.dispose();
    if (i >= 2) times.push(ms);
  }
  tf.dispose([a, b]);
  return median(times);
}

/** Each distinct convolution of the profiled steps: its median time, GFLOP/s, and matMul's. */
export function convRates(steps: ProfiledStep[]): ConvRate[] {
  const groups = new Map<string, { call: KernelCall; ms: number[] }>();
  for (const step of steps) {
    for (const call of step.calls) {
      if (!CONV_KERNELS.has(call.name)) continue;
      const key = `${call.name} ${call.inputShapes.map((s) => `[${s}]`).join(' ')} -> [${call.outputShapes[0]}]`;
      const g = groups.get(key) ?? { call, ms: [] };
      g.ms.push(call.ms);
      groups.set(key, g);
    }
  }
  const rates: ConvRate[] = [];
  for (const [key, g] of groups) {
    const s = convSizes(g.call);
    if (!s) continue;
    const gflop = (2 * s.m * s.k * s.n) / 1e9;
    const ms = median(g.ms);
    const mmMs = timeMatMul(s.m, s.k, s.n);
    const gflops = gflop / (ms / 1000);
    const mmGflops = gflop / (mmMs / 1000);
    rates.push({
      kernel: g.call.name,
      shapes: key.slice(g.call.name.length + 1),
      calls: g.ms.length / steps.length,
      gflop,
      ms,
      gflops,
      matmul: { ...s, ms: mmMs, gflops: mmGflops },
      ratio: gflops / mmGflops,
    });
  }
  return rates.sort((a, b) => b.ms * b.calls - a.ms * a.calls);
}

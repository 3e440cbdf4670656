// Stage 4, check (memory): estimates what training needs from the checked shapes (every weight
// with its gradient, the optimizers' slots for what each phase updates; every value of the
// forward pass, and its gradient, per example) and refuses a spec that cannot fit in this machine's memory, at the layer to blame or
// at /schedule/batch. gan-train applies the same formula (memoryProblem) to the batch it trains
// at, with this estimate or one read from built networks (runtime/memory.ts). An estimate, not
// a measurement: it errs low (temporary buffers are left out), so what it refuses cannot fit.
// Imports compiler modules and node:os only.
import { totalmem } from 'node:os';
import { formatSize } from '../limits';
import { LAYER_KINDS } from '../vocabulary/layers';
import type { Reporter } from '../report';
import type { ResolvedPhase } from '../resolve';
import type { CheckedNetwork } from './networks';

export interface MemoryEstimate {
  /** Weights of every network. */
  parameters: number;
  /** Floats of optimizer state: each phase's slots (adam and rmsprop 2, sgd 0) for the weights it updates. */
  optimizerState: number;
  /** Floats one example takes through every network: each input, and each tfjs layer's output. */
  perExample: number;
}

/** Floats an optimizer keeps per weight it updates (tfjs: adam m and v; rmsprop mean square and moment). */
export const OPTIMIZER_SLOTS: Record<'adam' | 'rmsprop' | 'sgd', number> = { adam: 2, rmsprop: 2, sgd: 0 };

/** The share of the machine's memory a run may plan to use. */
export const MEMORY_SHARE = 0.8;
/** float32 */
const BYTES = 4;

/** Bytes to train at `batch`: weights, their gradients and the optimizer state; the forward values and their gradients. */
export function trainingBytes(e: MemoryEstimate, batch: number): number {
  return BYTES * (2 * e.parameters + e.optimizerState + 2 * batch * e.perExample);
}

/** Where training runs: its bytes, and how a message names them. */
export interface MemoryLimit {
  bytes: number;
  /** e.g. "this machine's 23.5 GiB of memory" */
  what: string;
}

export function machineMemory(): MemoryLimit {
  const bytes = totalmem();
  return { bytes, what: `this machine's ${formatSize(bytes)} of memory` };
}

/** Why training at `batch` cannot fit in the limit; undefined when it can. */
export function memoryProblem(e: MemoryEstimate, batch: number, limit: MemoryLimit = machineMemory()): string | undefined {
  const need = trainingBytes(e, batch);
  if (need <= MEMORY_SHARE * limit.bytes) return undefined;
  const weights = `${formatSize(BYTES * (2 * e.parameters + e.optimizerState))} for ${e.parameters} parameters with their gradients and optimizer state`;
  const values = `${formatSize(BYTES * 2 * batch * e.perExample)} for ${e.perExample} values per example and their gradients`;
  return `training at batch ${batch} needs about ${formatSize(need)} (${weights}, ${values}), more than ${MEMORY_SHARE * 100} % of ${limit.what}`;
}

const prod = (xs: number[]): number => xs.reduce((a, b) => a * b, 1);

/** The weights of one layer node, as tfjs creates them (gan-compile --explain and gan-diff count with it too). */
export function layerParameters(kind: string, args: any, input: number[], output: number[]): number {
  const channels = output[output.length - 1];
  const bias = args?.bias === false ? 0 : 1;
  switch (kind) {
    case 'dense':
      return (input[input.length - 1] + bias) * args.units;
    case 'conv2d':
    case 'conv2d_transpose': {
      const [kh, kw] = Array.isArray(args.kernel) ? args.kernel : [args.kernel, args.kernel];
      return (kh * kw * input[input.length - 1] + bias) * args.filters;
    }
    case 'batchnorm':
      return 4 * channels; // gamma, beta, moving mean and variance
    case 'instancenorm':
      return 2 * channels;
    case 'embedding':
      return args.classes * args.dim;
    default:
      return 0;
  }
}

interface LayerCost {
  pointer: string;
  net: string;
  head?: string;
  parameters: number;
  values: number;
}

function costs(networks: CheckedNetwork[], phases: ResolvedPhase[]): { estimate: MemoryEstimate; layers: LayerCost[] } {
  const layers: LayerCost[] = [];
  let perExample = 0;
  for (const net of networks) {
    for (const input of net.inputs) perExample += prod(net.types.get(input.name)?.shape ?? []);
    for (const node of net.layers) {
      const output = net.types.get(node.id)?.shape ?? [];
      const input = net.types.get(node.from[0])?.shape ?? [];
      // A layer with a leaky_relu activation is two tfjs layers, each with its own output.
      const values = prod(output) * LAYER_KINDS[node.kind].tf(node.args).length;
      layers.push({ pointer: node.pointer, net: net.name, head: node.head, parameters: layerParameters(node.kind, node.args, input, output), values });
      perExample += values;
    }
  }
  const parameters = layers.reduce((n, l) => n + l.parameters, 0);
  let optimizerState = 0;
  // Phases sharing an optimizer update the same weights with one state: counted once.
  const counted = new Set<string>();
  for (const phase of phases) {
    if (counted.has(phase.optimizerName)) continue;
    counted.add(phase.optimizerName);
    const kind = (Object.keys(phase.optimizer)[0] ?? 'sgd') as keyof typeof OPTIMIZER_SLOTS;
    for (const u of phase.updates) {
      const updated = layers.filter((l) => l.net === u.net && (u.head === undefined || l.head === u.head));
      optimizerState += (OPTIMIZER_SLOTS[kind] ?? 0) * updated.reduce((n, l) => n + l.parameters, 0);
    }
  }
  return { estimate: { parameters, optimizerState, perExample }, layers };
}

/** The estimate of checked networks (what gan-train checks again for its --batch). */
export function estimateMemory(networks: CheckedNetwork[], phases: ResolvedPhase[]): MemoryEstimate {
  return costs(networks, phases).estimate;
}

/**
 * Reports (GS164) a spec whose training cannot fit: at the layer that costs most when even one
 * example does not fit, else at /schedule/batch with the largest batch that would.
 */
export function checkMemory(networks: CheckedNetwork[], phases: ResolvedPhase[], batch: number, report: Reporter, limit: MemoryLimit = machineMemory()): void {
  const { estimate, layers } = costs(networks, phases);
  const problem = memoryProblem(estimate, batch, limit);
  if (problem === undefined) return;
  const budget = MEMORY_SHARE * limit.bytes;
  if (trainingBytes(estimate, 1) > budget && layers.length > 0) {
    const cost = (l: LayerCost) => trainingBytes({ parameters: l.parameters, optimizerState: 2 * l.parameters, perExample: l.values }, 1);
    const worst = layers.reduce((a, b) => (cost(b) > cost(a) ? b : a));
    report.error(worst.pointer, `${problem}; even one example does not fit`, { hint: `this layer has ${worst.parameters} parameters and ${worst.values} values per example: make it smaller`, code: 'GS164' });
    return;
  }
  const fits = Math.floor((budget - trainingBytes(estimate, 0)) / (BYTES * 2 * estimate.perExample));
  report.error('/schedule/batch', problem, { hint: `at most batch ${fits} fits`, code: 'GS164' });
}

// The backward pass of tfjs's gradients (optimizer.minimize, tf.grads, variableGrads) with each
// tensor freed as soon as the pass is done with it. tfjs-core 4.22's engine.gradients keeps, until
// the whole backward pass ends, every tensor its tape saved (the saved activations of ops that do
// not lead to the variables too: G's forward pass in a discriminator update) and every
// intermediate gradient. This one runs the same kernels in the same order, so gradients are bit
// for bit the same, but
//  - frees what ops off the path from the variables to the loss saved, before the backward pass;
//  - frees a node's output gradients, what its gradient function made besides its input
//    gradients, and its saved tensors once its input gradients are made (saved tensors only in
//    an outermost gradient, as tfjs-core frees them only there: an inner one, a gradient
//    penalty's, is itself on the outer tape).
// Imports tfjs only; installed on tfjs's engine by registerTrainingKernels (every backend).
import * as tf from '@tensorflow/tfjs';

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

interface Engine {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(name: string | (() => T), f?: () => T): T;
  gradients: Gradients;
}

type Gradients = <T extends tf.Tensor>(f: () => T, xs: tf.Tensor[], dy?: T, allowNoGradients?: boolean) => { value: T; grads: tf.Tensor[] };

/** The nodes on a path from xs to y, in tape order, each with only the inputs that come from xs
 *  (tfjs-core's getFilteredNodesXToY, which it does not export). */
export function nodesFromXToY(tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      for (const o of node.outputs) fromX.add(o.id);
      nodesFromX.add(node.id);
    }
  }
  const toY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (!node.outputs.some((o) => toY.has(o.id))) continue;
    const inputs = Object.values(node.inputs);
    for (const t of inputs) toY.add(t.id);
    if (inputs.length > 0) nodesToY.add(node.id);
  }
  return tape
    .filter((node) => nodesFromX.has(node.id) && nodesToY.has(node.id))
    .map((node) => ({ ...node, inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, t]) => fromX.has(t.id))) }));
}

/** Counts how many entries of the gradient map hold each tensor, so that one is freed only when
 *  no entry (another input's gradient returned as is) still holds it. */
class GradientMap {
  private readonly byId = new Map<number, tf.Tensor>();
  private readonly holds = new Map<tf.Tensor, number>();

  get(id: number): tf.Tensor | undefined {
    return this.byId.get(id);
  }

  set(id: number, t: tf.Tensor): void {
    this.remove(id);
    this.byId.set(id, t);
    this.holds.set(t, (this.holds.get(t) ?? 0) + 1);
  }

  /** Drops the entry; returns its tensor if no other entry holds it. */
  remove(id: number): tf.Tensor | undefined {
    const t = this.byId.get(id);
    if (t === undefined) return undefined;
    this.byId.delete(id);
    const n = (this.holds.get(t) ?? 1) - 1;
    if (n > 0) this.holds.set(t, n);
    else this.holds.delete(t);
    return n > 0 ? undefined : t;
  }

  holdsTensor(t: tf.Tensor): boolean {
    return this.holds.has(t);
  }
}

/** tfjs-core's backpropagateGradients, freeing as it goes (see the header). `keep`: tensors
 *  never freed here (the ones asked for, the caller's dy). */
function backpropagate(engine: Engine, map: GradientMap, tape: readonly TapeNode[], keep: ReadonlySet<number>, freeSaved: boolean): void {
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    const dys = node.outputs.map((o) => map.get(o.id) ?? null);
    if (node.gradient == null) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    // In a scope of its own: what the gradient function makes before its per-input closures (batch
    // norm's x − mean and dy · scale, zeros for outputs without a gradient) goes with the node.
    engine.tidy(() => {
      const inputGradients = node.gradient!(dys);
      for (const inputName in node.inputs) {
        if (!(inputName in inputGradients)) {
          throw new Error(`Cannot backprop through input ${inputName}. Available gradients found: ${Object.keys(inputGradients)}.`);
        }
        const dx = engine.tidy(() => inputGradients[inputName]());
        if (dx.dtype !== 'float32') {
          throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${inputName} must have 'float32' dtype, but has '${dx.dtype}'`);
        }
        const x = node.inputs[inputName];
        if (!tf.util.arraysEqual(dx.shape, x.shape)) {
          throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input '${inputName}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`);
        }
        const current = map.get(x.id);
        if (current === undefined) map.set(x.id, dx);
        else {
          map.set(x.id, tf.add(current, dx));
          current.dispose();
        }
      }
      // The inputs' gradients so far outlive the scope.
      return [...new Set(Object.values(node.inputs).map((x) => map.get(x.id)!))];
    });
    // Every consumer of this node's outputs came later on the tape: their gradients are final
    // and no other node reads them.
    for (const o of node.outputs) {
      if (keep.has(o.id)) continue;
      map.remove(o.id)?.dispose();
    }
    if (freeSaved) for (const t of node.saved ?? []) if (!map.holdsTensor(t)) t.dispose();
  }
}

/** engine.gradients as tfjs-core 4.22 writes it, with the frees above. */
function gradientsFreeingEarly(this: Engine, ...args: Parameters<Gradients>): ReturnType<Gradients> {
  const [f, xs, dy, allowNoGradients = false] = args;
  tf.util.assert(xs.length > 0, () => 'gradients() received an empty list of xs.');
  if (dy != null && dy.dtype !== 'float32') throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
  const y = this.scopedRun(() => this.startTape(), () => this.endTape(), () => this.tidy('forward', f));
  tf.util.assert(y instanceof tf.Tensor, () => 'The result y returned by f() must be a tensor.');
  const tape = this.state.activeTape!;
  const filtered = nodesFromXToY(tape, xs, y);
  if (!allowNoGradients && filtered.length === 0 && xs.length > 0) {
    throw new Error('Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.');
  }
  const outermost = this.state.gradientDepth === 0;
  if (outermost) {
    const used = new Set(filtered.map((n) => n.id));
    for (const node of tape) if (!used.has(node.id)) for (const t of node.saved ?? []) t.dispose();
  }
  return this.tidy('backward', () => {
    const map = new GradientMap();
    map.set(y.id, dy ?? tf.ones(y.shape));
    const keep = new Set(xs.map((x) => x.id));
    if (dy != null) keep.add(y.id);
    backpropagate(this, map, filtered, keep, outermost);
    const grads = xs.map((x) => map.get(x.id)!);
    if (outermost) {
      for (const node of tape) for (const t of node.saved ?? []) t.dispose();
      this.state.activeTape = null;
    }
    return { value: y, grads } as unknown as tf.TensorContainer;
  }) as unknown as ReturnType<Gradients>;
}

let original: Gradients | undefined;

/** Puts gradientsFreeingEarly in place of the engine's gradients (idempotent). */
export function installTapeMemory(): void {
  const engine = tf.engine() as unknown as Engine;
  if (original !== undefined) return;
  original = engine.gradients;
  engine.gradients = gradientsFreeingEarly as Gradients;
}

/** Runs f with tfjs-core's own gradients (for tests that compare the two). */
export function withOriginalGradients<T>(f: () => T): T {
  const engine = tf.engine() as unknown as Engine;
  if (original === undefined) return f();
  const ours = engine.gradients;
  engine.gradients = original;
  try {
    return f();
  } finally {
    engine.gradients = ours;
  }
}

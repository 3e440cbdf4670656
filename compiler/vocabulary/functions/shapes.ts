// The shape rules of tensor expressions, checked at compile time: how two operands broadcast
// (numpy's rules, with the batch axis that per-example values carry) and which axes a reduction
// names. Plain functions over shapes, so their tables are tested on their own
// (test/unit-shapes.test.ts). Imports nothing.
//
// A per-example value has the batch axis first, then its shape; a batch-wide value (from a
// reduction over axis 0) has its shape only. Axis 0 of a per-example value is the batch axis;
// negative axes count from the end. Broadcasting:
// - two per-example values: their batch axes pair; their other axes follow numpy (aligned from
//   the last, each pair equal or one of them 1; the shorter shape gains leading 1s);
// - a per-example and a batch-wide value: numpy on the whole shapes, where the batch size is
//   unknown, so a batch-wide axis that meets the batch axis must be 1;
// - two batch-wide values: numpy.

export interface Shaped {
  shape: readonly number[];
  batched: boolean;
}

/** A shape as messages write it: `[batch, 28, 28, 1]`, `[10]`. */
export const showShape = (s: Shaped): string => `[${(s.batched ? ['batch', ...s.shape] : s.shape).join(', ')}]`;

/** numpy's broadcast of two shapes aligned from the last axis, or the first pair that differs. */
function numpy(a: readonly number[], b: readonly number[]): number[] | { x: number; y: number } {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return { x, y };
    out.push(x === 1 ? y : x);
  }
  return out;
}

export interface Broadcast {
  result: Shaped;
  /** For a per-example operand of fewer axes: its shape per example with the leading 1s it gains. */
  expandA?: number[];
  expandB?: number[];
}

const RULES = 'numpy rules: axes align from the last, each pair equal or one of them 1';

/** How a and b broadcast, or why they cannot (a message naming both shapes). */
export function broadcast(a: Shaped, b: Shaped): Broadcast | { error: string } {
  const shapes = `${showShape(a)} and ${showShape(b)}`;
  if (a.batched && b.batched) {
    const shape = numpy(a.shape, b.shape);
    if (!Array.isArray(shape)) return { error: `cannot broadcast ${shapes}: sizes ${shape.x} and ${shape.y} meet (${RULES})` };
    const pad = (s: readonly number[]) => (s.length < shape.length ? [...Array<number>(shape.length - s.length).fill(1), ...s] : undefined);
    return { result: { shape, batched: true }, expandA: pad(a.shape), expandB: pad(b.shape) };
  }
  if (!a.batched && !b.batched) {
    const shape = numpy(a.shape, b.shape);
    if (!Array.isArray(shape)) return { error: `cannot broadcast ${shapes}: sizes ${shape.x} and ${shape.y} meet (${RULES})` };
    return { result: { shape, batched: false } };
  }
  const [perExample, wide] = a.batched ? [a, b] : [b, a];
  const extra = wide.shape.length - perExample.shape.length;
  if (extra > 1) return { error: `cannot broadcast ${shapes}: ${showShape(wide)} has more axes than ${showShape(perExample)}, which would put axes before the batch axis` };
  if (extra === 1 && wide.shape[0] !== 1) {
    return { error: `cannot broadcast ${shapes}: the batch axis meets size ${wide.shape[extra - 1]} (${RULES}; the batch size is not known when the spec compiles)` };
  }
  const shape = numpy(perExample.shape, extra === 1 ? wide.shape.slice(1) : wide.shape);
  if (!Array.isArray(shape)) return { error: `cannot broadcast ${shapes}: sizes ${shape.x} and ${shape.y} meet (${RULES})` };
  return { result: { shape, batched: true } };
}

export interface Reduced {
  /** The axes as tfjs counts them (the batch axis is 0), ascending. */
  axes: number[];
  result: Shaped;
}

/** What reducing `s` over `axes` (as the spec writes them, negative ones counting from the end) gives, or which axis is wrong. */
export function reduceAxes(s: Shaped, axes: readonly number[]): Reduced | { error: string; index: number } {
  const rank = s.shape.length + (s.batched ? 1 : 0);
  const seen = new Set<number>();
  for (const [index, axis] of axes.entries()) {
    if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
      const range = rank === 0 ? 'it has no axes' : `axes -${rank}..${rank - 1}`;
      return { error: `axis ${axis} is out of range for ${showShape(s)} (rank ${rank}: ${range})`, index };
    }
    const k = axis < 0 ? axis + rank : axis;
    if (seen.has(k)) return { error: `axis ${axis} names axis ${k} again`, index };
    seen.add(k);
  }
  const full = s.batched ? [-1, ...s.shape] : [...s.shape];
  const shape = full.filter((_, i) => !seen.has(i));
  const batched = s.batched && !seen.has(0);
  return { axes: [...seen].sort((x, y) => x - y), result: { shape: batched ? shape.slice(1) : shape, batched } };
}

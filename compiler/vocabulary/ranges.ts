// Ranges as types: the interval [lo, hi] every value of an expression lies in, with a short noun
// phrase saying where it comes from (`a sigmoid output`, `a difference of network outputs`), its
// kind (probability, bounded, nonnegative, unbounded), interval arithmetic for + - * / and
// monotone functions, and the range rule of every layer kind (a network head's range follows
// from its last layers). Imports nothing.

export interface Range {
  lo: number;
  hi: number;
  /** Where the range comes from, as a message says it: `a sigmoid output`. */
  why: string;
  /** Computed from a network's output (for `a difference of network outputs`). */
  net?: boolean;
}

export type RangeKind = 'probability' | 'bounded' | 'nonnegative' | 'unbounded';

export const UNBOUNDED: Range = { lo: -Infinity, hi: Infinity, why: 'unbounded' };

export const range = (lo: number, hi: number, why: string, net?: boolean): Range => (net ? { lo, hi, why, net } : { lo, hi, why });

/** probability: within [0, 1]; bounded: finite both ways; nonnegative: at least 0; else unbounded. */
export function rangeKind(r: Range): RangeKind {
  if (r.lo >= 0 && r.hi <= 1) return 'probability';
  if (Number.isFinite(r.lo) && Number.isFinite(r.hi)) return 'bounded';
  if (r.lo >= 0) return 'nonnegative';
  return 'unbounded';
}

export const isProbability = (r: Range): boolean => rangeKind(r) === 'probability';

const num = (x: number): string => String(Number(x.toPrecision(4)));

/** The range as a message's predicate: `X is unbounded`, `X lies within [-1, 1]`. */
export function rangeText(r: Range): string {
  if (r.lo === -Infinity && r.hi === Infinity) return 'is unbounded';
  if (r.lo === -Infinity) return `is unbounded below (at most ${num(r.hi)})`;
  if (r.hi === Infinity) return r.lo >= 0 ? 'is nonnegative but unbounded above' : `is unbounded above (at least ${num(r.lo)})`;
  if (r.lo >= 0 && r.hi <= 1) return 'is a probability';
  return `lies within [${num(r.lo)}, ${num(r.hi)}]`;
}

/** 0 * ±Infinity is 0 here: a factor that is exactly 0 makes the product 0. */
const times = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : a * b);

/** `a relu output`, `an exp output`. */
export const output = (fn: string): string => `${/^[aeiou]/.test(fn) ? 'an' : 'a'} ${fn} output`;

const NOUN = { add: 'a sum', sub: 'a difference', mul: 'a product', div: 'a quotient' } as const;

/** The range of a + b, a - b, a * b, a / b from the operands' ranges. */
export function combineRanges(op: 'add' | 'sub' | 'mul' | 'div', a: Range, b: Range): Range {
  const net = Boolean(a.net || b.net);
  const why = `${NOUN[op]}${a.net && b.net ? ' of network outputs' : ''}`;
  switch (op) {
    case 'add':
      return range(a.lo + b.lo, a.hi + b.hi, why, net);
    case 'sub':
      return range(a.lo - b.hi, a.hi - b.lo, why, net);
    case 'mul': {
      const ps = [times(a.lo, b.lo), times(a.lo, b.hi), times(a.hi, b.lo), times(a.hi, b.hi)];
      return range(Math.min(...ps), Math.max(...ps), why, net);
    }
    case 'div': {
      if (b.lo <= 0 && b.hi >= 0) return range(-Infinity, Infinity, why, net);
      const qs = [a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi].map((q) => (Number.isNaN(q) ? 0 : q));
      return range(Math.min(...qs), Math.max(...qs), why, net);
    }
  }
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));

/** Increasing functions map the interval's ends; abs and square fold it at 0. */
const MONOTONE: Record<string, (x: number) => number> = {
  relu: (x) => Math.max(x, 0),
  softplus,
  exp: Math.exp,
  log: (x) => (x <= 0 ? -Infinity : Math.log(x)),
  sqrt: (x) => Math.sqrt(Math.max(x, 0)),
  sigmoid,
  tanh: Math.tanh,
};

/** The range of an elementwise function (relu ... tanh, neg, abs, square) of a value in `a`. */
export function unaryRange(fn: string, a: Range): Range {
  const net = a.net;
  if (fn === 'neg') return range(-a.hi, -a.lo, 'a negation', net);
  if (fn === 'abs' || fn === 'square') {
    const f = fn === 'abs' ? Math.abs : (x: number) => x * x;
    const lo = a.lo >= 0 ? f(a.lo) : a.hi <= 0 ? f(a.hi) : 0;
    return range(lo, Math.max(f(a.lo), f(a.hi)), output(fn), net);
  }
  const f = MONOTONE[fn];
  return f ? range(f(a.lo), f(a.hi), output(fn), net) : range(-Infinity, Infinity, output(fn), net);
}

/** What an activation (of a layer or a `dense`/`conv2d` option) makes of a value in `a`. */
function activationRange(activation: string | undefined, a: Range, layer: string): Range {
  if (activation === undefined || activation === 'linear') return range(-Infinity, Infinity, `the output of a ${layer} layer with no activation`, true);
  if (activation === 'softmax') return range(0, 1, 'a softmax output', true);
  if (activation === 'leaky_relu') return range(-Infinity, Infinity, 'a leaky_relu output', true);
  return { ...unaryRange(activation, a), net: true };
}

type LayerRange = (args: any, inputs: Range[]) => Range;

const same: LayerRange = (_a, [x]) => x;
const free = (kind: string): LayerRange => () => range(-Infinity, Infinity, output(kind), true);
const union = (rs: Range[], why: string): Range => range(Math.min(...rs.map((r) => r.lo)), Math.max(...rs.map((r) => r.hi)), why, true);

/**
 * Each layer kind's range rule: the range of its output from its inputs'. A kind not listed
 * here (a new one) is taken as unbounded, which never lets a wrong loss through.
 */
export const LAYER_RANGES: Record<string, LayerRange> = {
  dense: (a, [x]) => activationRange(a?.activation, x, 'dense'),
  conv2d: (a, [x]) => activationRange(a?.activation, x, 'conv2d'),
  conv2d_transpose: (a, [x]) => activationRange(a?.activation, x, 'conv2d_transpose'),
  upsample: same,
  reshape: same,
  flatten: same,
  // Dropout scales what it keeps by 1 / (1 - rate) while training, and zeroes the rest.
  dropout: (rate, [x]) => range(Math.min(0, x.lo / (1 - rate)), Math.max(0, x.hi / (1 - rate)), 'a dropout output', true),
  zeropad: (_a, [x]) => range(Math.min(0, x.lo), Math.max(0, x.hi), x.why, true),
  batchnorm: free('batchnorm'),
  instancenorm: free('instancenorm'),
  embedding: free('embedding'),
  relu: (_a, [x]) => activationRange('relu', x, 'relu'),
  tanh: (_a, [x]) => activationRange('tanh', x, 'tanh'),
  sigmoid: (_a, [x]) => activationRange('sigmoid', x, 'sigmoid'),
  softmax: (_a, [x]) => activationRange('softmax', x, 'softmax'),
  leaky_relu: (_a, [x]) => activationRange('leaky_relu', x, 'leaky_relu'),
  concat: (_a, xs) => union(xs, 'a concatenation'),
  add: (_a, xs) => xs.slice(1).reduce((s, x) => ({ ...combineRanges('add', s, x), why: 'a sum of layers' }), xs[0]),
  multiply: (_a, xs) => xs.slice(1).reduce((s, x) => ({ ...combineRanges('mul', s, x), why: 'a product of layers' }), xs[0]),
};

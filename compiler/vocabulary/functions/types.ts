// The expression function vocabulary's shared types: what the checker knows about a value (its
// type), the located error a function reports, and the one shape of a function entry with the
// call context its lowering gets. Imports the IR, the expression syntax tree, the checked
// network type, the diagnostic codes and ranges only.
import type { CheckedNetwork } from '../../check/networks';
import type { Code } from '../../diagnostics';
import { type Expr, show } from '../../expr/ast';
import type { DType, Operand, Stmt } from '../../ir';
import type { Range } from '../ranges';

export type Ty =
  | { t: 'num'; value: number }
  | { t: 'scalar' }
  /**
   * Per example (a batch axis first, then `shape`: [] is one number per example), or with
   * `batched: false` one value for the whole batch (what a reduction over axis 0 gives); a
   * batch-wide value of shape [] is a 'scalar'.
   */
  | { t: 'tensor'; shape: number[]; dtype: DType; classes?: number; batched?: false }
  | { t: 'heads'; net: string; heads: { name: string; shape: number[] }[] }
  | { t: 'net'; name: string };

export interface Value {
  ty: Ty;
  operand?: Operand;
  /** The interval its values lie in (absent: unbounded, or not a number: a network, labels). */
  range?: Range;
}

/** A statement before the builder gives it its id. */
export type StmtBody = Stmt extends infer S ? (S extends Stmt ? Omit<S, 'id'> : never) : never;

export class ExprError extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly hint?: string,
    /** A name looked up among candidates: the reporter suggests the closest (else `hint`). */
    readonly lookup?: { what: string; name: string; candidates: string[] },
    /** The diagnostic code when not a type error (GS131). */
    readonly code?: Code,
  ) {
    super(message);
  }
}

export const fmt = (s: number[]): string => `[${s.join(', ')}]`;

/** A type as a message names it. */
export function describe(ty: Ty): string {
  switch (ty.t) {
    case 'num':
      return `the number ${ty.value}`;
    case 'scalar':
      return 'a single number';
    case 'tensor':
      if (ty.dtype === 'int32') return 'class labels';
      if (ty.batched === false) return `a tensor of ${fmt(ty.shape)} for the whole batch`;
      return ty.shape.length === 0 ? 'one number per example' : `a tensor of ${fmt(ty.shape)} per example`;
    case 'heads':
      return `the heads ${ty.heads.map((h) => h.name).join(', ')} of ${ty.net}`;
    case 'net':
      return `the network ${ty.name}`;
  }
}

/** What a function's lowering gets: the call, its arguments already lowered, and helpers. */
export interface Call {
  readonly e: Expr & { kind: 'call' };
  readonly args: Value[];
  /** Fails unless the call has `n` arguments: `f() takes n arguments, got m`. */
  arity(n: number): void;
  /** Argument i's statement id; fails (`cannot <what> ...`) for a network, several heads or a constant. */
  ref(i: number, what: string): string;
  /** Argument i as a statement operand: a constant as itself, else as `ref` gives it. */
  operand(i: number, what: string): Operand;
  /** Argument i's tensor type; fails unless it is a tensor. */
  tensor(i: number, what: string): Ty & { t: 'tensor' };
  /** Adds a statement (the same statement twice is one) and returns its id. */
  emit(stmt: StmtBody): string;
  /** A network of the spec, by name. */
  network(name: string): CheckedNetwork | undefined;
  /** The statements emitted so far (a gradient reads what its function computes). */
  readonly stmts: readonly Stmt[];
}

/** One function of the expression language. */
export interface FunctionDef {
  /** As written in a spec: `bce`. */
  name: string;
  /** Its arguments as the documentation writes them: `bce(p, target)`. */
  signature: string;
  /** One line: what it takes and computes, for README, schema and hints. */
  doc: string;
  /** Checks the arguments (arity, shapes, types, ranges), emits the statement and gives the result. */
  lower(call: Call): Value;
  /** The range of the result from the arguments' ranges (vocabulary/ranges.ts; unbounded for a network argument). */
  range(args: Range[]): Range;
}

/** An argument as a message quotes it: normalised, without the outer parentheses of a sum. */
export function quote(e: Expr): string {
  const text = show(e);
  return e.kind === 'binary' ? text.slice(1, -1) : text;
}

/** Where an argument's text starts (a sum's `at` is its operator, a head's its name). */
export function startOf(e: Expr): number {
  while (e.kind === 'binary' || e.kind === 'member') e = e.kind === 'binary' ? e.left : e.object;
  return e.at;
}

/** A real-valued value's shape for the shape rules (shapes.ts): a single number has no axes. */
export function shapeOf(ty: Ty & { t: 'tensor' | 'scalar' }): { shape: number[]; batched: boolean } {
  return ty.t === 'scalar' ? { shape: [], batched: false } : { shape: ty.shape, batched: ty.batched !== false };
}

/** The float type of a shape: a batch-wide value of no axes is a single number. */
export function tyOfShape(s: { shape: readonly number[]; batched: boolean }): Ty {
  if (!s.batched && s.shape.length === 0) return { t: 'scalar' };
  return s.batched ? { t: 'tensor', shape: [...s.shape], dtype: 'float32' } : { t: 'tensor', shape: [...s.shape], dtype: 'float32', batched: false };
}

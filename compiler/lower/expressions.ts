// Stage 5, lower (expressions): types every loss and preview expression (names, heads, operators,
// network calls against their inputs; every other call goes to its entry in the function
// vocabulary, compiler/vocabulary/functions/) and lowers it to straight-line statements in which
// each repeated subexpression, such as G(z), is computed once. Constants (literals and what
// + - * / of constants folds to) must be finite float32 numbers; a long sum or product is
// lowered in a loop, so only nesting (bounded by the parser) recurses.
import type { Expr } from '../expr/ast';
import { show } from '../expr/ast';
import type { Operand, Stmt } from '../ir';
import type { CheckedNetwork } from '../check/networks';
import { headRanges } from '../check/ranges';
import { combineRanges, range, UNBOUNDED, unaryRange } from '../vocabulary/ranges';
import type { Range } from '../vocabulary/ranges';
import { broadcast, type Call, describe, ExprError, FUNCTION_NAMES, FUNCTIONS, fmt, shapeOf, type StmtBody, type Ty, tyOfShape, type Value } from '../vocabulary/functions/index';

export { ExprError };
export type { Ty, Value };

export interface Env {
  real: Map<string, Ty & { t: 'tensor' }>;
  sampled: Map<string, Ty & { t: 'tensor' }>;
  networks: Map<string, CheckedNetwork>;
  /** EMA copies by name, with the network each averages: no loss may call one. */
  ema?: ReadonlyMap<string, string>;
  /** The range of each real and random input (absent: unbounded). */
  ranges?: Map<string, Range>;
  training: boolean;
}

/** The largest finite float32: tensors hold constants as float32, where anything larger is Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** A constant, or a located error when it is not a finite float32 (1e400, 1 / 0, 1e39). */
function constant(value: number, at: number, what: () => string): Value {
  if (!(Math.abs(value) <= FLOAT32_MAX)) {
    throw new ExprError(`${what()} is not a finite float32 number (${value}): constants must lie within about ±3.4e38`, at, 'write a smaller constant', undefined, 'GS163');
  }
  return { ty: { t: 'num', value }, operand: { num: value }, range: range(value, value, 'a constant') };
}

/** Straight-line statements with sharing: the same operation on the same operands is one statement. */
export class StmtBuilder {
  readonly stmts: Stmt[] = [];
  private readonly seen = new Map<string, string>();
  /** Which real and sampled inputs the statements read. */
  readonly real = new Set<string>();
  readonly sampled = new Set<string>();

  add(stmt: StmtBody): string {
    const key = JSON.stringify(stmt);
    const found = this.seen.get(key);
    if (found) return found;
    const id = `t${this.stmts.length}`;
    this.stmts.push({ id, ...stmt } as Stmt);
    this.seen.set(key, id);
    if (stmt.op === 'input') (stmt.source === 'real' ? this.real : this.sampled).add(stmt.name);
    return id;
  }
}

export class ExprLowering {
  constructor(
    private readonly env: Env,
    readonly out: StmtBuilder,
  ) {}

  lower(e: Expr): Value {
    switch (e.kind) {
      case 'num':
        return constant(e.value, e.at, () => 'this number');
      case 'name':
        return this.name(e.name, e.at);
      case 'member':
        return this.member(e);
      case 'unary': {
        const v = this.lower(e.arg);
        if (v.ty.t === 'num') return { ty: { t: 'num', value: -v.ty.value }, operand: { num: -v.ty.value } };
        const ref = this.ref(v, e.arg, 'negate');
        return { ty: v.ty, operand: { ref: this.out.add({ op: 'unary', fn: 'neg', arg: ref }) }, range: unaryRange('neg', v.range ?? UNBOUNDED) };
      }
      case 'binary':
        return this.binary(e);
      case 'call':
        return this.call(e);
    }
  }

  private name(name: string, at: number): Value {
    const range = this.env.ranges?.get(name);
    const real = this.env.real.get(name);
    if (real) return { ty: real, operand: { ref: this.out.add({ op: 'input', source: 'real', name }) }, range };
    const sampled = this.env.sampled.get(name);
    if (sampled) return { ty: sampled, operand: { ref: this.out.add({ op: 'input', source: 'sampled', name }) }, range };
    if (this.env.networks.has(name)) return { ty: { t: 'net', name } };
    const names = [...this.env.real.keys(), ...this.env.sampled.keys(), ...this.env.networks.keys()];
    throw new ExprError(`unknown name '${name}'`, at, `known names: ${names.join(', ')}`, { what: 'name', name, candidates: names });
  }

  /** The statement id of a value that must be a tensor or single number. */
  private ref(v: Value, e: Expr, what: string): string {
    if (v.ty.t === 'heads') {
      throw new ExprError(`${show(e)} has several heads (${v.ty.heads.map((h) => h.name).join(', ')}): pick one to ${what}`, e.at, `e.g. ${show(e)}.${v.ty.heads[0].name}`);
    }
    if (v.ty.t === 'net') throw new ExprError(`cannot ${what} the network ${v.ty.name} itself: call it`, e.at, `e.g. ${v.ty.name}(...)`);
    if (!v.operand || !('ref' in v.operand)) throw new ExprError(`cannot ${what} a constant`, e.at);
    return v.operand.ref;
  }

  private member(e: Expr & { kind: 'member' }): Value {
    const obj = this.lower(e.object);
    if (obj.ty.t !== 'heads') throw new ExprError(`.${e.name}: ${show(e.object)} is ${describe(obj.ty)}, which has no heads`, e.at);
    const index = obj.ty.heads.findIndex((h) => h.name === e.name);
    if (index < 0) {
      const names = obj.ty.heads.map((h) => h.name);
      throw new ExprError(`${obj.ty.net} has no head '${e.name}'`, e.at, `its heads: ${names.join(', ')}`, { what: 'head', name: e.name, candidates: names });
    }
    const arg = (obj.operand as { ref: string }).ref;
    const ty: Ty = { t: 'tensor', shape: obj.ty.heads[index].shape, dtype: 'float32' };
    const range = headRanges(this.env.networks.get(obj.ty.net)!)[index];
    // A model with one output returns that tensor itself, not a list of one.
    if (obj.ty.heads.length === 1) return { ty, operand: { ref: arg }, range };
    const ref = this.out.add({ op: 'head', arg, index, name: e.name });
    return { ty, operand: { ref }, range };
  }

  /** A sum or product leans left (a + b + c is (a + b) + c): its chain is walked in a loop, left to right. */
  private binary(e: Expr & { kind: 'binary' }): Value {
    const chain: (Expr & { kind: 'binary' })[] = [];
    let leftmost: Expr = e;
    for (; leftmost.kind === 'binary'; leftmost = leftmost.left) chain.push(leftmost);
    let value = this.lower(leftmost);
    for (const link of chain.reverse()) value = this.combine(link, value, this.lower(link.right));
    return value;
  }

  private combine(e: Expr & { kind: 'binary' }, a: Value, b: Value): Value {
    const fn = ({ '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' } as const)[e.op];
    if (a.ty.t === 'num' && b.ty.t === 'num') {
      const [x, y] = [a.ty.value, b.ty.value];
      return constant({ add: x + y, sub: x - y, mul: x * y, div: x / y }[fn], e.at, () => `${x} ${e.op} ${y}`);
    }
    let left = a.ty.t === 'num' ? (a.operand as Operand) : { ref: this.ref(a, e.left, `use ${e.op} on`) };
    let right = b.ty.t === 'num' ? (b.operand as Operand) : { ref: this.ref(b, e.right, `use ${e.op} on`) };
    let ty: Ty;
    if (a.ty.t === 'tensor' || b.ty.t === 'tensor') {
      for (const t of [a.ty, b.ty]) if (t.t === 'tensor' && t.dtype === 'int32') throw new ExprError(`'${e.op}' does not apply to class labels`, e.at);
      // Shape rules (vocabulary/functions/shapes.ts): numpy's, the batch axes of per-example values paired.
      const shape = (v: Value) => (v.ty.t === 'tensor' ? shapeOf(v.ty) : { shape: [], batched: false });
      const rule = broadcast(shape(a), shape(b));
      if ('error' in rule) throw new ExprError(`'${e.op}' ${rule.error}`, e.at, undefined, undefined, 'GS136');
      const expand = (o: Operand, to?: number[]): Operand => (to && 'ref' in o ? { ref: this.out.add({ op: 'expand', arg: o.ref, shape: to }) } : o);
      left = expand(left, rule.expandA);
      right = expand(right, rule.expandB);
      ty = tyOfShape(rule.result);
    } else {
      ty = { t: 'scalar' };
    }
    return { ty, operand: { ref: this.out.add({ op: 'binary', fn, a: left, b: right }) }, range: combineRanges(fn, a.range ?? UNBOUNDED, b.range ?? UNBOUNDED) };
  }

  /** A network call, or a function of the vocabulary (compiler/vocabulary/functions/) on its lowered arguments. */
  private call(e: Expr & { kind: 'call' }): Value {
    const net = this.env.networks.get(e.callee);
    if (net) return this.apply(net, e);
    const args = e.args.map((a) => this.lower(a));
    const fn = FUNCTIONS[e.callee];
    if (!fn) {
      throw new ExprError(`unknown function '${e.callee}'`, e.at, `functions: ${FUNCTION_NAMES.join(', ')}`, { what: 'function', name: e.callee, candidates: [...FUNCTION_NAMES, ...this.env.networks.keys()] });
    }
    const call: Call = {
      e,
      args,
      arity: (n) => {
        if (args.length !== n) throw new ExprError(`${e.callee}() takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`, e.at);
      },
      ref: (i, what) => this.ref(args[i], e.args[i], what),
      operand: (i, what) => (args[i].ty.t === 'num' ? (args[i].operand as Operand) : { ref: this.ref(args[i], e.args[i], what) }),
      tensor: (i, what) => {
        const ty = args[i].ty;
        this.ref(args[i], e.args[i], what);
        if (ty.t !== 'tensor') throw new ExprError(`${e.callee}() needs a tensor as argument ${i + 1}, got ${describe(ty)}`, e.args[i].at);
        return ty;
      },
      emit: (stmt) => this.out.add(stmt),
      network: (name) => this.env.networks.get(name),
      stmts: this.out.stmts,
    };
    return { ...fn.lower(call), range: fn.range(args.map((a) => a.range ?? UNBOUNDED)) };
  }

  private apply(net: CheckedNetwork, e: Expr & { kind: 'call' }): Value {
    const source = this.env.ema?.get(net.name);
    if (this.env.training && source !== undefined) {
      throw new ExprError(`a loss cannot call ${net.name}: it is an EMA copy of ${source}, never trained (it follows ${source}'s weights)`, e.at, `call ${source} in losses; show ${net.name} in preview`, undefined, 'GS173');
    }
    if (e.args.length !== net.inputs.length) {
      throw new ExprError(`${net.name} takes ${net.inputs.length} input${net.inputs.length === 1 ? '' : 's'} (${net.inputs.map((i) => i.name).join(', ')}), got ${e.args.length}`, e.at);
    }
    const refs = net.inputs.map((input, i) => {
      const v = this.lower(e.args[i]);
      const ref = this.ref(v, e.args[i], `pass to ${net.name}`);
      const ty = v.ty as Ty & { t: 'tensor' };
      if (input.kind === 'label') {
        if (ty.dtype !== 'int32') throw new ExprError(`${net.name}'s input '${input.name}' is a class label, but ${show(e.args[i])} is ${describe(ty)}`, e.args[i].at);
        return this.out.add({ op: 'column', arg: ref });
      }
      if (ty.dtype === 'int32') throw new ExprError(`${net.name}'s input '${input.name}' expects ${fmt(input.shape)}, but ${show(e.args[i])} is class labels`, e.args[i].at);
      if (ty.batched === false) {
        throw new ExprError(`${net.name}'s input '${input.name}' expects ${fmt(input.shape)} per example, but ${show(e.args[i])} is ${describe(ty)}`, e.args[i].at, 'a reduction over axis 0 leaves no batch axis', undefined, 'GS136');
      }
      if (fmt(ty.shape) !== fmt(input.shape)) {
        throw new ExprError(`${net.name}'s input '${input.name}' expects ${fmt(input.shape)}, but ${show(e.args[i])} gives ${fmt(ty.shape)}`, e.args[i].at);
      }
      return ref;
    });
    const named = net.heads.length > 1 || (net.heads.length === 1 && net.heads[0].name !== '');
    const ref = this.out.add({ op: 'apply', net: net.name, args: refs, training: this.env.training, heads: net.heads.length });
    if (!named) return { ty: { t: 'tensor', shape: net.heads[0].type.shape, dtype: 'float32' }, operand: { ref }, range: headRanges(net)[0] };
    return { ty: { t: 'heads', net: net.name, heads: net.heads.map((h) => ({ name: h.name, shape: h.type.shape })) }, operand: { ref } };
  }
}

// The expression function vocabulary: every function a loss or preview expression can call
// (`bce(D(x), 1)`, `mean(...)`, `gradient_penalty(D, x, G(z))`), one entry each, in the order
// messages and the README list them. compiler/lower/expressions.ts walks names, heads, operators
// and network calls itself and hands every other call to the entry named here.
//
// To add a function: write a FunctionDef (types.ts: name, signature, one-line doc, lower) in
// the family's file (losses.ts, reductions.ts, elementwise.ts, gradient.ts, labels.ts,
// products.ts, noise.ts; shape rules in shapes.ts; a new
// family gets a new file with a header comment), and list it below. Its `lower` checks the
// arguments through `call` (arity, ref, tensor, operand: these throw the located errors),
// throws ExprError pointing at the argument for anything else, and emits one IR statement
// (compiler/ir.ts; a new kind of statement also needs emit/statements.ts and, where the runtime
// computes it, runtime/ops/). Imports the family files only.
import { DETACH, ELEMENTWISE } from './elementwise';
import { GRAD, GRADIENT_PENALTY } from './gradient';
import { ONEHOT } from './labels';
import { LOSSES } from './losses';
import { NOISE } from './noise';
import { PRODUCTS } from './products';
import { REDUCTIONS } from './reductions';
import type { FunctionDef } from './types';

export type { Call, FunctionDef, StmtBody, Ty, Value } from './types';
export { describe, ExprError, fmt, quote, shapeOf, startOf, tyOfShape } from './types';
export { broadcast, reduceAxes, showShape } from './shapes';

const LIST: FunctionDef[] = [...LOSSES, ...REDUCTIONS, ...ELEMENTWISE, GRADIENT_PENALTY, DETACH, ONEHOT, ...PRODUCTS, GRAD, ...NOISE];

/** Every function by name (no prototype: `toString(x)` is an unknown function, not Object's). */
export const FUNCTIONS: Readonly<Record<string, FunctionDef>> = Object.assign(Object.create(null), Object.fromEntries(LIST.map((f) => [f.name, f])));

/** The functions' names in documentation order. */
export const FUNCTION_NAMES: readonly string[] = LIST.map((f) => f.name);

/** The functions in documentation order. */
export const FUNCTION_LIST: readonly FunctionDef[] = LIST;

/** The functions as README's table rows and the schema's `losses` description list them: `signature: doc`. */
export const functionDocs = (): string[] => LIST.map((f) => `${f.signature}: ${f.doc}`);

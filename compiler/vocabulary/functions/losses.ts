// Expression functions, losses: bce, ce, mse, l1. Each takes a batch of predictions and a target
// (a tensor of the prediction's shape or a number; ce also class labels) and gives the batch
// mean, as runtime/ops/losses.ts computes it. Imports the vocabulary's types only.
import type { Expr } from '../../expr/ast';
import { type Call, describe, ExprError, type FunctionDef, fmt, type Ty } from './types';

type LossFn = 'bce' | 'ce' | 'mse' | 'l1';

/** ce's target: a class number in range, class labels with no more classes, or one-hot codes. */
function checkCeTarget(pred: Ty & { t: 'tensor' }, target: Ty, e: Expr): void {
  if (pred.shape.length !== 1) throw new ExprError(`ce() needs class probabilities of shape [classes], got ${fmt(pred.shape)}`, e.at);
  const k = pred.shape[0];
  if (target.t === 'num') {
    if (!Number.isInteger(target.value) || target.value < 0 || target.value >= k) {
      throw new ExprError(`ce() class ${target.value} is out of range for ${k} classes (0..${k - 1})`, e.at);
    }
  } else if (target.t === 'tensor' && target.dtype === 'int32') {
    if (target.classes !== undefined && target.classes > k) throw new ExprError(`ce() labels have ${target.classes} classes but the prediction only ${k}`, e.at);
  } else if (!(target.t === 'tensor' && fmt(target.shape) === fmt(pred.shape))) {
    throw new ExprError(`ce() needs class labels, a class number or one-hot codes of shape ${fmt(pred.shape)}, got ${describe(target)}`, e.at);
  }
}

/** bce, mse, l1's target: a number, or a float tensor of the prediction's shape. */
function checkTarget(name: string, pred: Ty & { t: 'tensor' }, target: Ty, e: Expr): void {
  if (target.t === 'tensor' && (target.dtype === 'int32' || fmt(target.shape) !== fmt(pred.shape) || target.batched !== pred.batched)) {
    throw new ExprError(`${name}() needs a target of the prediction's shape ${fmt(pred.shape)} or a number, got ${describe(target)}`, e.at);
  } else if (target.t !== 'tensor' && target.t !== 'num') {
    throw new ExprError(`${name}() needs a target tensor or number, got ${describe(target)}`, e.at);
  }
}

function loss(name: LossFn, signature: string, doc: string): FunctionDef {
  return {
    name,
    signature,
    doc,
    lower(call: Call) {
      const { e, args } = call;
      call.arity(2);
      const pred = call.tensor(0, `pass to ${name}()`);
      if (pred.dtype === 'int32') throw new ExprError(`${name}() needs predictions as its first argument, got class labels`, e.args[0].at);
      if (name === 'ce' && pred.batched === false) throw new ExprError(`ce() needs class probabilities per example, got ${describe(pred)}`, e.args[0].at);
      if (name === 'ce') checkCeTarget(pred, args[1].ty, e.args[1]);
      else checkTarget(name, pred, args[1].ty, e.args[1]);
      const ops = args.map((_, i) => call.operand(i, `pass to ${name}()`));
      return { ty: { t: 'scalar' }, operand: { ref: call.emit({ op: 'loss', fn: name, args: ops }) } };
    },
  };
}

export const LOSSES: FunctionDef[] = [
  loss('bce', 'bce(p, target)', 'binary cross-entropy of probabilities p (a sigmoid output) against a target of 0..1 (a number or a tensor of p\'s shape), the batch mean'),
  loss('ce', 'ce(p, target)', 'categorical cross-entropy of class probabilities p [K] (a softmax output) against a class number, class labels or one-hot codes [K], the batch mean'),
  loss('mse', 'mse(a, target)', 'mean squared error of a against a target (a number or a tensor of a\'s shape)'),
  loss('l1', 'l1(a, target)', 'mean absolute error of a against a target (a number or a tensor of a\'s shape)'),
];

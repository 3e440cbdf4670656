// Expression functions, losses: bce and ce on probabilities, bce_logits and ce_logits on logits,
// mse, l1. Each takes a batch of predictions and a target (a tensor of the prediction's shape or a
// number; ce and ce_logits also class labels) and gives the batch mean, as runtime/ops/losses.ts
// computes it. bce/ce on a value that is not a probability is GS133, the logits forms on a
// probability GS134. Imports the vocabulary's types and ranges only.
import type { Expr } from '../../expr/ast';
import { isProbability, range, rangeText } from '../ranges';
import { type Call, describe, ExprError, type FunctionDef, fmt, quote, startOf, type Ty } from './types';

type LossFn = 'bce' | 'ce' | 'mse' | 'l1' | 'bce_logits' | 'ce_logits';

/** ce's target: a class number in range, class labels with no more classes, or one-hot codes. */
function checkCeTarget(name: string, pred: Ty & { t: 'tensor' }, target: Ty, e: Expr): void {
  if (pred.shape.length !== 1) throw new ExprError(`${name}() needs class ${name === 'ce' ? 'probabilities' : 'logits'} of shape [classes], got ${fmt(pred.shape)}`, e.at);
  const k = pred.shape[0];
  if (target.t === 'num') {
    if (!Number.isInteger(target.value) || target.value < 0 || target.value >= k) {
      throw new ExprError(`${name}() class ${target.value} is out of range for ${k} classes (0..${k - 1})`, e.at);
    }
  } else if (target.t === 'tensor' && target.dtype === 'int32') {
    if (target.classes !== undefined && target.classes > k) throw new ExprError(`${name}() labels have ${target.classes} classes but the prediction only ${k}`, e.at);
  } else if (!(target.t === 'tensor' && fmt(target.shape) === fmt(pred.shape))) {
    throw new ExprError(`${name}() needs class labels, a class number or one-hot codes of shape ${fmt(pred.shape)}, got ${describe(target)}`, e.at);
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

/**
 * The range rule of the cross-entropies: bce and ce take probabilities (GS133, the hint is the
 * logits form), bce_logits and ce_logits take logits (GS134 on a probability, the hint is the
 * probability form).
 */
function checkRange(name: LossFn, call: Call): void {
  const r = call.args[0].range;
  if (!r) return;
  const [pred, target] = call.e.args.map(quote);
  const act = name.startsWith('ce') ? 'softmax' : 'sigmoid';
  if ((name === 'bce' || name === 'ce') && !isProbability(r)) {
    const what = name === 'ce' ? 'class probabilities' : 'probabilities';
    throw new ExprError(`${name}() takes ${what} (a ${act} output), but ${pred} ${rangeText(r)} (${r.why})`, startOf(call.e.args[0]), `on logits write ${name}_logits(${pred}, ${target})`, undefined, 'GS133');
  }
  if ((name === 'bce_logits' || name === 'ce_logits') && isProbability(r)) {
    const plain = name.slice(0, -'_logits'.length);
    throw new ExprError(
      `${name}() takes logits (unbounded scores, before a ${act}), but ${pred} ${rangeText(r)} (${r.why})`,
      startOf(call.e.args[0]),
      `on probabilities write ${plain}(${pred}, ${target}), or drop the ${act} from the network's last layer`,
      undefined,
      'GS134',
    );
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
      if ((name === 'ce' || name === 'ce_logits') && pred.batched === false) throw new ExprError(`${name}() needs class probabilities per example, got ${describe(pred)}`, e.args[0].at);
      if (name === 'ce' || name === 'ce_logits') checkCeTarget(name, pred, args[1].ty, e.args[1]);
      else checkTarget(name, pred, args[1].ty, e.args[1]);
      const target = args[1].ty;
      if ((name === 'bce' || name === 'bce_logits') && target.t === 'num' && !(target.value >= 0 && target.value <= 1)) {
        throw new ExprError(`${name}() needs a target within [0, 1], the probability the prediction should give, got ${target.value}`, startOf(e.args[1]), "a GAN's targets are 1 for real and 0 for generated; label smoothing uses 0.9 for real");
      }
      checkRange(name, call);
      const ops = args.map((_, i) => call.operand(i, `pass to ${name}()`));
      return { ty: { t: 'scalar' }, operand: { ref: call.emit({ op: 'loss', fn: name, args: ops }) } };
    },
    range: () => range(0, Infinity, 'a loss'),
  };
}

export const LOSSES: FunctionDef[] = [
  loss('bce', 'bce(p, target)', 'binary cross-entropy of probabilities p (in [0, 1]: a sigmoid output) against a target of 0..1 (a number or a tensor of p\'s shape), the batch mean; anything else is an error whose hint is bce_logits'),
  loss('ce', 'ce(p, target)', 'categorical cross-entropy of class probabilities p [K] (a softmax output) against a class number, class labels or one-hot codes [K], the batch mean; anything else is an error whose hint is ce_logits'),
  loss('bce_logits', 'bce_logits(l, target)', 'binary cross-entropy of logits l (unbounded scores: a head with no sigmoid, a difference of outputs), the stable form mean(max(l, 0) - l·target + log(1 + exp(-|l|))), equal to bce(sigmoid(l), target); a probability is an error whose hint is bce'),
  loss('ce_logits', 'ce_logits(l, target)', 'categorical cross-entropy of class logits l [K] (a head with no softmax) by log-sum-exp, equal to ce(softmax(l), target), same targets as ce; a probability is an error whose hint is ce'),
  loss('mse', 'mse(a, target)', 'mean squared error of a against a target (a number or a tensor of a\'s shape)'),
  loss('l1', 'l1(a, target)', 'mean absolute error of a against a target (a number or a tensor of a\'s shape)'),
];

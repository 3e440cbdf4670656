// Expression functions, labels: onehot(labels, K), class labels as float one-hot codes [K]
// (e.g. to condition a network input by concat), within [0, 1]. Imports the vocabulary's types
// and ranges only.
import { range } from '../ranges';
import { ExprError, type FunctionDef } from './types';

export const ONEHOT: FunctionDef = {
  name: 'onehot',
  signature: 'onehot(labels, K)',
  doc: 'class labels as one-hot codes [K] of 0s and a 1, e.g. for a network input [K]',
  lower(call) {
    const { e, args } = call;
    const [labels, k] = args;
    if (args.length !== 2 || labels.ty.t !== 'tensor' || labels.ty.dtype !== 'int32' || k.ty.t !== 'num' || !Number.isInteger(k.ty.value) || k.ty.value < 1) {
      throw new ExprError('onehot(labels, K) takes class labels and a whole number of classes', e.at);
    }
    if (labels.ty.classes !== undefined && labels.ty.classes > k.ty.value) {
      throw new ExprError(`onehot: the labels have ${labels.ty.classes} classes, more than ${k.ty.value}`, e.args[1].at);
    }
    const ref = call.ref(0, 'pass to onehot()');
    return { ty: { t: 'tensor', shape: [k.ty.value], dtype: 'float32' }, operand: { ref: call.emit({ op: 'onehot', arg: ref, classes: k.ty.value }) } };
  },
  range: () => range(0, 1, 'one-hot codes'),
};

// Stage 6, emit (statements).
// Renders IR statements as TypeScript expressions, and as the spec-like text each one computes
// (for the comment beside it).
import type { Operand, Stmt } from '../ir';
import { ident, lit } from './quote';

const operand = (o: Operand): string => ('ref' in o ? ident(o.ref) : lit(o.num));

/** The runtime's name of each loss function (runtime/ops/losses.ts). */
const LOSS_FN = { bce: 'bce', ce: 'ce', bce_logits: 'bceLogits', ce_logits: 'ceLogits', mse: 'mse', l1: 'l1' } as const;

/** Network calls take the training flag; a multi-head network returns its heads in order. */
export function renderStmt(s: Stmt, params: { real: string; sampled: string }): string {
  switch (s.op) {
    case 'input':
      return `${s.source === 'real' ? params.real : params.sampled}.${ident(s.name)}`;
    case 'column':
      return `tf.reshape(${ident(s.arg)}, [-1, 1])`;
    case 'apply': {
      const args = s.args.length === 1 ? ident(s.args[0]) : `[${s.args.map(ident).join(', ')}]`;
      return `nets.${ident(s.net)}.apply(${args}, { training: ${s.training} }) as ${s.heads > 1 ? 'tf.Tensor[]' : 'tf.Tensor'}`;
    }
    case 'head':
      return `${ident(s.arg)}[${s.index}]`;
    case 'loss':
      return `gs.${LOSS_FN[s.fn]}(${s.args.map(operand).join(', ')})`;
    case 'reduce':
      return `tf.${s.fn}(${ident(s.arg)})`;
    case 'unary':
      return `tf.${s.fn}(${ident(s.arg)})`;
    case 'binary':
      return `tf.${s.fn}(${operand(s.a)}, ${operand(s.b)})`;
    case 'penalty':
      return `gs.gradientPenalty((input) => nets.${ident(s.net)}.apply(input, { training: true }) as tf.Tensor, ${ident(s.real)}, ${ident(s.fake)})`;
    case 'detach':
      return `gs.detach(${ident(s.arg)})`;
    case 'onehot':
      return `tf.cast(tf.oneHot(${ident(s.arg)}, ${lit(s.classes)}), "float32")`;
    case 'augment':
      return `gs.diffAugment(${ident(s.arg)}, ${lit(s.policy)})`;
  }
}

/** What each statement computes, in the spec's own notation. */
export function describeStmts(stmts: Stmt[]): Map<string, string> {
  const text = new Map<string, string>();
  const of = (o: Operand | string): string => (typeof o === 'string' ? text.get(o)! : 'ref' in o ? text.get(o.ref)! : String(o.num));
  const sym = { add: '+', sub: '-', mul: '*', div: '/' } as const;
  for (const s of stmts) {
    let t: string;
    switch (s.op) {
      case 'input':
        t = s.name;
        break;
      case 'column':
        t = of(s.arg);
        break;
      case 'apply':
        t = `${s.net}(${s.args.map(of).join(', ')})`;
        break;
      case 'head':
        t = `${of(s.arg)}.${s.name}`;
        break;
      case 'loss':
        t = `${s.fn}(${s.args.map(of).join(', ')})`;
        break;
      case 'reduce':
      case 'detach':
        t = `${s.op === 'detach' ? 'detach' : s.fn}(${of(s.arg)})`;
        break;
      case 'unary':
        t = s.fn === 'neg' ? `-${of(s.arg)}` : `${s.fn}(${of(s.arg)})`;
        break;
      case 'binary':
        t = `(${of(s.a)} ${sym[s.fn]} ${of(s.b)})`;
        break;
      case 'penalty':
        t = `gradient_penalty(${s.net}, ${of(s.real)}, ${of(s.fake)})`;
        break;
      case 'onehot':
        t = `onehot(${of(s.arg)}, ${s.classes})`;
        break;
      case 'augment':
        t = `augment(${of(s.arg)})`;
        break;
    }
    text.set(s.id, t);
  }
  return text;
}

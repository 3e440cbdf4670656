// Stage 6, emit (statements).
// Renders IR statements as TypeScript expressions, and as the spec-like text each one computes
// (for the comment beside it).
import type { Operand, Stmt } from '../ir';
import { commentText, ident, lit } from './quote';
import type { Together } from './together';

const operand = (o: Operand): string => ('ref' in o ? ident(o.ref) : lit(o.num));

/** The runtime's name of each loss function (runtime/ops/losses.ts). */
const LOSS_FN = { bce: 'bce', ce: 'ce', bce_logits: 'bceLogits', ce_logits: 'ceLogits', mse: 'mse', l1: 'l1' } as const;

/** A statement's spec-like text as the comment beside it: one line, cut after 90 characters. */
export const stmtComment = (text: string): string => commentText(text.length > 90 ? `${text.slice(0, 87)}...` : text);

/** How a nested body (a gradient's closure) is laid out: its line indent and the statements' texts. */
export interface Layout {
  indent: string;
  text: Map<string, string>;
}

/**
 * Network calls take the training flag; a multi-head network returns its heads in order. A
 * gradient is a closure over the statements it recomputes, one line each, indented from `layout`
 * (by default two spaces and no comments).
 */
export function renderStmt(s: Stmt, params: { real: string; sampled: string }, layout?: Layout): string {
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
      if (s.axes === undefined && (s.fn === 'mean' || s.fn === 'sum')) return `tf.${s.fn}(${ident(s.arg)})`;
      return `gs.reduce(${lit(s.fn)}, ${ident(s.arg)}${s.axes === undefined ? '' : `, ${lit(s.axes)}`})`;
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
    case 'dot':
      return `gs.dot(${ident(s.a)}, ${ident(s.b)})`;
    case 'norm':
      return s.p === 'sq' ? `gs.sqnorm(${ident(s.arg)})` : `gs.norm(${ident(s.arg)}, ${lit(s.p)})`;
    case 'noise':
      return `gs.${s.dist}Like(${ident(s.arg)}, ${lit(s.a)}, ${lit(s.b)})`;
    case 'expand':
      return `tf.reshape(${ident(s.arg)}, ${lit([-1, ...s.shape])})`;
    case 'grad':
      return renderGrad(s, params, layout ?? { indent: '  ', text: new Map() });
  }
}

/** Calls of one network as one batch: each member's inputs (a list for several), its outputs back per member. */
export function renderTogether(t: Together): string {
  const inputs = t.members.map((m) => (m.args.length === 1 ? ident(m.args[0]) : `[${m.args.map(ident).join(', ')}]`));
  return `gs.applyTogether${t.heads > 1 ? 'Heads' : ''}(nets.${ident(t.net)}, [${inputs.join(', ')}], { training: ${t.training} })`;
}

/** `gs.grad((wrt) => { ...body; return f; }, wrt)`: the parameter shadows wrt's statement. */
function renderGrad(s: Stmt & { op: 'grad' }, params: { real: string; sampled: string }, layout: Layout): string {
  const wrt = ident(s.wrt);
  if (s.body.length === 0) return `gs.grad((${wrt}) => ${wrt}, ${wrt})`;
  const inner: Layout = { indent: `${layout.indent}  `, text: layout.text };
  const lines = s.body.map((b) => {
    const text = layout.text.get(b.id);
    return `${inner.indent}const ${ident(b.id)} = ${renderStmt(b, params, inner)};${text === undefined ? '' : ` // ${stmtComment(text)}`}`;
  });
  return [`gs.grad((${wrt}) => {`, ...lines, `${inner.indent}return ${ident(s.f)};`, `${layout.indent}}, ${wrt})`].join('\n');
}

/** What each statement computes, in the spec's own notation. */
export function describeStmts(stmts: Stmt[], outer?: ReadonlyMap<string, string>): Map<string, string> {
  const text = new Map<string, string>(outer);
  const of = (o: Operand | string): string => (typeof o === 'string' ? text.get(o)! : 'ref' in o ? text.get(o.ref)! : String(o.num));
  const sym = { add: '+', sub: '-', mul: '*', div: '/' } as const;
  for (const s of stmts) {
    // A gradient's body first: its statements may be left out of the outer list.
    if (s.op === 'grad') for (const [id, t] of describeStmts(s.body, text)) text.set(id, t);
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
        t = `${s.fn}(${of(s.arg)}${s.axes === undefined ? '' : `, ${s.axes.join(', ')}`})`;
        break;
      case 'detach':
        t = `detach(${of(s.arg)})`;
        break;
      case 'dot':
        t = `dot(${of(s.a)}, ${of(s.b)})`;
        break;
      case 'norm':
        t = s.p === 'sq' ? `sqnorm(${of(s.arg)})` : s.p === 2 ? `norm(${of(s.arg)})` : `norm(${of(s.arg)}, ${s.p})`;
        break;
      case 'noise':
        t = `${s.dist}_like(${of(s.arg)}, ${s.a}, ${s.b})`;
        break;
      case 'expand':
        t = of(s.arg);
        break;
      case 'grad':
        t = `grad(${of(s.f)}, ${of(s.wrt)})`;
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

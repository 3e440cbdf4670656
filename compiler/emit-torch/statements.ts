// Stage 6, emit for the torch target (statements): IR statements as lines of straight-line
// torch code, each with the spec-like text it computes beside it (the same texts as the tfjs
// target: emit/statements.ts describeStmts). A gradient is a nested function its statements
// recompute, handed to gs.grad. The spec's axes and shapes are mapped to torch's (layout.ts).
// Imports the IR, the tfjs emitter's statement texts, layout.ts and quote.ts.
import type { Operand, Stmt } from '../ir';
import { stmtComment } from '../emit/statements';
import { keptOrder, type Ranks, torchAxes, torchShape } from './layout';
import { pyComment, pyIdent, pyLit, pyStr } from './quote';

const operand = (o: Operand): string => ('ref' in o ? pyIdent(o.ref) : pyLit(o.num));

const UNARY = { relu: 'torch.relu', softplus: 'torch.nn.functional.softplus', abs: 'torch.abs', square: 'torch.square', sqrt: 'torch.sqrt', log: 'torch.log', exp: 'torch.exp', sigmoid: 'torch.sigmoid', tanh: 'torch.tanh' } as const;
const BINARY = { add: '+', sub: '-', mul: '*', div: '/' } as const;

export interface StmtContext {
  ranks: Ranks;
  /** The spec-like text of each statement (describeStmts). */
  text: Map<string, string>;
}

const rankOf = (ctx: StmtContext, id: string): number => ctx.ranks.get(id) as number;

/** An operand of a binary op with an image: a lower-rank value broadcast as tfjs aligns it (trailing axes). */
function alignedOperand(o: Operand, other: Operand, ctx: StmtContext): string {
  if (!('ref' in o) || !('ref' in other)) return operand(o);
  const [r, ro] = [rankOf(ctx, o.ref), rankOf(ctx, other.ref)];
  return ro === 4 && r >= 1 && r <= 3 ? `gs.nchw_operand(${pyIdent(o.ref)})` : operand(o);
}

/** The expression of one statement (a gradient has its own lines: see stmtLines). */
function expression(s: Stmt, ctx: StmtContext): string {
  switch (s.op) {
    case 'input':
      return `${s.source}[${pyStr(s.name)}]`;
    case 'column':
      return `${pyIdent(s.arg)}.reshape(-1, 1)`;
    case 'apply':
      return `gs.call(nets[${pyStr(s.net)}], ${s.args.map(pyIdent).join(', ')}, training=${s.training ? 'True' : 'False'})`;
    case 'head':
      return `${pyIdent(s.arg)}[${s.index}]`;
    case 'loss':
      return `gs.${s.fn}(${s.args.map(operand).join(', ')})`;
    case 'reduce': {
      const arg = pyIdent(s.arg);
      if (s.axes === undefined) return s.fn === 'mean' || s.fn === 'sum' ? `${arg}.${s.fn}()` : `gs.reduce(${pyStr(s.fn)}, ${arg})`;
      const rank = rankOf(ctx, s.arg);
      const reduced = `gs.reduce(${pyStr(s.fn)}, ${arg}, ${pyLit(torchAxes(s.axes, rank))})`;
      const perm = keptOrder(s.axes, rank);
      return perm === undefined ? reduced : `${reduced}.permute(${perm.join(', ')})`;
    }
    case 'unary':
      return s.fn === 'neg' ? `-${pyIdent(s.arg)}` : `${UNARY[s.fn]}(${pyIdent(s.arg)})`;
    case 'binary':
      return `${alignedOperand(s.a, s.b, ctx)} ${BINARY[s.fn]} ${alignedOperand(s.b, s.a, ctx)}`;
    case 'penalty':
      return `gs.gradient_penalty(lambda x: gs.call(nets[${pyStr(s.net)}], x, training=True), ${pyIdent(s.real)}, ${pyIdent(s.fake)})`;
    case 'detach':
      return `${pyIdent(s.arg)}.detach()`;
    case 'onehot':
      return `gs.onehot(${pyIdent(s.arg)}, ${pyLit(s.classes)})`;
    case 'augment':
      return `gs.diff_augment(${pyIdent(s.arg)}, ${pyLit(s.policy)})`;
    case 'dot':
      return `gs.dot(${pyIdent(s.a)}, ${pyIdent(s.b)})`;
    case 'norm':
      return s.p === 'sq' ? `gs.sqnorm(${pyIdent(s.arg)})` : `gs.norm(${pyIdent(s.arg)}, ${pyLit(s.p)})`;
    case 'noise':
      return `gs.${s.dist}_like(${pyIdent(s.arg)}, ${pyLit(s.a)}, ${pyLit(s.b)})`;
    case 'expand':
      return `${pyIdent(s.arg)}.reshape(${pyLit([-1, ...torchShape(s.shape)])})`;
    case 'grad':
      return `gs.grad(grad_${pyIdent(s.id)}, ${pyIdent(s.wrt)})`;
  }
}

const commentOf = (ctx: StmtContext, id: string): string => {
  const text = ctx.text.get(id);
  return text === undefined ? '' : `  # ${pyComment(stmtComment(text))}`;
};

/**
 * The lines of statements at `indent`: `t3 = expr  # text`. A gradient first defines the
 * function of its wrt that recomputes its body (the parameter shadows wrt's name).
 */
export function stmtLines(stmts: Stmt[], ctx: StmtContext, indent: string): string[] {
  return stmts.flatMap((s) => {
    const line = `${indent}${pyIdent(s.id)} = ${expression(s, ctx)}${commentOf(ctx, s.id)}`;
    if (s.op !== 'grad') return [line];
    const inner = `${indent}    `;
    const result = s.body.length === 0 ? pyIdent(s.wrt) : pyIdent(s.f);
    return [
      `${indent}def grad_${pyIdent(s.id)}(${pyIdent(s.wrt)}: Tensor) -> Tensor:`,
      ...stmtLines(s.body, ctx, inner),
      `${inner}return ${result}`,
      line,
    ];
  });
}

// Stage 5, lower (expression parser; its syntax errors are reported by lower/module.ts).
// A small precedence-climbing parser for spec expressions: numbers, names, calls, `.head`,
// unary minus, + - * / and parentheses. It never evaluates anything. Nesting (parentheses,
// calls, unary minus, heads) is bounded by MAX_EXPR_DEPTH, so that neither this parser nor
// the stages that walk the tree run out of stack; a long sum or product is a loop, not nesting,
// and its length is bounded by MAX_EXPR_OPERATORS (later stages describe every partial sum).
import { MAX_EXPR_DEPTH, MAX_EXPR_OPERATORS } from '../limits';
import type { Expr } from './ast';

export interface ExprError {
  message: string;
  at: number;
  /** Set for an expression past a limit (GS162); syntax errors have none. */
  code?: 'GS162';
}

type Token =
  | { t: 'num'; value: number; at: number }
  | { t: 'name'; name: string; at: number }
  | { t: 'punct'; p: string; at: number }
  | { t: 'end'; at: number };

function tokenize(text: string): Token[] | ExprError {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const num = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i));
    if (num) {
      tokens.push({ t: 'num', value: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (name) {
      tokens.push({ t: 'name', name: name[0], at: i });
      i += name[0].length;
      continue;
    }
    if ('+-*/(),.'.includes(ch)) {
      tokens.push({ t: 'punct', p: ch, at: i });
      i++;
      continue;
    }
    return { message: `unexpected character ${JSON.stringify(ch)}`, at: i };
  }
  tokens.push({ t: 'end', at: text.length });
  return tokens;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private operators = 0;
  constructor(private readonly tokens: Token[]) {}

  /** One level deeper, at the token that opens it; `leave` when the level is parsed. */
  private enter(at: number): void {
    if (++this.depth > MAX_EXPR_DEPTH) {
      throw { message: `the expression is nested more than ${MAX_EXPR_DEPTH} levels deep (parentheses, calls, unary minus and heads each add one)`, at, code: 'GS162' } satisfies ExprError;
    }
  }

  private leave(levels = 1): void {
    this.depth -= levels;
  }

  /** Takes the binary operator at the current token. */
  private operator(): { p: '+' | '-' | '*' | '/'; at: number } {
    const tok = this.peek() as { p: '+' | '-' | '*' | '/'; at: number };
    if (++this.operators > MAX_EXPR_OPERATORS) {
      throw { message: `the expression has more than ${MAX_EXPR_OPERATORS} operators (+ - * /)`, at: tok.at, code: 'GS162' } satisfies ExprError;
    }
    this.pos++;
    return tok;
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private isPunct(p: string): boolean {
    const tok = this.peek();
    return tok.t === 'punct' && tok.p === p;
  }

  private expect(p: string): void {
    if (!this.isPunct(p)) throw this.error(`expected '${p}'`);
    this.pos++;
  }

  private error(message: string): ExprError {
    const tok = this.peek();
    const found = tok.t === 'end' ? 'end of expression' : tok.t === 'num' ? String(tok.value) : tok.t === 'name' ? tok.name : `'${tok.p}'`;
    return { message: `${message}, found ${found}`, at: tok.at };
  }

  parseAll(): Expr {
    const e = this.sum();
    if (this.peek().t !== 'end') throw this.error('expected an operator or the end');
    return e;
  }

  private sum(): Expr {
    let left = this.product();
    while (this.isPunct('+') || this.isPunct('-')) {
      const tok = this.operator();
      left = { kind: 'binary', op: tok.p, left, right: this.product(), at: tok.at };
    }
    return left;
  }

  private product(): Expr {
    let left = this.unary();
    while (this.isPunct('*') || this.isPunct('/')) {
      const tok = this.operator();
      left = { kind: 'binary', op: tok.p, left, right: this.unary(), at: tok.at };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isPunct('-')) {
      const at = this.peek().at;
      this.pos++;
      this.enter(at);
      const arg = this.unary();
      this.leave();
      return { kind: 'unary', op: '-', arg, at };
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let e = this.primary();
    // Each head taken (`.name`) is one level more for the stages that walk the tree.
    let levels = 0;
    for (;;) {
      if (this.isPunct('.')) {
        this.enter(this.peek().at);
        levels++;
        this.pos++;
        const tok = this.peek();
        if (tok.t !== 'name') throw this.error('expected a head name after "."');
        this.pos++;
        e = { kind: 'member', object: e, name: tok.name, at: tok.at };
      } else if (this.isPunct('(')) {
        if (e.kind !== 'name') throw this.error('only names can be called');
        this.enter(this.peek().at);
        this.pos++;
        const args: Expr[] = [];
        if (!this.isPunct(')')) {
          args.push(this.sum());
          while (this.isPunct(',')) {
            this.pos++;
            args.push(this.sum());
          }
        }
        this.expect(')');
        this.leave();
        e = { kind: 'call', callee: e.name, args, at: e.at };
      } else {
        this.leave(levels);
        return e;
      }
    }
  }

  private primary(): Expr {
    const tok = this.peek();
    if (tok.t === 'num') {
      this.pos++;
      return { kind: 'num', value: tok.value, at: tok.at };
    }
    if (tok.t === 'name') {
      this.pos++;
      return { kind: 'name', name: tok.name, at: tok.at };
    }
    if (this.isPunct('(')) {
      this.enter(this.peek().at);
      this.pos++;
      const e = this.sum();
      this.expect(')');
      this.leave();
      return e;
    }
    throw this.error('expected a number, a name or "("');
  }
}

/** Parses one expression; on a syntax error returns its message and character offset. */
export function parseExpr(text: string): Expr | ExprError {
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return tokens;
  try {
    return new Parser(tokens).parseAll();
  } catch (err) {
    if (err && typeof err === 'object' && 'at' in err) return err as ExprError;
    throw err;
  }
}

export function isExprError(x: Expr | ExprError): x is ExprError {
  return !('kind' in x);
}

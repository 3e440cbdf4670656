// Stage 5, lower (expression syntax tree).
// The syntax tree of loss and preview expressions (`bce(D(G(z)), 0)`), with the character
// offsets of every node inside the expression text for pointed diagnostics.
export type Expr =
  | { kind: 'num'; value: number; at: number }
  | { kind: 'name'; name: string; at: number }
  | { kind: 'call'; callee: string; args: Expr[]; at: number }
  | { kind: 'member'; object: Expr; name: string; at: number }
  | { kind: 'unary'; op: '-'; arg: Expr; at: number }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr; at: number };

/** The expression as text, normalised (used for comments and sharing). */
export function show(e: Expr): string {
  switch (e.kind) {
    case 'num':
      return String(e.value);
    case 'name':
      return e.name;
    case 'call':
      return `${e.callee}(${e.args.map(show).join(', ')})`;
    case 'member':
      return `${show(e.object)}.${e.name}`;
    case 'unary':
      return `-${show(e.arg)}`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
  }
}

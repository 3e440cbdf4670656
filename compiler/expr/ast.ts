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

/** The expression as text, normalised (used for comments and sharing). A sum or product's chain is a loop. */
export function show(e: Expr): string {
  if (e.kind === 'binary') {
    const chain: (Expr & { kind: 'binary' })[] = [];
    let leftmost: Expr = e;
    for (; leftmost.kind === 'binary'; leftmost = leftmost.left) chain.push(leftmost);
    return chain.reduceRight((text, link) => `(${text} ${link.op} ${show(link.right)})`, show(leftmost));
  }
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
  }
}

/** An expression's direct subexpressions, in reading order. */
export function children(x: Expr): Expr[] {
  return x.kind === 'call' ? x.args : x.kind === 'binary' ? [x.left, x.right] : x.kind === 'unary' ? [x.arg] : x.kind === 'member' ? [x.object] : [];
}

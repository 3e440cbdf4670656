// Stage 5b, check (the game): warnings, never errors, about losses that do not make an
// adversarial game. For each critic output the losses read (`D(...)`, or a head `D(...).valid`),
// the phases that update the critic pull it one way on real data (`D(x)`: arguments that call no
// network) and one way on what a network makes (`D(G(z))`), and the phases that update that
// network pull it on the same outputs (expr/pulls.ts):
// - GS185 the critic's losses pull its real and generated outputs the same way (bce(D(x), 1) +
//   bce(D(G(z)), 1)): it cannot learn to tell them apart,
// - GS186 the generator's loss pulls the critic's output on its samples the way the critic's own
//   loss does, or away from the real side (bce(D(G(z)), 0) as G's loss): it helps the critic
//   instead of fooling it.
// Only a sure verdict warns: outputs a loss reads through a square, a class cross-entropy or a
// product, or that its terms pull both ways, are left alone. Runs after lower, like flow.ts.
// May import context, pointer, resolve's types and the expression parser and analyses.
import type { Context } from '../context';
import { show, type Expr } from '../expr/ast';
import { isExprError, parseExpr } from '../expr/parse';
import { combine, pullOf, type Pull } from '../expr/pulls';
import { termReaches } from '../expr/terms';
import { join } from '../pointer';
import type { Resolved, ResolvedPhase } from '../resolve';

/** A critic output as losses read it: network, head (none: the whole output). */
interface Output {
  net: string;
  head?: string;
}

/** A critic call in a loss: the output it reads, the networks its arguments call, where it is. */
interface Read extends Output {
  makers: string[];
  expr: Expr;
}

interface PhaseLoss {
  phase: ResolvedPhase;
  pointer: string;
  expr: Expr;
}

const outputName = (o: Output): string => (o.head === undefined ? o.net : `${o.net}.${o.head}`);

export function checkAdversarial(ctx: Context, r: Resolved): void {
  const networks = new Set(r.networks.map((n) => n.name));
  const losses: PhaseLoss[] = [];
  for (const phase of r.phases) {
    const text = r.spec.losses[phase.loss];
    if (typeof text !== 'string') continue;
    const expr = parseExpr(text);
    if (isExprError(expr)) continue;
    const pointer = join('/losses', phase.loss);
    ctx.report.expression(pointer, text);
    losses.push({ phase, pointer, expr });
  }
  const reads = losses.flatMap((l) => criticReads(l.expr, networks));
  const outputs = new Map(reads.map((o) => [outputName(o), o]));
  for (const output of outputs.values()) checkOutput(ctx, output, losses, reads, networks);
}

function checkOutput(ctx: Context, output: Output, losses: readonly PhaseLoss[], reads: readonly Read[], networks: ReadonlySet<string>): void {
  const updatesCritic = losses.filter((l) => l.phase.updates.some((u) => u.net === output.net && (u.head === undefined || output.head === undefined || u.head === output.head)));
  if (updatesCritic.length === 0) return; // a fixed network (a pretrained scorer): no game
  const same = (e: Expr, makers: (m: string[]) => boolean) => {
    const read = readOf(e, networks);
    return read !== undefined && read.net === output.net && read.head === output.head && makers(read.makers);
  };
  const pull = (ls: readonly PhaseLoss[], makers: (m: string[]) => boolean) => combine(ls.map((l) => pullOf(l.expr, (e) => same(e, makers))));
  const real = pull(updatesCritic, (m) => m.length === 0);
  const makers = [...new Set(reads.filter((o) => o.net === output.net && o.head === output.head).flatMap((o) => o.makers))].filter((m) => m !== output.net).sort();
  for (const maker of makers) {
    const made = (m: string[]) => m.includes(maker);
    const fake = pull(updatesCritic, made);
    if (typeof fake !== 'number') continue;
    const where = (ls: readonly PhaseLoss[]) => ls.map((l) => ({ l, at: firstRead(l.expr, (e) => same(e, made)) })).find((w) => w.at !== undefined)!;
    const criticAt = where(updatesCritic);
    const fakeText = show(criticAt.at!);
    if (typeof real === 'number' && side(real, fake) === 0) {
      const realAt = updatesCritic.map((l) => firstRead(l.expr, (e) => same(e, (m) => m.length === 0))).find((e) => e !== undefined)!;
      ctx.report.warning(criticAt.l.pointer, `the losses of ${outputName(output)} pull ${show(realAt)} and ${fakeText} the same way (${pullText(fake)}): ${output.net} cannot learn to tell real data from what ${maker} makes`, {
        hint: `pull ${fakeText} the other way from ${show(realAt)}: one of the two terms has the wrong target or sign`,
        code: 'GS185',
        at: criticAt.at!.at,
      });
      continue;
    }
    const updatesMaker = losses.filter((l) => l.phase.updates.some((u) => u.net === maker));
    const makerPull = pull(updatesMaker, made);
    if (typeof makerPull !== 'number') continue;
    const helps = makerPull === fake || (typeof real === 'number' && side(makerPull, fake) === -side(real, fake));
    if (!helps) continue;
    const makerAt = where(updatesMaker);
    const read = show(makerAt.at!);
    const how = typeof real === 'number' ? `away from real data: ${output.net}'s own loss pulls it ${pullText(fake)} and real data ${pullText(real)}` : `as ${output.net}'s own loss does`;
    ctx.report.warning(makerAt.l.pointer, `${maker}'s loss pulls ${read} ${pullText(makerPull)}, ${how}; ${maker} helps ${output.net} tell its output from real data instead of fooling it`, {
      hint: `${maker}'s loss should pull ${read} the way ${output.net}'s loss pulls real data${typeof real === 'number' ? ` (${pullText(real)})` : ''}, or ${output.net}'s loss is the one written the wrong way round`,
      code: 'GS186',
      at: makerAt.at!.at,
    });
  }
}

/** Where `v` lies from `from`: 1 above, -1 below, 0 the same. */
function side(v: number, from: number): number {
  return v === from ? 0 : v > from ? 1 : -1;
}

function pullText(p: Pull): string {
  if (p === Infinity) return 'up';
  if (p === -Infinity) return 'down';
  return `toward ${p}`;
}

/** A call of a network (or one of its heads) whose arguments are data or other networks' outputs. */
function readOf(e: Expr, networks: ReadonlySet<string>): Read | undefined {
  const head = e.kind === 'member' ? e.name : undefined;
  const call = e.kind === 'member' ? e.object : e;
  if (call.kind !== 'call' || !networks.has(call.callee)) return undefined;
  const makers = [...new Set(call.args.flatMap((a) => termReaches(a, networks, { throughDetach: true })))].map((m) => m.split('.')[0]!);
  return { net: call.callee, head, makers: [...new Set(makers)], expr: e };
}

/** Every critic read of a loss, outside gradient penalties (their slopes are not a pull). */
function criticReads(e: Expr, networks: ReadonlySet<string>): Read[] {
  const out: Read[] = [];
  const walk = (x: Expr): void => {
    const read = readOf(x, networks);
    if (read) out.push(read);
    if (x.kind === 'member') return read ? walkArgs(x.object) : walk(x.object);
    if (x.kind === 'call' && (x.callee === 'grad' || x.callee === 'gradient_penalty')) return;
    walkArgs(x);
  };
  const walkArgs = (x: Expr): void => {
    if (x.kind === 'call') x.args.forEach(walk);
    else if (x.kind === 'binary') [x.left, x.right].forEach(walk);
    else if (x.kind === 'unary') walk(x.arg);
  };
  walk(e);
  return out;
}

/** The first subexpression, in reading order, that `match` picks. */
function firstRead(e: Expr, match: (x: Expr) => boolean): Expr | undefined {
  if (match(e)) return e;
  const parts = e.kind === 'call' ? e.args : e.kind === 'binary' ? [e.left, e.right] : e.kind === 'unary' ? [e.arg] : e.kind === 'member' ? [e.object] : [];
  for (const p of parts) {
    const found = firstRead(p, match);
    if (found) return found;
  }
  return undefined;
}

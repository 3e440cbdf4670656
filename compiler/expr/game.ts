// The game a spec's losses make, for the adversarial check (check/adversarial.ts) and
// gan-compile --explain: for each critic output the losses read (`D(...)`, or a head
// `D(...).valid`) that a phase trains, which way the critic's own losses pull it on real data
// (`D(x)`: arguments that call no network but those trained with the critic) and on what each
// other network makes (`D(G(z))`), and which way that network's losses pull it there
// (expr/pulls.ts). A head read through `dot(E(y), D(x).phi)` (a projection discriminator's class
// term) is an output of its own, `dot(E, D.phi)`: the product pulls the head itself no single way,
// but the projection as a whole is pulled as the critic's other outputs are. The verdict: the maker plays
// against the critic (pulls its output toward the real side), helps it (pulls it the critic's
// way, or further from real data), the critic cannot tell real from made (pulled the same way on
// both), or open (a pull with no single direction, or none). Imports the expression syntax tree
// and the analyses of this folder only.
import { children, type Expr } from './ast';
import { combine, pullOf, type Pull } from './pulls';
import { termReaches } from './terms';

/** A loss as one phase minimizes it, with the weights that phase updates. */
export interface GameLoss {
  loss: string;
  expr: Expr;
  updates: readonly { net: string; head?: string }[];
}

/** A pull on one output, the first read of it that pulls and the loss that has it. */
export interface PullAt {
  pull: Pull;
  read: Expr;
  loss: string;
}

export type Verdict = 'plays against' | 'helps' | 'cannot tell apart' | 'open';

export interface GamePair {
  maker: string;
  /** The critic's own losses on the maker's output. */
  critic: PullAt;
  /** The maker's losses on it; absent where they do not read it. */
  makerPull?: PullAt;
  verdict: Verdict;
}

export interface GameOutput {
  /** `D`, or `D.valid` for a head. */
  output: string;
  net: string;
  head?: string;
  real?: PullAt;
  pairs: GamePair[];
}

/** A critic call in a loss: the output it reads and the networks its arguments call. */
interface Read {
  net: string;
  head?: string;
  /** Read through dot(P, ...): the networks P calls, joined ('' for none). */
  projection?: string;
  makers: string[];
}

const sameOutput = (a: Read, b: Read) => a.net === b.net && a.head === b.head && a.projection === b.projection;

/** `D`, `D.valid`, `dot(E, D.phi)`. */
function outputName(r: Read): string {
  const read = r.head === undefined ? r.net : `${r.net}.${r.head}`;
  return r.projection === undefined ? read : `dot(${r.projection || '…'}, ${read})`;
}

/** `up`, `down`, `toward 0.9`, `no single direction`. */
export function pullText(p: Pull): string {
  if (p === 'unknown') return 'no single direction';
  if (p === Infinity) return 'up';
  if (p === -Infinity) return 'down';
  return `toward ${p}`;
}

/** The game of the losses, one entry per critic output a phase trains and its losses pull on made data. */
export function gameOf(losses: readonly GameLoss[], networks: ReadonlySet<string>): GameOutput[] {
  const reads = losses.flatMap((l) => criticReads(l.expr, networks));
  const outputs = new Map(reads.map((o) => [outputName(o), o]));
  return [...outputs].flatMap(([output, out]) => {
    const { net, head } = out;
    const critic = losses.filter((l) => l.updates.some((u) => u.net === net && (u.head === undefined || head === undefined || u.head === head)));
    if (critic.length === 0) return []; // a fixed network (a pretrained scorer): no game
    // Networks the critic's phases train with it (a label embedding in D(x, E(y))) are the critic's side, not makers.
    const side = new Set([net, ...critic.flatMap((l) => l.updates.map((u) => u.net))]);
    const madeBy = (r: Read) => r.makers.filter((m) => !side.has(m));
    const pulled = (ls: readonly GameLoss[], makers: (m: string[]) => boolean) => pullAt(ls, (e) => {
      const r = readOf(e, networks);
      return r !== undefined && sameOutput(r, out) && makers(madeBy(r));
    });
    const real = pulled(critic, (m) => m.length === 0);
    const makers = [...new Set(reads.filter((o) => sameOutput(o, out)).flatMap(madeBy))].sort();
    const pairs = makers.flatMap((maker): GamePair[] => {
      const made = (m: string[]) => m.includes(maker);
      const fake = pulled(critic, made);
      if (fake === undefined || typeof fake.pull !== 'number') return [];
      const makerPull = pulled(losses.filter((l) => l.updates.some((u) => u.net === maker)), made);
      return [{ maker, critic: fake, ...(makerPull ? { makerPull } : {}), verdict: verdict(real?.pull, fake.pull, makerPull?.pull) }];
    });
    return pairs.length === 0 ? [] : [{ output, net, ...(head === undefined ? {} : { head }), ...(real ? { real } : {}), pairs }];
  });
}

function verdict(real: Pull | undefined, fake: number, maker: Pull | undefined): Verdict {
  const r = typeof real === 'number' ? sideOf(real, fake) : undefined;
  if (r === 0) return 'cannot tell apart';
  if (typeof maker !== 'number') return 'open';
  const m = sideOf(maker, fake);
  if (m === 0 || (r !== undefined && m === -r)) return 'helps';
  return r !== undefined ? 'plays against' : 'open';
}

/** Where `v` lies from `from`: 1 above, -1 below, 0 the same. */
function sideOf(v: number, from: number): number {
  return v === from ? 0 : v > from ? 1 : -1;
}

/** The pull of several losses on the outputs `match` picks, with the first read of them that pulls. */
function pullAt(losses: readonly GameLoss[], match: (e: Expr) => boolean): PullAt | undefined {
  const each = losses.map((l) => ({ l, pull: pullOf(l.expr, match) }));
  const pull = combine(each.map((x) => x.pull));
  if (pull === undefined) return undefined;
  const first = each.find((x) => x.pull !== undefined)!;
  return { pull, read: firstMatch(first.l.expr, match)!, loss: first.l.loss };
}

/** A call of a network (or one of its heads), or one projected by dot(), with the networks its arguments call (through detach too). */
function readOf(e: Expr, networks: ReadonlySet<string>): Read | undefined {
  if (e.kind === 'call' && e.callee === 'dot' && e.args.length === 2) {
    for (const [read, by] of [[e.args[1]!, e.args[0]!], [e.args[0]!, e.args[1]!]]) {
      const inner = readOf(read, networks);
      if (inner === undefined || inner.projection !== undefined) continue;
      const projectors = [...new Set(termReaches(by, networks, { throughDetach: true }).map((m) => m.split('.')[0]!))].sort();
      return { ...inner, projection: projectors.join(', '), makers: [...new Set([...inner.makers, ...projectors])] };
    }
    return undefined;
  }
  const head = e.kind === 'member' ? e.name : undefined;
  const call = e.kind === 'member' ? e.object : e;
  if (call.kind !== 'call' || !networks.has(call.callee)) return undefined;
  const makers = call.args.flatMap((a) => termReaches(a, networks, { throughDetach: true })).map((m) => m.split('.')[0]!);
  return { net: call.callee, head, makers: [...new Set(makers)] };
}

/** Every network read of a loss, outside gradient penalties (their slopes are not a pull). */
function criticReads(e: Expr, networks: ReadonlySet<string>): Read[] {
  const out: Read[] = [];
  const walk = (x: Expr): void => {
    const read = readOf(x, networks);
    if (read) out.push(read);
    if (x.kind === 'member') return read ? children(x.object).forEach(walk) : walk(x.object);
    if (x.kind === 'call' && (x.callee === 'grad' || x.callee === 'gradient_penalty')) return;
    children(x).forEach(walk);
  };
  walk(e);
  return out;
}


/** The first subexpression, in reading order, that `match` picks. */
function firstMatch(e: Expr, match: (x: Expr) => boolean): Expr | undefined {
  if (match(e)) return e;
  for (const p of children(e)) {
    const found = firstMatch(p, match);
    if (found) return found;
  }
  return undefined;
}

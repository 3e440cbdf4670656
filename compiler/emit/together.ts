// Stage 6, emit (calls together): which calls of one network a tfjs loss makes as one batch. Where a
// loss calls a network more than once (the critic on fakes and on reals), the calls run as one
// batch along axis 0 (gs.applyTogether, runtime/ops/together.ts): one set of larger kernels
// instead of several small ones, the same values. Only a network whose every layer treats each
// example on its own joins (dropout draws per element; batch norm's batch statistics and spectral
// norm's power iteration per call would change), only calls in the same training mode, and only
// where no call reads another's result and the joined calls keep the statements in an order that
// computes each value before it is read. Imports the IR and lower/reach.ts only.
import type { NetworkIR, Stmt } from '../ir';
import { operands } from '../lower/reach';

/** The layer factories that compute each example from that example alone, whatever the mode. */
const PER_EXAMPLE = new Set([
  'dense',
  'conv2d',
  'conv2dTranspose',
  'upSampling2d',
  'activation',
  'leakyReLU',
  'dropout',
  'reshape',
  'flatten',
  'zeroPadding2d',
  'embedding',
  'instanceNormalization',
  'concatenate',
  'multiply',
  'add',
]);

type Apply = Stmt & { op: 'apply' };

/** Calls of one network made as one batch: `members` in statement order. */
export interface Together {
  id: string;
  net: string;
  training: boolean;
  heads: number;
  members: Apply[];
}

/** A statement, or calls made together, in the order a loss computes them. */
export type Row = { stmt: Stmt } | { together: Together };

/** Whether a network's calls may share a batch: every layer per example. */
const perExample = (net: NetworkIR): boolean => net.layers.every((l) => PER_EXAMPLE.has(l.factory));

/**
 * The statements of one loss as rows: each network call that can join an earlier call of the same
 * network (same training mode, not reading it, and leaving an order in which every value comes
 * before its readers) is made with it. Rows keep the statements' order where they can.
 */
export function callsTogether(stmts: readonly Stmt[], networks: readonly NetworkIR[]): Row[] {
  const joinable = new Set(networks.filter(perExample).map((n) => n.name));
  const groupOf = new Map<string, Apply[]>();
  const groups: Apply[][] = [];
  for (const s of stmts) {
    if (s.op !== 'apply' || !joinable.has(s.net)) continue;
    const fits = groups.find((g) => g[0].net === s.net && g[0].training === s.training && order(stmts, new Map([...groupOf, ...g.map((m) => [m.id, g] as const), [s.id, g]])) !== undefined);
    const group = fits ?? [];
    if (!fits) groups.push(group);
    group.push(s);
    for (const m of group) groupOf.set(m.id, group);
  }
  for (const g of groups) if (g.length < 2) groupOf.delete(g[0].id);
  const rows = order(stmts, groupOf);
  if (rows === undefined) throw new Error('internal error: calls made together left no order for the statements');
  return rows;
}

/**
 * The rows for a grouping: a statement becomes ready when what it reads is computed, a group when
 * what all its members read is (so never when one member reads another); among the ready rows the one whose first statement comes first
 * goes next. Undefined when the grouping leaves no order (one group waits on another that waits
 * on it).
 */
function order(stmts: readonly Stmt[], groupOf: ReadonlyMap<string, Apply[]>): Row[] | undefined {
  const nodes: { first: number; stmts: Stmt[]; group?: Apply[] }[] = [];
  const nodeOf = new Map<string, number>();
  const byGroup = new Map<Apply[], number>();
  stmts.forEach((s, i) => {
    const group = groupOf.get(s.id);
    const known = group && byGroup.get(group);
    if (known !== undefined) {
      nodes[known].stmts.push(s);
      nodeOf.set(s.id, known);
      return;
    }
    nodeOf.set(s.id, nodes.length);
    if (group) byGroup.set(group, nodes.length);
    nodes.push({ first: i, stmts: [s], group });
  });
  const done = new Set<number>();
  const rows: Row[] = [];
  let together = 0;
  while (done.size < nodes.length) {
    const next = nodes.findIndex((n, i) => !done.has(i) && n.stmts.every((s) => operands(s).every((o) => !nodeOf.has(o) || done.has(nodeOf.get(o)!))));
    if (next < 0) return undefined;
    done.add(next);
    const n = nodes[next];
    if (n.group === undefined || n.stmts.length < 2) rows.push({ stmt: n.stmts[0] });
    else {
      const members = n.stmts as Apply[];
      rows.push({ together: { id: `together${together++}`, net: members[0].net, training: members[0].training, heads: members[0].heads, members } });
    }
  }
  return rows;
}

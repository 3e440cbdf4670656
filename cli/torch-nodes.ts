// gan-train --target torch --nnodes N --node-rank R --master HOST:PORT: one run across N machines
// under torchrun's static rendezvous (node 0 hosts it at HOST:PORT). This file checks the three
// options and gives torchrun's arguments; cli/train-torch.ts starts a node. Node 0 is gan-train as
// on one machine (it locks and writes the run directory, evaluates, reports); every other node
// compiles the same spec, reads its own copy of the data and trains with node 0, touching no run
// directory: node 0's decisions (fresh run or resume, steps, batch, seed, the checkpoint's state)
// reach it over the process group (runtime-torch's loop.py). Imports runtime/errors only.
import { UserError } from '../runtime/errors';

export interface Nodes {
  count: number;
  /** This machine's place: 0 writes the run. */
  rank: number;
  host: string;
  port: number;
}

/** The machines of a run from gan-train's options; undefined for one machine. */
export function torchNodes(argv: { nnodes?: number; nodeRank?: number; master?: string }): Nodes | undefined {
  const count = argv.nnodes ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new UserError(`--nnodes must be a positive integer, got ${count}`);
  const rank = argv.nodeRank ?? 0;
  if (!Number.isInteger(rank) || rank < 0 || rank >= count) throw new UserError(`--node-rank must be an integer from 0 to ${count - 1} (--nnodes ${count}), got ${rank}`);
  if (count === 1) {
    if (argv.master !== undefined) throw new UserError('--master names node 0 of a run on several machines: give --nnodes too');
    return undefined;
  }
  if (argv.master === undefined) throw new UserError(`--nnodes ${count} needs --master HOST:PORT, node 0's address and a free port there, the same on every node`);
  const found = /^(.+):(\d{1,5})$/.exec(argv.master);
  const port = found ? Number(found[2]) : 0;
  if (!found || port < 1 || port > 65535) throw new UserError(`--master must be HOST:PORT (a port from 1 to 65535), got '${argv.master}'`);
  return { count, rank, host: found[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

/** torchrun's options for the machines: its static rendezvous at node 0, or one machine alone. */
export function rendezvousArgs(nodes: Nodes | undefined): string[] {
  if (nodes === undefined) return ['--standalone'];
  return ['--nnodes', String(nodes.count), '--node_rank', String(nodes.rank), '--master_addr', nodes.host, '--master_port', String(nodes.port)];
}

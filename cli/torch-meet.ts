// The nodes of a run on several machines (gan-train --nnodes) meet before torchrun starts: node 0's
// gan-train listens at --master's port, every other one connects (trying again until node 0 is
// up) and says which module it compiled, with how many processes and on which device; node 0
// answers them all once every node has come, or names the first difference, which stops every
// node. The wait lasts until the last node starts and is gan-train's own, so a Ctrl-C ends it at
// once (nothing was written yet); torchrun, started next at the same port, then finds every node
// there, and its own wait for them (which no signal interrupts) is short. The other nodes close
// the connections, so that node 0's torchrun can listen at the port at once. Imports node:net,
// runtime/errors, runtime/run-lock and cli/torch-nodes only.
import { connect, createServer, type Socket } from 'node:net';
import { UserError } from '../runtime/errors';
import { SIGNAL_EXIT_CODES } from '../runtime/run-lock';
import type { Nodes } from './torch-nodes';

/** How long the nodes wait for each other (torchrun's static rendezvous waits as long). */
export const MEET_TIMEOUT_S = 600;

/** What each node tells node 0; they must agree. */
export interface NodeHello {
  /** The PyTorch module the node compiled, by its identity (run-dir.ts moduleIdentity: its spec may lie elsewhere on each machine). */
  module: string;
  nproc: number;
  device: string;
}

interface Message extends Partial<NodeHello> {
  node?: number;
  error?: string;
  go?: boolean;
}

/** One JSON line at a time from a socket. */
function onLines(socket: Socket, take: (message: Message) => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        take(JSON.parse(line) as Message);
      } catch {
        socket.destroy(); // not a gan-train
      }
    }
  });
}

const send = (socket: Socket, message: Message) => socket.write(`${JSON.stringify(message)}\n`);

function stoppedError(stop: AbortSignal): UserError {
  const signal = String(stop.reason);
  return new UserError(`stopped by ${signal} while the nodes met, before the run began: nothing was written`, { exitCode: SIGNAL_EXIT_CODES[signal] ?? 1 });
}

/** How `theirs` differs from node 0's `mine`, as the end of a sentence; undefined when alike. */
function difference(mine: NodeHello, theirs: Message): string | undefined {
  if (theirs.module !== mine.module) return 'compiled another PyTorch module than node 0: start every node with the same spec, --set and ganspec version';
  if (theirs.nproc !== mine.nproc) return `runs --nproc ${theirs.nproc}, node 0 --nproc ${mine.nproc}: give every node the same`;
  if (theirs.device !== mine.device) return `trains on --device ${theirs.device}, node 0 on ${mine.device}: give every node the same`;
  return undefined;
}

/** Node 0: waits until every other node has come and agrees with it, then lets them go. */
function host(nodes: Nodes, mine: NodeHello, stop: AbortSignal | undefined, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const came = new Map<number, Socket>();
    const server = createServer((socket) => {
      socket.on('error', () => {}); // a node that goes away frees its place (below)
      socket.on('close', () => {
        for (const [node, s] of came) if (s === socket && !done) came.delete(node);
      });
      onLines(socket, (hello) => {
        const node = hello.node;
        if (typeof node !== 'number' || !Number.isInteger(node) || node < 1 || node >= nodes.count) {
          send(socket, { error: `node 0 expects nodes 1 to ${nodes.count - 1} (--nnodes ${nodes.count}), not --node-rank ${String(node)}` });
          socket.end();
          return;
        }
        if (came.has(node)) {
          send(socket, { error: `node ${node} has come already: give each node its own --node-rank` });
          socket.end();
          return;
        }
        const differs = difference(mine, hello);
        if (differs !== undefined) {
          finish(new UserError(`node ${node} ${differs}`), [...came.values(), socket]);
          return;
        }
        came.set(node, socket);
        log(`node ${node} came (${came.size + 1} of ${nodes.count} nodes)`);
        if (came.size === nodes.count - 1) finish(undefined, [...came.values()]);
      });
    });
    let done = false;
    // Told the outcome, the other nodes close their connections; the port is free once they have.
    const finish = (err: UserError | undefined, told: Socket[] = [...came.values()], tell = err?.message) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
      for (const socket of told) send(socket, tell !== undefined ? { error: tell } : { go: true });
      server.close(() => (err ? reject(err) : resolve()));
      // Sockets that do not close within a moment are closed here (a stopped node's, say).
      setTimeout(() => told.forEach((s) => s.destroy()), 2000).unref();
    };
    const onStop = () => {
      const err = stoppedError(stop!);
      finish(err, undefined, `node 0 was ${err.message}`);
    };
    const timer = setTimeout(() => finish(new UserError(`${came.size + 1} of ${nodes.count} nodes came to port ${nodes.port} within ${MEET_TIMEOUT_S} s: start each other node with its --node-rank and --master ${nodes.host}:${nodes.port}`)), MEET_TIMEOUT_S * 1000);
    if (stop?.aborted) {
      onStop();
      return;
    }
    stop?.addEventListener('abort', onStop);
    server.on('error', (err: NodeJS.ErrnoException) =>
      finish(new UserError(`cannot wait for the other nodes at port ${nodes.port} (${err.code ?? err.message}): give --master a free port of this machine`), []));
    server.listen(nodes.port, () => log(`waiting for the other ${nodes.count - 1} node${nodes.count > 2 ? 's' : ''} at port ${nodes.port} (up to ${MEET_TIMEOUT_S / 60} min)`));
  });
}

/** A node other than 0: comes to node 0 (trying again until it listens) and waits for its answer. */
function join(nodes: Nodes, mine: NodeHello, stop: AbortSignal | undefined, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + MEET_TIMEOUT_S * 1000;
    let socket: Socket | undefined;
    let retry: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (err?: UserError) => {
      if (done) return;
      done = true;
      clearTimeout(retry);
      stop?.removeEventListener('abort', onStop);
      socket?.destroy();
      if (err) reject(err);
      else resolve();
    };
    const onStop = () => finish(stoppedError(stop!));
    const attempt = () => {
      let connected = false;
      socket = connect(nodes.port, nodes.host);
      socket.on('connect', () => {
        connected = true;
        send(socket!, { node: nodes.rank, ...mine });
      });
      onLines(socket, (answer) => finish(answer.error !== undefined ? new UserError(answer.error) : undefined));
      socket.on('error', () => {}); // 'close' follows
      socket.on('close', () => {
        if (done) return;
        if (connected) return finish(new UserError(`node 0 at ${nodes.host}:${nodes.port} went away before the run began`));
        if (Date.now() > deadline) return finish(new UserError(`node 0 did not come to ${nodes.host}:${nodes.port} within ${MEET_TIMEOUT_S} s: start it (--node-rank 0) with the same --master`));
        retry = setTimeout(attempt, 500);
      });
    };
    if (stop?.aborted) {
      onStop();
      return;
    }
    stop?.addEventListener('abort', onStop);
    log(`waiting for node 0 at ${nodes.host}:${nodes.port} (up to ${MEET_TIMEOUT_S / 60} min)`);
    attempt();
  });
}

/** Every node of `nodes` has come and agrees with node 0 (rejects with a UserError otherwise). */
export function meetNodes(nodes: Nodes, mine: NodeHello, stop: AbortSignal | undefined, log: (line: string) => void): Promise<void> {
  return nodes.rank === 0 ? host(nodes, mine, stop, log) : join(nodes, mine, stop, log);
}

// The meeting of the nodes of a run on several machines before torchrun starts (cli/torch-meet.ts),
// with every node in this process on 127.0.0.1: every node goes once all have come (node 0 started
// last too), a node that differs from node 0 (module, --nproc, --device) or repeats a
// --node-rank is refused in one line on every node concerned, node 0 stopping stops the others,
// a stop while waiting ends the wait at once with exit code 130, the port free again, and a port
// node 0 cannot listen at is refused in one line.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { meetNodes, type NodeHello } from '../cli/torch-meet';
import type { Nodes } from '../cli/torch-nodes';
import { UserError } from '../runtime/errors';
import { freePort } from './helpers';

const HELLO: NodeHello = { module: 'a'.repeat(64), nproc: 2, device: 'cpu' };

const closed = (server: Server) => new Promise<void>((done) => {
  server.close(() => done());
});

const nodes = (port: number, count: number, rank: number): Nodes => ({ count, rank, host: '127.0.0.1', port });

/** What a meeting settles to: 'go', or the UserError's message and exit code. */
async function outcome(meeting: Promise<void>): Promise<string> {
  try {
    await meeting;
    return 'go';
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    return `${err.exitCode} ${err.message}`;
  }
}

test('three nodes meet whichever starts first, node 0 last here, and each goes; node 0 says who came; the port is free after', async () => {
  const port = await freePort();
  const lines: string[] = [];
  const others = [1, 2].map((rank) => outcome(meetNodes(nodes(port, 3, rank), HELLO, undefined, (l) => lines.push(`${rank}: ${l}`))));
  await delay(700); // the others try again until node 0 listens
  const host = outcome(meetNodes(nodes(port, 3, 0), HELLO, undefined, (l) => lines.push(`0: ${l}`)));
  assert.deepEqual(await Promise.all([host, ...others]), ['go', 'go', 'go']);
  assert.ok(lines.includes(`1: waiting for node 0 at 127.0.0.1:${port} (up to 10 min)`), lines.join('\n'));
  assert.ok(lines.includes(`0: waiting for the other 2 nodes at port ${port} (up to 10 min)`), lines.join('\n'));
  assert.deepEqual(lines.filter((l) => / came /.test(l)).map((l) => l.replace(/node \d/, 'node N')), ['0: node N came (2 of 3 nodes)', '0: node N came (3 of 3 nodes)']);
  // torchrun listens at the same port next.
  const torchrun = createServer();
  await new Promise<void>((done, fail) => {
    torchrun.once('error', fail);
    torchrun.listen(port, done);
  });
  await closed(torchrun);
});

test('a node that differs from node 0 stops both with one line naming the difference', async () => {
  for (const [theirs, said] of [
    [{ ...HELLO, module: 'b'.repeat(64) }, 'node 1 compiled another PyTorch module than node 0: start every node with the same spec, --set and ganspec version'],
    [{ ...HELLO, nproc: 4 }, 'node 1 runs --nproc 4, node 0 --nproc 2: give every node the same'],
    [{ ...HELLO, device: 'cuda' }, 'node 1 trains on --device cuda, node 0 on cpu: give every node the same'],
  ] as const) {
    const port = await freePort();
    const host = outcome(meetNodes(nodes(port, 2, 0), HELLO, undefined, () => {}));
    const other = outcome(meetNodes(nodes(port, 2, 1), theirs, undefined, () => {}));
    assert.deepEqual(await Promise.all([host, other]), [`1 ${said}`, `1 ${said}`]);
  }
});

test('a --node-rank that came already, or beyond --nnodes, is refused on that node alone; node 0 keeps waiting for the right one', async () => {
  const port = await freePort();
  const lines: string[] = [];
  const host = outcome(meetNodes(nodes(port, 3, 0), HELLO, undefined, (l) => lines.push(l)));
  const first = outcome(meetNodes(nodes(port, 3, 1), HELLO, undefined, () => {}));
  while (!lines.some((l) => l.startsWith('node 1 came'))) await delay(20);
  assert.equal(await outcome(meetNodes(nodes(port, 3, 1), HELLO, undefined, () => {})), '1 node 1 has come already: give each node its own --node-rank');
  assert.equal(await outcome(meetNodes(nodes(port, 5, 4), HELLO, undefined, () => {})), '1 node 0 expects nodes 1 to 2 (--nnodes 3), not --node-rank 4');
  const second = outcome(meetNodes(nodes(port, 3, 2), HELLO, undefined, () => {}));
  assert.deepEqual(await Promise.all([host, first, second]), ['go', 'go', 'go']);
});

test('a stop while the nodes wait ends the wait at once with exit code 130; node 0 stopping stops the nodes that came', async () => {
  const port = await freePort();
  const stop0 = new AbortController();
  const host = outcome(meetNodes(nodes(port, 3, 0), HELLO, stop0.signal, () => {}));
  const other = outcome(meetNodes(nodes(port, 3, 1), HELLO, undefined, () => {}));
  await delay(500);
  const began = Date.now();
  stop0.abort('SIGINT');
  const stopped = 'stopped by SIGINT while the nodes met, before the run began: nothing was written';
  assert.deepEqual(await Promise.all([host, other]), [`130 ${stopped}`, `1 node 0 was ${stopped}`]);
  assert.ok(Date.now() - began < 1000, `the wait ended ${Date.now() - began} ms after the stop`);
  // A node waiting for a node 0 that is not there stops at once too (SIGTERM: 143).
  const stop1 = new AbortController();
  const waiting = outcome(meetNodes(nodes(await freePort(), 2, 1), HELLO, stop1.signal, () => {}));
  await delay(300);
  stop1.abort('SIGTERM');
  assert.equal(await waiting, '143 stopped by SIGTERM while the nodes met, before the run began: nothing was written');
});

test('node 0 refuses a --master port it cannot listen at in one line', async () => {
  const taken = createServer();
  await new Promise<void>((done) => {
    taken.listen(0, done);
  });
  const { port } = taken.address() as { port: number };
  try {
    assert.equal(await outcome(meetNodes(nodes(port, 2, 0), HELLO, undefined, () => {})), `1 cannot wait for the other nodes at port ${port} (EADDRINUSE): give --master a free port of this machine`);
  } finally {
    await closed(taken);
  }
});

// gan-train --target torch on several machines (--nnodes 2 --node-rank R --master HOST:PORT), as two
// gan-train processes on this one, each with its own folder as a second machine would have: the
// run trains what one process does (losses within 1e-6), node 1 writes nothing, a --resume continues
// though node 1 holds no checkpoint, a Ctrl-C on node 1 stops every node after the same step (node 0
// saves it; both exit 130), so does a SIGKILL of node 1's gan-train (node 0 exits 143), a node
// started with another spec, with other images or with none is refused on both, nothing written (a
// spec in another folder on each is the same spec), and a stop while a node waits for the others
// ends it in one line; node 1's Python killed is one line on each node.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { finished, freePort, lossRecords, runCli, tinyFolderSpec, until, untilTrained, type Run } from './helpers';
import { torchTest } from './torch-runtime';

const RING = 'test/fixtures/torch/tiny-ring.yaml';
const dir = mkdtempSync(join(tmpdir(), 'ganspec-torch-nodes-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ENV = { ...process.env, GANSPEC_BACKEND: 'cpu', OMP_NUM_THREADS: '1' };

/** gan-train as node `rank` of 2 (in its own process group, as a terminal's job), into `out`. */
function node(rank: number, port: number, out: string, args: string[], spec = RING) {
  const child = spawn(process.execPath, [join('bin', 'gan-train.js'), spec, '--target', 'torch', '--no-report', '--nnodes', '2', '--node-rank', String(rank),
    '--master', `127.0.0.1:${port}`, '--out', out, ...args], { env: ENV, detached: true });
  return { child, done: finished(child) };
}

/** Both nodes, node 1 started first (with `other` arguments after `args`, and its own spec); their runs. */
async function bothNodes(args: string[], other: string[] = [], specs: [string, string] = [RING, RING]): Promise<[Run, Run]> {
  const port = await freePort();
  const one = node(1, port, join(dir, 'node-1'), [...args, ...other], specs[1]);
  await delay(300);
  const zero = node(0, port, join(dir, 'run'), args, specs[0]);
  return Promise.all([zero.done, one.done]);
}

function assertLossesClose(a: Record<string, number>[], b: Record<string, number>[]): void {
  assert.equal(a.length, b.length);
  a.forEach((r, i) => {
    for (const phase of ['D', 'G']) assert.ok(Math.abs(r[phase]! - b[i]![phase]!) <= 1e-6, `step ${r.step} ${phase}: ${r[phase]} on 2 nodes, ${b[i]![phase]} in 1 process`);
  });
}

torchTest('2 nodes of 1 process train what 1 process does, node 1 writing nothing; a --resume continues though node 1 has no checkpoint', async () => {
  const one = join(dir, 'one');
  assert.equal(runCli('gan-train', [RING, '--target', 'torch', '--no-report', '--out', one, '--steps', '6'], { GANSPEC_BACKEND: 'cpu' }).status, 0);

  const [zero, other] = await bothNodes(['--steps', '4']);
  assert.equal(zero.status, 0, zero.stderr);
  assert.equal(other.status, 0, other.stderr);
  assert.match(zero.stdout, /^node 1 came \(2 of 2 nodes\)$/m);
  assert.match(other.stdout, /^done: node 1 trained to step 4 at \d+ ms\/step; node 0 wrote the run$/m);
  assert.match(other.stdout, new RegExp(`^node 1 leaves --steps 4, --out ${join(dir, 'node-1')}, --no-report to node 0, which acts on them for every node$`, 'm'));
  const run = join(dir, 'run');
  assertLossesClose(lossRecords(run), lossRecords(one).slice(0, 4));
  assert.ok(!existsSync(join(dir, 'node-1')), 'node 1 wrote nothing');
  const info = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as { nproc: number; nnodes: number; backend: string };
  assert.deepEqual([info.nproc, info.nnodes, info.backend], [1, 2, 'torch-cpu x2']);

  const [zero2, other2] = await bothNodes(['--steps', '6', '--resume']);
  assert.equal(zero2.status, 0, zero2.stderr);
  assert.equal(other2.status, 0, other2.stderr);
  assert.match(zero2.stdout, /resumed from .*step-000004 at step 4/);
  assertLossesClose(lossRecords(run), lossRecords(one));
  assert.ok(!existsSync(join(dir, 'node-1')), 'node 1 wrote nothing');
});

for (const [how, kill, code] of [['a Ctrl-C on node 1', 'SIGINT', 130], ["a SIGKILL of node 1's gan-train", 'SIGKILL', 143]] as const) {
  torchTest(`${how} stops both nodes after the same step: node 0 saves it, and exits ${code}`, async () => {
    const port = await freePort();
    const run = join(dir, `stopped-${kill}`);
    const one = node(1, port, join(dir, 'node-1'), ['--steps', '100000']);
    const zero = node(0, port, run, ['--steps', '100000']);
    // 20 steps written, then the signal to node 1 alone: a Ctrl-C reaches its process group;
    // SIGKILL gan-train alone, whose torchrun then has a SIGTERM.
    await untilTrained(run, 20, 120_000);
    if (kill === 'SIGINT') process.kill(-one.child.pid!, 'SIGINT');
    else one.child.kill('SIGKILL');
    const [r0, r1] = await Promise.all([zero.done, one.done]);
    const reason = kill === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
    assert.equal(r0.status, code, r0.stderr);
    const step = Number(new RegExp(`^stopped by ${reason} at step (\\d+) of 100000; checkpoint .*step-\\d{6}: continue with --resume$`, 'm').exec(r0.stdout)?.[1]);
    assert.ok(step >= 20, r0.stdout);
    if (kill === 'SIGINT') {
      assert.equal(r1.status, 130, r1.stderr);
      assert.match(r1.stdout, new RegExp(`^stopped by SIGINT at step ${step} of 100000; node 0 wrote the checkpoint$`, 'm'));
    } else {
      assert.equal(r1.status, null, 'node 1 was killed');
    }
    assert.deepEqual(JSON.parse(readFileSync(join(run, 'checkpoints', 'latest'), 'utf8')), { checkpoint: `step-${String(step).padStart(6, '0')}`, step });
    assert.equal(lossRecords(run).at(-1)!.step, step);
  });
}

torchTest("node 1's Python killed with SIGKILL: node 1 says so, node 0 that it lost the connection, in one line each, exit 1", async () => {
  const port = await freePort();
  const run = join(dir, 'lost');
  const one = node(1, port, join(dir, 'node-1'), ['--steps', '100000']);
  const zero = node(0, port, run, ['--steps', '100000']);
  await untilTrained(run, 20, 120_000);
  // Node 1's worker: the child of its torchrun, which is gan-train's child.
  const children = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').map(Number);
  process.kill(children(children(one.child.pid!)[0]!)[0]!, 'SIGKILL');
  const [r0, r1] = await Promise.all([zero.done, one.done]);
  assert.deepEqual([r1.status, r1.stderr], [1, "gan-train: PyTorch's training process ended by SIGKILL (the out-of-memory killer, or a kill): node 0 keeps the run\n"]);
  assert.deepEqual([r0.status, r0.stderr], [1, 'gan-train: lost the connection to another training process (it ended, or its machine went away): the run keeps what was written; continue it with --resume\n']);
  assert.ok(JSON.parse(readFileSync(join(run, 'checkpoints', 'latest'), 'utf8')).step >= 18);
});

torchTest('a node started with another spec is refused on both nodes in one line, before anything is written', async () => {
  rmSync(join(dir, 'run'), { recursive: true, force: true });
  const [zero, other] = await bothNodes(['--steps', '4'], ['--set', 'networks.G.layers.0.dense.units=16']);
  const said = 'gan-train: node 1 compiled another PyTorch module than node 0: start every node with the same spec, --set and ganspec version\n';
  assert.deepEqual([zero.status, zero.stderr, other.status, other.stderr], [1, said, 1, said]);
  assert.deepEqual(existsSync(join(dir, 'run')) ? readdirSync(join(dir, 'run')) : [], []);
});

torchTest('nodes whose spec lies in another folder train together; one whose images differ by a pixel, or that has none, is refused on both in one line, nothing written', async () => {
  rmSync(join(dir, 'run'), { recursive: true, force: true });
  const specs: [string, string] = [await tinyFolderSpec(join(dir, 'machine-0'), 0), await tinyFolderSpec(join(dir, 'machine-1'), 0)];
  const [zero, other] = await bothNodes([], [], specs);
  assert.equal(zero.status, 0, zero.stderr);
  assert.equal(other.status, 0, other.stderr);
  assert.match(other.stdout, /^done: node 1 trained to step 2 at \d+ ms\/step; node 0 wrote the run$/m);

  rmSync(join(dir, 'run'), { recursive: true, force: true });
  await tinyFolderSpec(join(dir, 'machine-1'), 1);
  const [zero2, other2] = await bothNodes(['--quiet'], [], specs);
  const said = 'gan-train: node 1 read other training data than node 0 (data.source folder, data.path images): give every node the same files\n';
  assert.deepEqual([zero2.status, zero2.stderr, other2.status, other2.stderr], [1, said, 1, said]);
  assert.deepEqual(existsSync(join(dir, 'run')) ? readdirSync(join(dir, 'run')) : [], []);

  // A node without the data: its line on every node, node 0's naming it.
  rmSync(join(dir, 'machine-1', 'images'), { recursive: true });
  const [zero3, other3] = await bothNodes(['--quiet'], [], specs);
  const missing = `${join(dir, 'machine-1', 'images')}: folder not found`;
  assert.deepEqual([zero3.status, zero3.stderr, other3.status, other3.stderr], [1, `gan-train: node 1: ${missing}\n`, 1, `gan-train: ${missing}\n`]);
  assert.deepEqual(existsSync(join(dir, 'run')) ? readdirSync(join(dir, 'run')) : [], []);
});

torchTest('a Ctrl-C or kill while a node waits for the others ends it in one line, exit 130 or 143, without the line of a stop after a step', async () => {
  rmSync(join(dir, 'run'), { recursive: true, force: true });
  for (const [rank, signal] of [[0, 'SIGINT'], [1, 'SIGTERM']] as const) {
    const alone = node(rank, await freePort(), join(dir, rank === 0 ? 'run' : 'node-1'), []);
    let out = '';
    alone.child.stdout.on('data', (s: string) => (out += s));
    await until(() => /^waiting for /m.test(out), 60_000, () => `node ${rank} never waited: ${out}`);
    process.kill(-alone.child.pid!, signal);
    const r = await alone.done;
    assert.equal(r.status, signal === 'SIGINT' ? 130 : 143, r.stderr);
    assert.equal(r.stderr, `gan-train: stopped by ${signal} while the nodes met, before the run began: nothing was written\n`);
    assert.doesNotMatch(r.stdout, /stopping/);
  }
  assert.deepEqual(readdirSync(join(dir, 'run')), [], 'node 0 wrote nothing');
  assert.ok(!existsSync(join(dir, 'node-1')), 'node 1 wrote nothing');
});

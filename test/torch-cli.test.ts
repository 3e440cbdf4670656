// gan-train --target torch's refusals, each one line before anything is compiled for torch or
// written: the TensorFlow.js loop's --backend, a module instead of a spec, --nproc/--device and
// the machines' options without --target torch, malformed machines' options, and a batch that
// --nproc (times --nnodes) does not divide. And the signal read off torchrun's report of a failed
// worker, in the report's order of torch 1.13 and of torch 2.11.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../cli/train';
import { trainTorch, workerSignal } from '../cli/train-torch';
import { UserError } from '../runtime/errors';

const dir = mkdtempSync(join(tmpdir(), 'ganspec-torch-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SPEC = 'test/fixtures/torch/tiny-ring.yaml';

async function refusal(args: string[]): Promise<string> {
  try {
    await main(args, () => {});
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    return err.message;
  }
  throw new Error('gan-train did not refuse');
}

test('gan-train --target torch refuses --backend and a module; --nproc and --device need --target torch', async () => {
  const out = join(dir, 'run');
  assert.equal(await refusal([SPEC, '--target', 'torch', '--backend', 'cpu', '--out', out]), '--backend chooses a TensorFlow.js backend: with --target torch use --device cpu|cuda');
  assert.equal(await refusal(['generated/ring.ts', '--target', 'torch', '--out', out]), '--target torch compiles a spec: give the spec, not a TypeScript module');
  assert.equal(await refusal([SPEC, '--nproc', '2', '--out', out]), '--nproc goes with --target torch');
  assert.equal(await refusal([SPEC, '--device', 'cuda', '--out', out]), '--device goes with --target torch');
  assert.equal(await refusal([SPEC, '--nnodes', '2', '--master', 'h:1', '--out', out]), '--nnodes goes with --target torch');
  assert.deepEqual(readdirSync(dir), []);
});

test('gan-train --target torch: --nnodes, --node-rank and --master are checked in one line each, before anything is written', async () => {
  const out = join(dir, 'run');
  const torch = [SPEC, '--target', 'torch', '--out', out];
  assert.equal(await refusal([...torch, '--nnodes', '2']), '--nnodes 2 needs --master HOST:PORT, node 0\'s address and a free port there, the same on every node');
  assert.equal(await refusal([...torch, '--nnodes', '0']), '--nnodes must be a positive integer, got 0');
  assert.equal(await refusal([...torch, '--nnodes', '2', '--node-rank', '2', '--master', 'h:29500']), '--node-rank must be an integer from 0 to 1 (--nnodes 2), got 2');
  assert.equal(await refusal([...torch, '--nnodes', '2', '--master', 'h']), "--master must be HOST:PORT (a port from 1 to 65535), got 'h'");
  assert.equal(await refusal([...torch, '--nnodes', '2', '--master', 'h:70000']), "--master must be HOST:PORT (a port from 1 to 65535), got 'h:70000'");
  assert.equal(await refusal([...torch, '--master', 'h:29500']), '--master names node 0 of a run on several machines: give --nnodes too');
  assert.deepEqual(readdirSync(dir), []);
});

test('gan-train --target torch: a batch --nproc (times --nnodes) does not divide is refused in one line, before Python starts', async () => {
  const launch = { runInfo: {}, provenance: {}, spec: {}, settings: {}, command: [] };
  const opts = { spec: SPEC, data: { source: 'ring' as const, image: [1, 1, 2] as [number, number, number], range: [-1, 1] as [number, number] }, set: [], strict: false, runDir: join(dir, 'run'), dataDir: '.', steps: 1, batch: 8, seed: 0, resume: false, device: 'cpu' as const, launch, files: {}, log: () => {} };
  await assert.rejects(
    trainTorch({ ...opts, nproc: 3 }),
    new UserError('batch 8 cannot be split across 3 processes: the spec\'s batch is the global batch, so it must be divisible by --nproc'),
  );
  await assert.rejects(
    trainTorch({ ...opts, nproc: 2, nodes: { count: 3, rank: 0, host: '127.0.0.1', port: 29500 } }),
    new UserError('batch 8 cannot be split across 6 processes (--nproc 2 on each of 3 nodes): the spec\'s batch is the global batch, so it must be divisible by --nproc times --nnodes'),
  );
  assert.deepEqual(readdirSync(dir), []);
});

/** The failures of torchrun's report as it printed them when worker rank 1 was killed with SIGKILL (time, host, error_file cut). */
const REPORTS = {
  'torch 1.13 (Debian)': ['Failures:', '[1]:', '  rank      : 1 (local_rank: 1)', '  exitcode  : -9 (pid: 11491)', '  traceback : Signal 9 (SIGKILL) received by PID 11491',
    'Root Cause (first observed failure):', '[0]:', '  rank      : 0 (local_rank: 0)', '  exitcode  : 1 (pid: 11490)', '  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html'],
  'torch 2.11 (an H200 machine)': ['Failures:', '[1]:', '  rank      : 0 (local_rank: 0)', '  exitcode  : -15 (pid: 701)', '  traceback : Signal 15 (SIGTERM) received by PID 701',
    'Root Cause (first observed failure):', '[0]:', '  rank      : 1 (local_rank: 1)', '  exitcode  : -9 (pid: 702)', '  traceback : Signal 9 (SIGKILL) received by PID 702'],
};

test("torchrun's report of a killed worker gives SIGKILL, not the SIGTERM torchrun sent the others, whichever it lists first", () => {
  for (const [torch, lines] of Object.entries(REPORTS)) {
    assert.deepEqual(lines.map(workerSignal).filter((s) => s !== undefined), ['SIGKILL'], torch);
  }
  assert.equal(workerSignal('  traceback : Signal 11 (SIGSEGV) received by PID 6175'), 'SIGSEGV');
  assert.equal(workerSignal('  traceback : Signal 2 (SIGINT) received by PID 6175'), undefined);
});

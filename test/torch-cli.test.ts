// gan-train --target torch's refusals, each one line before anything is compiled for torch or
// written: the TensorFlow.js loop's --backend, a module instead of a
// spec, --nproc/--device without --target torch, and a batch that --nproc does not divide.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../cli/train';
import { trainTorch } from '../cli/train-torch';
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
  assert.deepEqual(readdirSync(dir), []);
});

test('gan-train --target torch: a batch --nproc does not divide is refused in one line, before Python starts', async () => {
  const launch = { runInfo: {}, provenance: {}, spec: {}, settings: {}, command: [] };
  await assert.rejects(
    trainTorch({ spec: SPEC, set: [], strict: false, runDir: join(dir, 'run'), dataDir: '.', steps: 1, batch: 8, seed: 0, resume: false, nproc: 3, device: 'cpu', launch, files: {} }),
    new UserError('batch 8 cannot be split across 3 processes: the spec\'s batch is the global batch, so it must be divisible by --nproc'),
  );
  assert.deepEqual(readdirSync(dir), []);
});

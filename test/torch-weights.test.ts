// The torch modules list each network's weights exactly as tfjs does: for every spec and
// variant, the generated torch networks' gs.tfjs_weights names and shapes (tfjs layout) equal
// the tfjs networks' model.weights (originalName, shape), in order, branching networks (CGAN,
// ACGAN, InfoGAN, CycleGAN, projection) included; and a checkpoint written by gan-train (a
// tiny run, 2 steps, a checkpoint every step) lists the same weights in its model.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectSpecs, runCli, tempDir, useBackend } from './helpers';
import { importTrainer } from '../runtime/trainer-module';
import { runPython, torchTest } from './torch-runtime';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

/** name -> [weight name and shape] per network, from the torch module (built on the CPU). */
function torchWeights(python: string, module: string): Record<string, [string, number[]][]> {
  const script = [
    'import importlib.util, json, sys',
    'import ganspec_torch as gs',
    'spec = importlib.util.spec_from_file_location("m", sys.argv[1]); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
    'model = gs.build(m.TRAINER, 0)',
    'print(json.dumps({n: [[w, list(t.shape)] for w, t in gs.tfjs_weights(net)] for n, net in model.nets.items()}))',
  ].join('\n');
  const r = runPython(python, ['-c', script, module]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, [string, number[]][]>;
}

torchTest('every spec: the torch networks list tfjs model.weights names and shapes in tfjs order', async (python) => {
  await useBackend('cpu');
  for (const { spec, generated } of projectSpecs()) {
    const name = spec.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
    const trainer = await importTrainer(join(generated, `${name}.ts`));
    const torch = torchWeights(python, join(generated.replace(/^generated/, 'generated-torch'), `${name}.py`));
    for (const [net, build] of Object.entries(trainer.networks)) {
      const model = build();
      const tfjs = model.weights.map((w) => [w.originalName, w.shape]);
      model.dispose();
      assert.deepEqual(torch[net], tfjs, `${spec}: network ${net}`);
    }
  }
});

torchTest("a gan-train checkpoint's model.json lists the torch network's weights, names and shapes in order", (python) => {
  const dir = tempDir('torch-ckpt');
  const r = runCli('gan-train', ['specs/cgan.yaml', '--steps', '2', '--batch', '2', '--out', dir, '--set', 'checkpoint.every=1', '--no-report', '--quiet', '--backend', 'cpu']);
  assert.equal(r.status, 0, r.stderr);
  const torch = torchWeights(python, 'generated-torch/cgan.py');
  for (const net of ['G', 'D']) {
    const manifest = JSON.parse(readFileSync(join(dir, 'checkpoints', 'step-000002', net, 'model.json'), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
    const written = manifest.weightsManifest.flatMap((g) => g.weights.map((w) => [w.name, w.shape]));
    assert.deepEqual(torch[net], written, `network ${net}`);
  }
});

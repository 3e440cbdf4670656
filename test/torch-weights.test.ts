// The torch modules list each network's weights exactly as tfjs does: for every spec and
// variant, the generated torch networks' gs.tfjs_weights names and shapes (tfjs layout) equal
// the tfjs networks' model.weights (originalName, shape), in order, branching networks (CGAN,
// ACGAN, InfoGAN, CycleGAN, projection) included; and a checkpoint written by gan-train (a
// tiny run, 1 step, on wasm) lists the same weights in its model.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectSpecs, runCli, tempDir, useBackend } from './helpers';
import { importTrainer } from '../runtime/trainer-module';
import { runPython, torchTest } from './torch-runtime';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

type Listing = Record<string, [string, number[]][]>;
/** What torchWeights read, by module path: the second test reuses the first's cgan listing (one torch import fewer). */
const listed = new Map<string, Listing>();

/** Per module: name -> [weight name and shape] per network, from the torch module (built on the CPU); one Python process for all. */
function torchWeights(python: string, modules: string[]): Listing[] {
  if (modules.every((m) => listed.has(m))) return modules.map((m) => listed.get(m)!);
  const script = [
    'import importlib.util, json, sys',
    'import ganspec_torch as gs',
    'out = []',
    'for i, path in enumerate(sys.argv[1:]):',
    '    spec = importlib.util.spec_from_file_location(f"m{i}", path); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
    '    model = gs.build(m.TRAINER, 0)',
    '    out.append({n: [[w, list(t.shape)] for w, t in gs.tfjs_weights(net)] for n, net in model.nets.items()})',
    'print(json.dumps(out))',
  ].join('\n');
  const r = runPython(python, ['-c', script, ...modules]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Listing[];
  modules.forEach((m, i) => listed.set(m, out[i]!));
  return out;
}

torchTest('every spec: the torch networks list tfjs model.weights names and shapes in tfjs order', async (python) => {
  await useBackend('cpu');
  const specs = projectSpecs().map(({ spec, generated }) => ({ spec, generated, name: spec.replace(/^.*\//, '').replace(/\.ya?ml$/, '') }));
  const all = torchWeights(python, specs.map(({ generated, name }) => join(generated.replace(/^generated/, 'generated-torch'), `${name}.py`)));
  assert.equal(all.length, specs.length);
  for (const [i, { spec, generated, name }] of specs.entries()) {
    const trainer = await importTrainer(join(generated, `${name}.ts`));
    const torch = all[i]!;
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
  const r = runCli('gan-train', ['specs/cgan.yaml', '--steps', '1', '--batch', '2', '--out', dir, '--set', 'checkpoint.every=1', '--no-report', '--quiet', '--backend', 'wasm']);
  assert.equal(r.status, 0, r.stderr);
  const [torch] = torchWeights(python, ['generated-torch/cgan.py']);
  for (const net of ['G', 'D']) {
    const manifest = JSON.parse(readFileSync(join(dir, 'checkpoints', 'step-000001', net, 'model.json'), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
    const written = manifest.weightsManifest.flatMap((g) => g.weights.map((w) => [w.name, w.shape]));
    assert.deepEqual(torch![net], written, `network ${net}`);
  }
});

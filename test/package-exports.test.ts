// The package's entry points: `ganspec/runtime`, `ganspec/compiler` and `ganspec/contract`
// resolve by name, and a module compiled into a folder outside the package imports the
// runtime by name and trains there (runtime/trainer-module.ts resolves it to this package).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileToModule } from '../compiler/index';
import { loadData } from '../runtime/data';
import { phaseRunners, updateOnce } from '../runtime/loop/phase';
import { buildNetworks } from '../runtime/loop/train';
import { importTrainer } from '../runtime/trainer-module';
import { tempDir, useBackend } from './helpers';

test('package.json exports the runtime, the compiler and the contract, and each resolves by name', async () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, string> };
  assert.deepEqual(Object.keys(pkg.exports).sort(), ['./compiler', './contract', './package.json', './runtime']);
  const runtime = (await import('ganspec/runtime')) as typeof import('../runtime/api');
  assert.equal(typeof runtime.tf.layers.dense, 'function');
  assert.equal(typeof runtime.gs.bce, 'function');
  const compiler = (await import('ganspec/compiler')) as typeof import('../compiler/index');
  assert.equal(compiler.compileToModule, compileToModule);
  const contract = (await import('ganspec/contract')) as typeof import('../contract/index');
  assert.deepEqual(contract.realInputNames({ source: 'mnist' }), ['x', 'y']);
});

test('a module compiled outside the package imports ganspec/runtime and trains one step there', async () => {
  await useBackend('cpu');
  const compiled = compileToModule('specs/ring.yaml', { typeCheck: false });
  assert.ok(compiled.text, compiled.diagnostics.map((d) => d.message).join('; '));
  assert.match(compiled.text, /^import \{ gs, tf \} from "ganspec\/runtime";$/m);
  const file = join(tempDir('exports'), 'ring.mts');
  writeFileSync(file, compiled.text);
  const trainer = await importTrainer(file);
  assert.equal(trainer.name, 'ring');
  assert.equal(trainer.source, 'specs/ring.yaml');
  const nets = buildNetworks(trainer);
  const data = await loadData(trainer.data, process.cwd());
  const before = nets.G.getWeights()[0].dataSync().slice();
  const losses = await Promise.all(phaseRunners(trainer, nets).map((runner) => updateOnce(trainer, runner, nets, data, 8)));
  assert.equal(losses.length, trainer.phases.length);
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  assert.notDeepEqual(nets.G.getWeights()[0].dataSync(), before, "G's first kernel moved");
  Object.values(nets).forEach((n) => n.dispose());
});

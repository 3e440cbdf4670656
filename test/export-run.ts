// Shared by the gan-export tests: a tiny specs/cgan.yaml run (dense layers of 16 units, 8-D
// noise, 30 steps at batch 16 on the cpu backend, about 10 s) trained and exported once per test
// file into a temporary folder, with node_modules linked beside the export as an app has it; and
// a tiny specs/cyclegan.yaml run (every conv 2 filters, 16 images a domain, 3 steps at batch 1,
// a few seconds) for the translation export; a tiny specs/infogan.yaml run (8 filters a conv, 1
// step) for the code picker.
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli } from './helpers';

export const TINY_CGAN = [
  'networks.G.inputs.z=[8]', 'sample.z=normal(8)', 'networks.G.layers.0.embedding.dim=8',
  'networks.G.layers.3.dense.units=16', 'networks.G.layers.6.dense.units=16', 'networks.G.layers.9.dense.units=16',
  'networks.D.layers.4.dense.units=16', 'networks.D.layers.6.dense.units=16', 'networks.D.layers.9.dense.units=16',
  'checkpoint.every=30', 'preview.every=30',
].flatMap((s) => ['--set', s]);

/** Trains a run with gan-train `args` (cpu backend) into dir/run and exports it into dir/web. */
function trainAndExportRun(dir: string, args: string[], exportArgs: string[]): { run: string; out: string } {
  const run = join(dir, 'run');
  const out = join(dir, 'web');
  const cpu = { GANSPEC_BACKEND: 'cpu' };
  const trained = runCli('gan-train', [...args, '--out', run, '--no-report'], cpu);
  assert.equal(trained.status, 0, trained.stderr);
  const exported = runCli('gan-export', [run, '--out', out, ...exportArgs], cpu);
  assert.equal(exported.status, 0, exported.stderr);
  symlinkSync(resolve('node_modules'), join(out, 'node_modules'));
  return { run, out };
}

/** Trains the tiny cgan run into dir/run and exports it into dir/web. */
export function trainAndExport(dir: string, exportArgs: string[] = []): { run: string; out: string } {
  return trainAndExportRun(dir, ['specs/cgan.yaml', '--steps', '30', '--batch', '16', ...TINY_CGAN], exportArgs);
}

export const TINY_CYCLEGAN = [
  ...Array.from({ length: 7 }, (_, i) => `networks.G_AB.layers.${i}.args.filters=2`),
  'networks.D_A.layers.0.conv2d.filters=2', ...[2, 3, 4].map((i) => `networks.D_A.layers.${i}.args.filters=2`),
  'data.limit=16', 'checkpoint.every=3', 'preview.every=3',
].flatMap((s) => ['--set', s]);

/** Trains the tiny cyclegan run into dir/run and exports it into dir/web. */
export function trainAndExportCyclegan(dir: string, exportArgs: string[] = []): { run: string; out: string } {
  return trainAndExportRun(dir, ['specs/cyclegan.yaml', '--steps', '3', ...TINY_CYCLEGAN], exportArgs);
}

/** specs/infogan.yaml with 8-unit layers: G's dense 392 = 7 x 7 x 8, every conv 8 filters. */
export const TINY_INFOGAN = [
  'networks.G.layers.1.dense.units=392', 'networks.G.layers.2.reshape=[7,7,8]',
  'networks.G.layers.5.conv2d.filters=8', 'networks.G.layers.9.conv2d.filters=8',
  ...[0, 3, 8, 12].map((i) => `networks.D.layers.${i}.conv2d.filters=8`),
  'networks.D.outputs.code.0.dense.units=8', 'checkpoint.every=1', 'preview.every=1',
].flatMap((s) => ['--set', s]);

/** Trains the tiny infogan run (1 step at batch 8) into dir/run and exports it into dir/web. */
export function trainAndExportInfogan(dir: string, exportArgs: string[] = []): { run: string; out: string } {
  return trainAndExportRun(dir, ['specs/infogan.yaml', '--steps', '1', '--batch', '8', ...TINY_INFOGAN], exportArgs);
}

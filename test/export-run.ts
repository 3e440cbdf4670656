// Shared by the gan-export tests: a tiny specs/cgan.yaml run (dense layers of 16 units, 8-D
// noise, 30 steps at batch 16 on the cpu backend, about 10 s) trained and exported once per test
// file into a temporary folder, with node_modules linked beside the export as an app has it; and
// a tiny specs/cyclegan.yaml run (every conv 2 filters, 16 images a domain, 3 steps at batch 1,
// a few seconds) for the translation export.
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

/** Trains the tiny cgan run into dir/run and exports it into dir/web. */
export function trainAndExport(dir: string, exportArgs: string[] = []): { run: string; out: string } {
  const run = join(dir, 'run');
  const out = join(dir, 'web');
  const cpu = { GANSPEC_BACKEND: 'cpu' };
  const trained = runCli('gan-train', ['specs/cgan.yaml', '--steps', '30', '--batch', '16', '--out', run, '--no-report', ...TINY_CGAN], cpu);
  assert.equal(trained.status, 0, trained.stderr);
  const exported = runCli('gan-export', [run, '--out', out, ...exportArgs], cpu);
  assert.equal(exported.status, 0, exported.stderr);
  symlinkSync(resolve('node_modules'), join(out, 'node_modules'));
  return { run, out };
}

export const TINY_CYCLEGAN = [
  ...Array.from({ length: 7 }, (_, i) => `networks.G_AB.layers.${i}.args.filters=2`),
  'networks.D_A.layers.0.conv2d.filters=2', ...[2, 3, 4].map((i) => `networks.D_A.layers.${i}.args.filters=2`),
  'data.limit=16', 'checkpoint.every=3', 'preview.every=3',
].flatMap((s) => ['--set', s]);

/** Trains the tiny cyclegan run into dir/run and exports it into dir/web. */
export function trainAndExportCyclegan(dir: string, exportArgs: string[] = []): { run: string; out: string } {
  const run = join(dir, 'run');
  const out = join(dir, 'web');
  const cpu = { GANSPEC_BACKEND: 'cpu' };
  const trained = runCli('gan-train', ['specs/cyclegan.yaml', '--steps', '3', '--out', run, '--no-report', ...TINY_CYCLEGAN], cpu);
  assert.equal(trained.status, 0, trained.stderr);
  const exported = runCli('gan-export', [run, '--out', out, ...exportArgs], cpu);
  assert.equal(exported.status, 0, exported.stderr);
  symlinkSync(resolve('node_modules'), join(out, 'node_modules'));
  return { run, out };
}

// gan-export of a generator with spectral_norm layers (the tiny cgan of export-run.ts with
// `spectral_norm: true` on every dense layer of G, cpu backend): model.json names ganspec's
// GanspecSpectralNorm layer and carries each layer's u; the sampler registers its copy of the
// layer and draws what gan-sample --format png draws, pixel for pixel; the sampler's copy gives
// the runtime layer's inference outputs to the bit for dense, conv2d and conv2d_transpose.
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { readPng } from '../runtime/images/png';
import { SpectralNorm, type SpectralNormArgs } from '../runtime/ops/spectral-norm';
import { runCli, tempDir } from './helpers';
import { TINY_CGAN } from './export-run';

interface Samples { images: tf.Tensor4D; pixels: Uint8ClampedArray[] }
interface SamplerModule {
  info: { networks: string[] };
  SpectralNorm: new (args: SpectralNormArgs) => tf.layers.Layer;
  load(from?: string): Promise<{ sample(o: { n: number; seed?: number }): Promise<Samples>; dispose(): void }>;
}

const SN_LAYERS = [3, 6, 9, 12];
const dir = tempDir('export-spectral-norm');
const run = join(dir, 'run');
const out = join(dir, 'web');
before(async () => {
  const cpu = { GANSPEC_BACKEND: 'cpu' };
  const sn = SN_LAYERS.flatMap((i) => ['--set', `networks.G.layers.${i}.dense.spectral_norm=true`]);
  const trained = runCli('gan-train', ['specs/cgan.yaml', '--steps', '4', '--batch', '8', '--out', run, '--no-report', ...TINY_CGAN, '--set', 'checkpoint.every=4', ...sn], cpu);
  assert.equal(trained.status, 0, trained.stderr);
  const exported = runCli('gan-export', [run, '--out', out, '--no-page'], cpu);
  assert.equal(exported.status, 0, exported.stderr);
  symlinkSync(resolve('node_modules'), join(out, 'node_modules'));
  await tf.setBackend('cpu');
});

test('the exported G names GanspecSpectralNorm for each spectral_norm dense layer and carries its u', () => {
  const model = JSON.parse(readFileSync(join(out, 'models', 'G', 'model.json'), 'utf8'));
  const sn = model.modelTopology.config.layers.filter((l: { class_name: string }) => l.class_name === 'GanspecSpectralNorm');
  assert.deepEqual(sn.map((l: { config: { name: string } }) => l.config.name), SN_LAYERS.map((i) => `G_l${i}`));
  const weights: string[] = model.weightsManifest[0].weights.map((w: { name: string }) => w.name);
  for (const i of SN_LAYERS) assert.ok(weights.includes(`G_l${i}/sn_u`), `G_l${i}/sn_u in ${weights.join(', ')}`);
  const source = readFileSync(join(out, 'sampler.ts'), 'utf8');
  assert.match(source, /static className = "GanspecSpectralNorm";/);
  assert.match(source, /tf\.serialization\.registerClass\(SpectralNorm\);/);
  assert.deepEqual([...readFileSync(join(out, 'sampler.js'), 'utf8').matchAll(/\bfrom\s+"([^"]+)"/g)].map((m) => m[1]), ['@tensorflow/tfjs']);
});

test('the sampler of a spectral_norm generator draws what gan-sample --format png draws, pixel for pixel', async () => {
  const pngs = join(dir, 'pngs');
  const sampled = runCli('gan-sample', [run, '--format', 'png', '--n', '6', '--seed', '3', '--out', pngs], { GANSPEC_BACKEND: 'cpu' });
  assert.equal(sampled.status, 0, sampled.stderr);
  const expected = await Promise.all(Array.from({ length: 6 }, async (_, i) => Array.from((await readPng(join(pngs, `${String(i).padStart(6, '0')}.png`))).data)));
  const mod = (await import(pathToFileURL(join(out, 'sampler.js')).href)) as SamplerModule;
  const gen = await mod.load();
  const s = await gen.sample({ n: 6, seed: 3 });
  assert.deepEqual(s.pixels.map((p) => Array.from(p.filter((_, i) => i % 4 === 0))), expected);
  s.images.dispose();
  gen.dispose();
});

test('the sampler\'s SpectralNorm gives the runtime layer\'s inference outputs to the bit (dense, conv2d, conv2d_transpose)', async () => {
  const mod = (await import(pathToFileURL(join(out, 'sampler.js')).href)) as SamplerModule;
  const cases: { args: SpectralNormArgs; input: number[] }[] = [
    { args: { kind: 'dense', units: 5 }, input: [4, 7] },
    { args: { kind: 'conv2d', units: 3, kernelSize: [3, 2], strides: [2, 1], padding: 'valid' }, input: [2, 6, 5, 4] },
    { args: { kind: 'conv2d_transpose', units: 3, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: false }, input: [2, 3, 3, 4] },
  ];
  for (const [k, { args, input }] of cases.entries()) {
    const x = tf.randomNormal(input, 0, 1, 'float32', 20 + k);
    const exported = new mod.SpectralNorm(args);
    const runtime = new SpectralNorm(args);
    runtime.apply(x);
    exported.apply(x);
    const weights = runtime.getWeights().map((w, i) => tf.randomNormal(w.shape, 0.5, 1, 'float32', 40 + i));
    runtime.setWeights(weights);
    exported.setWeights(weights);
    const a = exported.apply(x) as tf.Tensor;
    const b = runtime.apply(x) as tf.Tensor;
    assert.equal(exported.getClassName(), runtime.getClassName());
    assert.deepEqual(exported.getConfig(), { ...runtime.getConfig(), name: exported.name });
    assert.deepEqual(a.shape, b.shape, args.kind);
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()), args.kind);
    tf.dispose([x, a, b, ...weights]);
  }
});

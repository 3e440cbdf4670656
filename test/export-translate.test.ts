// gan-export of a translation model (CycleGAN, whose generators use ganspec's instancenorm and
// the compiler's folded upsampling and convolution), in Node: the exported sampler registers the
// layer classes model.json names and loads without
// ganspec's runtime; translate() of gan-sample's input images (band `a`) equals gan-sample
// --format png's G_AB(a) pixel for pixel (cpu backend); the sampler's copy of the layer computes
// what runtime/ops/instance-norm.ts computes; --band 'G_BA(b)' exports the other direction, whose
// translate() equals gan-sample's G_BA(b), and a band of real images is refused.
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { readPng } from '../runtime/images/png';
import { runCli, tempDir } from './helpers';
import { trainAndExportCyclegan } from './export-run';

interface Samples { images: tf.Tensor4D; pixels: Uint8ClampedArray[]; width: number; height: number }
interface TranslateModule {
  info: { kind: string; band: string; networks: string[] };
  InstanceNormalization: new (args?: { epsilon?: number; name?: string }) => tf.layers.Layer;
  load(from?: string): Promise<{ translate(image: { data: Uint8ClampedArray; width: number; height: number } | tf.Tensor4D): Promise<Samples>; dispose(): void }>;
}

const N = 6;
const dir = tempDir('export-translate');
let run: string;
let out: string;
before(async () => {
  ({ run, out } = trainAndExportCyclegan(dir, ['--no-page']));
  await tf.setBackend('cpu');
});

/** gan-sample --format png's N images of one band, grey bytes each. */
async function band(which: string): Promise<number[][]> {
  const folder = join(dir, `band-${which}`);
  const r = runCli('gan-sample', [run, '--format', 'png', '--n', String(N), '--band', which, '--out', folder], { GANSPEC_BACKEND: 'cpu' });
  assert.equal(r.status, 0, r.stderr);
  return Promise.all(Array.from({ length: N }, async (_, i) => {
    const png = await readPng(join(folder, `${String(i).padStart(6, '0')}.png`));
    assert.equal(png.channels, 1);
    return Array.from(png.data);
  }));
}

const rgba = (grey: number[]): Uint8ClampedArray => Uint8ClampedArray.from({ length: grey.length * 4 }, (_, i) => (i % 4 === 3 ? 255 : grey[i >> 2]!));

test('gan-export writes G_AB with its instancenorm and folded upsampling layers, and a sampler that registers both classes', () => {
  const model = JSON.parse(readFileSync(join(out, 'models', 'G_AB', 'model.json'), 'utf8'));
  const classes = new Set<string>(model.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name));
  assert.ok(classes.has('GanspecInstanceNormalization') && classes.has('GanspecUpsampledConv2D') && !classes.has('UpSampling2D'), [...classes].join(', '));
  const source = readFileSync(join(out, 'sampler.ts'), 'utf8');
  assert.match(source, /static className = "GanspecInstanceNormalization";/);
  assert.match(source, /tf\.serialization\.registerClass\(InstanceNormalization\);/);
  // The folded layer is runtime/ops/upsampled-conv.ts's own code, less its header and import.
  const runtime = readFileSync('runtime/ops/upsampled-conv.ts', 'utf8');
  const body = runtime.slice(runtime.indexOf('\n\n') + 2).trimEnd();
  assert.ok(source.includes(`registered for loading. */\n${body}\n`), 'sampler.ts carries upsampled-conv.ts from its first declaration to its end');
  assert.match(source, /static className = 'GanspecUpsampledConv2D';/);
  // The layer's code travels in sampler.js: its one static import is tfjs.
  assert.deepEqual([...readFileSync(join(out, 'sampler.js'), 'utf8').matchAll(/\bfrom\s+"([^"]+)"/g)].map((m) => m[1]), ['@tensorflow/tfjs']);
});

test('translate() of gan-sample\'s input images equals gan-sample --format png\'s G_AB(a), pixel for pixel', async () => {
  const inputs = await band('0');
  const expected = await band('1');
  const mod = (await import(pathToFileURL(join(out, 'sampler.js')).href)) as TranslateModule;
  assert.equal(mod.info.kind, 'translate');
  assert.equal(mod.info.band, 'G_AB(a)');
  assert.deepEqual(mod.info.networks, ['G_AB']);
  const gen = await mod.load();
  for (let i = 0; i < N; i++) {
    const t = await gen.translate({ data: rgba(inputs[i]!), width: 32, height: 32 });
    assert.deepEqual(t.images.shape, [1, 32, 32, 1]);
    assert.equal(t.pixels.length, 1);
    const grey = Array.from(t.pixels[0]!.filter((_, k) => k % 4 === 0));
    assert.deepEqual(grey, expected[i], `image ${i}`);
    assert.notDeepEqual(grey, inputs[i], `image ${i} is translated, not copied`);
    t.images.dispose();
  }
  gen.dispose();
});

test('gan-export --band \'G_BA(b)\' exports G_BA: translate() of the b images equals gan-sample\'s G_BA(b), pixel for pixel', async () => {
  const ba = join(dir, 'web-ba');
  const r = runCli('gan-export', [run, '--out', ba, '--band', 'G_BA(b)', '--no-page'], { GANSPEC_BACKEND: 'cpu' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /: G_BA \(/);
  symlinkSync(resolve('node_modules'), join(ba, 'node_modules'));
  const inputs = await band('3');
  const expected = await band('4');
  const mod = (await import(pathToFileURL(join(ba, 'sampler.js')).href)) as TranslateModule;
  assert.equal(mod.info.band, 'G_BA(b)');
  assert.deepEqual(mod.info.networks, ['G_BA']);
  const gen = await mod.load();
  for (let i = 0; i < N; i++) {
    const t = await gen.translate({ data: rgba(inputs[i]!), width: 32, height: 32 });
    const grey = Array.from(t.pixels[0]!.filter((_, k) => k % 4 === 0));
    assert.deepEqual(grey, expected[i], `image ${i}`);
    t.images.dispose();
  }
  gen.dispose();
});

test('gan-export --band refuses a band of real images and lists the bands for one it does not know', () => {
  const a = runCli('gan-export', [run, '--out', join(dir, 'web-a'), '--band', 'a', '--no-page'], { GANSPEC_BACKEND: 'cpu' });
  assert.equal(a.status, 1);
  assert.match(a.stderr, /^gan-export: cyclegan's preview band 0 \(a\) shows real images as they are: no generator to export$/m);
  const nine = runCli('gan-export', [run, '--out', join(dir, 'web-9'), '--band', '9', '--no-page'], { GANSPEC_BACKEND: 'cpu' });
  assert.equal(nine.status, 1);
  assert.match(nine.stderr, /^gan-export: --band 9: the preview's bands are 0: a, 1: G_AB\(a\), 2: G_BA\(G_AB\(a\)\), 3: b, 4: G_BA\(b\), 5: G_AB\(G_BA\(b\)\)$/m);
});

test('the sampler\'s InstanceNormalization gives the runtime layer\'s outputs on a random input, to the bit', async () => {
  const mod = (await import(pathToFileURL(join(out, 'sampler.js')).href)) as TranslateModule;
  const { InstanceNormalization } = await import('../runtime/ops/instance-norm');
  const x = tf.randomNormal([3, 5, 4, 6], 2, 3, 'float32', 11);
  const exported = new mod.InstanceNormalization({ epsilon: 1e-3 });
  const runtime = new InstanceNormalization({ epsilon: 1e-3 });
  exported.apply(x);
  runtime.apply(x);
  const weights = [tf.randomNormal([6], 1, 0.5, 'float32', 12), tf.randomNormal([6], 0, 0.5, 'float32', 13)];
  exported.setWeights(weights);
  runtime.setWeights(weights);
  const a = exported.apply(x) as tf.Tensor;
  const b = runtime.apply(x) as tf.Tensor;
  assert.deepEqual(exported.getClassName(), runtime.getClassName());
  assert.deepEqual(exported.getConfig().epsilon, runtime.getConfig().epsilon);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  // Not the identity: gamma and beta were applied.
  assert.notDeepEqual(Array.from(a.dataSync()), Array.from(x.dataSync()));
  tf.dispose([x, a, b, ...weights]);
});

// gan-export's files and typed sampler, in Node: the web-format model files and their metadata,
// the generated sampler's images equal gan-sample --format png's for the same checkpoint and seed
// (pixel for pixel, cpu backend), labels as asked, and its types: a wrong label fails tsc. The
// model metadata, gan-sample's PNGs and the run's grids carry the one spec hash of run.json.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { pngText, readPng } from '../runtime/images/png';
import { runCli, tempDir } from './helpers';
import { trainAndExport } from './export-run';

interface Samples { images: tf.Tensor4D; pixels: Uint8ClampedArray[]; width: number; height: number }
interface SamplerModule {
  info: { name: string; networks: string[]; ganspecVersion: string; specSha256: string; step: number };
  load(from?: string): Promise<{ sample(o: { n: number; seed?: number; label?: number | number[] }): Promise<Samples>; dispose(): void }>;
}

const dir = tempDir('export-sampler');
let run: string;
let out: string;
before(async () => {
  ({ run, out } = trainAndExport(dir, ['--no-page']));
  await tf.setBackend('cpu');
});

/** Channel 0 of each RGBA picture. */
const grey = (pixels: Uint8ClampedArray[]): number[][] => pixels.map((p) => Array.from(p.filter((_, i) => i % 4 === 0)));

test('gan-export writes the generator in the tfjs web format with ganspec metadata, and the typed sampler', () => {
  assert.deepEqual(readdirSync(out).sort(), ['models', 'node_modules', 'package.json', 'sampler.d.ts', 'sampler.js', 'sampler.ts']);
  assert.deepEqual(readdirSync(join(out, 'models', 'G')).sort(), ['group1-shard1of1.bin', 'model.json']);
  const model = JSON.parse(readFileSync(join(out, 'models', 'G', 'model.json'), 'utf8'));
  assert.equal(model.format, 'layers-model');
  assert.deepEqual(model.weightsManifest[0].paths, ['group1-shard1of1.bin']);
  const meta = model.userDefinedMetadata.ganspec;
  assert.equal(meta.ganspecVersion, JSON.parse(readFileSync('package.json', 'utf8')).version);
  const runJson = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
  // One spec hash: SHA-256 of the resolved spec's JSON, as run.json records it.
  assert.equal(meta.specSha256, createHash('sha256').update(JSON.stringify(runJson.specValues)).digest('hex'));
  assert.equal(meta.specSha256, runJson.specSha256);
  assert.equal(meta.moduleSha256, runJson.moduleSha256);
  assert.equal(meta.step, 30);
  assert.match(readFileSync(join(out, 'sampler.d.ts'), 'utf8'), /export type Label = 0 \| 1 \| 2 \| 3 \| 4 \| 5 \| 6 \| 7 \| 8 \| 9;/);
});

test('the sampler draws what gan-sample --format png draws for the same checkpoint and seed, pixel for pixel; the PNGs carry the run provenance', async () => {
  const pngs = join(out, '..', 'pngs');
  const sampled = runCli('gan-sample', [run, '--format', 'png', '--n', '12', '--seed', '7', '--out', pngs], { GANSPEC_BACKEND: 'cpu' });
  assert.equal(sampled.status, 0, sampled.stderr);
  const expected = await Promise.all(Array.from({ length: 12 }, async (_, i) => Array.from((await readPng(join(pngs, `${String(i).padStart(6, '0')}.png`))).data)));
  const runJson = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
  const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
  const provenance = { Software: `ganspec ${version}`, 'ganspec:specSha256': runJson.specSha256, 'ganspec:moduleSha256': runJson.moduleSha256 };
  assert.deepEqual(pngText(readFileSync(join(pngs, '000011.png'))), provenance, "gan-sample's PNGs carry the run's provenance");
  assert.deepEqual(pngText(readFileSync(join(run, 'samples', 'step-000030.png'))), provenance, "and so do gan-train's grids");
  const mod = (await import(pathToFileURL(join(out, 'sampler.js')).href)) as SamplerModule;
  assert.equal(mod.info.step, 30);
  const gen = await mod.load();
  const s = await gen.sample({ n: 12, seed: 7 });
  assert.deepEqual(s.images.shape, [12, 28, 28, 1]);
  assert.equal(s.pixels[0]!.length, 28 * 28 * 4);
  assert.deepEqual(grey(s.pixels), expected);
  // RGBA: grey in R, G and B, opaque.
  assert.deepEqual([s.pixels[3]![100], s.pixels[3]![101], s.pixels[3]![102], s.pixels[3]![103]], [expected[3]![25], expected[3]![25], expected[3]![25], 255]);
  // gan-sample's labels are i mod 10; given one per image, the same images.
  const listed = await gen.sample({ n: 12, seed: 7, label: Array.from({ length: 12 }, (_, i) => i % 10) });
  assert.deepEqual(grey(listed.pixels), expected);
  // One label for all: image 3 (label 3 both times) is unchanged, image 0 (label 0 -> 3) differs.
  const threes = await gen.sample({ n: 12, seed: 7, label: 3 });
  assert.deepEqual(grey(threes.pixels)[3], expected[3]);
  assert.notDeepEqual(grey(threes.pixels)[0], expected[0]);
  // Another seed, other noise.
  assert.notDeepEqual(grey((await gen.sample({ n: 12, seed: 8 })).pixels), expected);
  await assert.rejects(gen.sample({ n: 2, label: 10 }), { name: 'RangeError', message: 'a class must be an integer from 0 to 9, got 10' });
  tf.dispose([s.images, listed.images, threes.images]);
  gen.dispose();
});

test('the sampler is typed from the spec: label 3 type-checks, label 12 and a string fail tsc', () => {
  writeFileSync(join(out, 'right.ts'), [
    `import { load, type Label } from "./sampler.js";`,
    `const gen = await load();`,
    `const { pixels, images } = await gen.sample({ n: 16, label: 3, seed: 7 });`,
    `const labels: Label[] = [0, 9];`,
    `await gen.sample({ n: 2, label: labels });`,
    `const first: Uint8ClampedArray<ArrayBuffer> = pixels[0]!;`,
    `images.dispose();`,
    `export { first };`,
    '',
  ].join('\n'));
  writeFileSync(join(out, 'wrong.ts'), [
    `import { load } from "./sampler.js";`,
    `const gen = await load();`,
    `await gen.sample({ n: 16, label: 12, seed: 7 });`,
    `await gen.sample({ n: 16, label: "3" });`,
    `export {};`,
    '',
  ].join('\n'));
  // One tsc over both files: every error it reports is in wrong.ts, so right.ts type-checks.
  const r = spawnSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', '--lib', 'es2022,dom', '--types', 'node', join(out, 'right.ts'), join(out, 'wrong.ts')], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stdout);
  const errors = r.stdout.trim().split('\n').filter((l) => l.includes('error TS')).map((l) => l.replace(/^.*[\\/](\w+\.ts)/, '$1'));
  assert.deepEqual(errors, [
    `wrong.ts(3,27): error TS2322: Type '12' is not assignable to type 'Label | readonly Label[] | undefined'.`,
    `wrong.ts(4,27): error TS2322: Type 'string' is not assignable to type 'Label | readonly Label[] | undefined'.`,
  ]);
});

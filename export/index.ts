// gan-export's work, below the command line: a loaded generator in, a folder out:
// models/<network>/ (TensorFlow.js web format), sampler.ts + sampler.js + sampler.d.ts (typed,
// generated from the spec's IR), index.html + page.js (the sampler, tfjs and page/app.ts bundled
// by esbuild; nothing fetched from a CDN). Imports runtime/ (tf), contract/, compiler/ (IR).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import type * as tf from '@tensorflow/tfjs';
import { type ModuleIR, upsampledConvolutions } from '../compiler/index';
import { UserError } from '../runtime/errors';
import { pageHtml } from './page/html';
import { bandStatements, CUSTOM_LAYERS, exportBand, optionKeys, samplerSource, type ExportInfo } from './sampler-source';
import { saveWebModel } from './web-model';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

export interface ExportRequest {
  ir: ModuleIR;
  nets: Record<string, tf.LayersModel>;
  /** Networks drawn with another's weights (an EMA copy's): recorded in each model's metadata as `weights`. */
  drawnWith?: Record<string, string>;
  out: string;
  /** What the info records besides the spec's own (name, paper, image, inputs). */
  run: Pick<ExportInfo, 'spec' | 'step' | 'steps' | 'batch' | 'seed' | 'backend' | 'trainingSeconds' | 'ganspecVersion' | 'specSha256' | 'moduleSha256'>;
  /** For translation models: a few real images (RGBA bytes of the data's size) for the page. */
  testImages?: Uint8ClampedArray[];
  /** Skip index.html and page.js. */
  noPage?: boolean;
  /** The preview band to export (its index); default: exportBand's. */
  band?: number;
}

export interface ExportResult {
  info: ExportInfo;
  files: string[];
  weightBytes: number;
}

/** The info of the export: which band, networks and inputs, and how the model was trained. */
export function exportInfo(ir: ModuleIR, run: ExportRequest['run'], bandIndex?: number): { info: ExportInfo; stmts: ReturnType<typeof bandStatements>['stmts']; result: string; customLayers: string[] } {
  const { band } = exportBand(ir, bandIndex);
  if (ir.data.image[2] !== 1 && ir.data.image[2] !== 3) throw new UserError(`${ir.name}'s samples are ${ir.data.image[2]}-channel points, not images: gan-export exports image generators`);
  if (band.real.length > 0 && band.sampled.length > 0) throw new UserError(`${ir.name}'s preview band ${band.text} reads both real and random inputs: gan-export exports a band that reads one or the other`);
  if (band.real.length > 1) throw new UserError(`${ir.name}'s preview band ${band.text} reads ${band.real.length} real inputs: gan-export translates one image`);
  const { stmts, networks } = bandStatements(ir.preview.stmts, band.result);
  const customLayers = new Set<string>();
  for (const net of ir.networks.filter((n) => networks.includes(n.name))) {
    for (const layer of net.layers.filter((l) => l.namespace === 'gs')) {
      if (!(layer.factory in CUSTOM_LAYERS)) throw new UserError(`${ir.name}'s ${net.name} uses ganspec's own layer ${layer.factory} (${net.pointer}), which the exported sampler cannot load yet`);
      customLayers.add(layer.factory);
    }
    if (upsampledConvolutions(net).size > 0) customLayers.add('upsampledConv2d');
  }
  const sampled = band.real.length > 0 ? [] : ir.samples.filter((s) => ir.preview.sampled.includes(s.name));
  for (const s of sampled) {
    if ((s.kind === 'normal' || s.kind === 'uniform') && s.shape.length !== 1) {
      throw new UserError(`${ir.name}'s random input ${s.name} is ${s.kind}(${s.shape.join(', ')}), a tensor: gan-export serves vector noise only (${s.kind}(N)) for now`);
    }
  }
  const keys = optionKeys(ir.samples);
  const info: ExportInfo = {
    name: ir.name,
    paper: ir.paper,
    band: band.text,
    kind: band.real.length > 0 ? 'translate' : 'sample',
    networks,
    image: [...ir.data.image] as [number, number, number],
    range: [...ir.data.range] as [number, number],
    inputs: sampled.map((s) => {
      const range = s.kind === 'normal' ? { mean: s.mean, std: s.std } : s.kind === 'uniform' ? { low: s.low, high: s.high } : {};
      return { name: s.name, option: keys.get(s.name)!, kind: s.kind, size: s.size, ...range };
    }),
    realInputs: band.real,
    ...run,
  };
  return { info, stmts, result: band.result, customLayers: [...customLayers].sort() };
}

/** sampler.js and sampler.d.ts of sampler.ts's text. */
export function compileSampler(source: string): { js: string; dts: string } {
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, declaration: true, strict: true };
  const js = ts.transpileModule(source, { compilerOptions: options, fileName: 'sampler.ts' });
  const dts = ts.transpileDeclaration(source, { compilerOptions: options, fileName: 'sampler.ts', reportDiagnostics: true });
  const errors = [...(js.diagnostics ?? []), ...(dts.diagnostics ?? [])];
  if (errors.length > 0) throw new Error(`sampler.ts does not compile (a gan-export bug): ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; ')}`);
  return { js: js.outputText, dts: dts.outputText };
}

/** page.js: page/app.ts started with the sampler, tfjs included, for browsers. */
async function bundlePage(out: string, testImages: Uint8ClampedArray[]): Promise<void> {
  const images = testImages.map((img) => Buffer.from(img.buffer, img.byteOffset, img.byteLength).toString('base64'));
  const entry = [
    `import * as sampler from ${JSON.stringify(join(out, 'sampler.js'))};`,
    `import { startPage } from ${JSON.stringify(join(HERE, 'page', 'app.ts'))};`,
    `startPage(sampler, ${JSON.stringify(images)}).catch((err) => {`,
    `  const status = document.getElementById("status");`,
    `  status.textContent = "could not start: " + (err && err.message ? err.message : String(err));`,
    `  status.className = "error";`,
    `  console.error(err);`,
    `});`,
  ].join('\n');
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: out, loader: 'js', sourcefile: 'page-entry.js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    nodePaths: [join(ROOT, 'node_modules')],
    outfile: join(out, 'page.js'),
    logLevel: 'silent',
  });
  if (result.errors.length > 0) throw new Error(`bundling page.js failed: ${result.errors.map((e) => e.text).join('; ')}`);
}

export async function exportGenerator(req: ExportRequest): Promise<ExportResult> {
  const { info, stmts, result, customLayers } = exportInfo(req.ir, req.run, req.band);
  const out = req.out;
  await mkdir(out, { recursive: true });
  await rm(join(out, 'models'), { recursive: true, force: true });
  const files: string[] = [];
  let weightBytes = 0;
  const metadata = { name: info.name, spec: info.spec, step: info.step, ganspecVersion: info.ganspecVersion, specSha256: info.specSha256, moduleSha256: info.moduleSha256, range: info.range };
  for (const net of info.networks) {
    const model = req.nets[net];
    if (!model) throw new Error(`no network ${net} was loaded`);
    const weights = req.drawnWith?.[net];
    const saved = await saveWebModel(model, join(out, 'models', net), { network: net, ...(weights ? { weights } : {}), ...metadata });
    files.push(...saved.files.map((f) => `models/${net}/${f}`));
    weightBytes += saved.weightBytes;
  }
  const source = samplerSource(info, stmts, result, customLayers);
  const { js, dts } = compileSampler(source);
  await writeFile(join(out, 'sampler.ts'), source);
  await writeFile(join(out, 'sampler.js'), js);
  await writeFile(join(out, 'sampler.d.ts'), dts);
  // sampler.js is an ES module: say so to Node (a bundler reads it either way).
  await writeFile(join(out, 'package.json'), JSON.stringify({ name: `${info.name}-generator`, private: true, type: 'module', main: 'sampler.js', types: 'sampler.d.ts' }, null, 2) + '\n');
  files.push('sampler.ts', 'sampler.js', 'sampler.d.ts', 'package.json');
  if (!req.noPage) {
    await bundlePage(out, req.testImages ?? []);
    await writeFile(join(out, 'index.html'), pageHtml(info, await readFile(join(HERE, 'page', 'style.css'), 'utf8')));
    files.push('index.html', 'page.js');
  }
  return { info, files, weightBytes };
}

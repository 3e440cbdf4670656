// gan-export's work, once cli/export.ts has parsed the options: writes a trained run's generator
// for JavaScript apps and web pages (export/): models/ in the TensorFlow.js web format, a typed
// sampler (sampler.ts/.js/.d.ts) and a page (index.html + page.js) that draws samples in the
// browser; for a translation model the page gets the first TEST_IMAGES images of the data's test
// split (the train split where there is none).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { lowerSpec, type ModuleIR } from '../compiler/index';
import { DATA_SOURCES } from '../contract/data';
import type { AnyTrainer } from '../contract/trainer';
import { exportGenerator } from '../export/index';
import { selectBackend } from '../runtime/backend/select';
import { loadCheckpoint } from '../runtime/checkpoint';
import { UserError } from '../runtime/errors';
import { loadData } from '../runtime/data';
import { defaultBand } from '../runtime/loop/sample-folder';
import { samplingNetworks } from '../runtime/loop/ema';
import { buildNetworks } from '../runtime/loop/train';
import { importTrainer } from '../runtime/trainer-module';
import { bandIndex } from './band';
import { printDiagnostics } from './output';
import { GANSPEC_VERSION } from '../runtime/provenance';
import { findRunDir, readRunInfo, specSha256, type RunInfo } from './run-dir';
import type { ExportArgs } from './export';

/** The spec's IR: from run.json's recorded spec values (what the module was compiled from), else the spec file and --sets. */
function runIR(runDir: string, info: RunInfo): { ir: ModuleIR; specValues: unknown } {
  if (info.specValues !== undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'ganspec-export-'));
    try {
      const file = join(dir, `${info.name}.json`);
      const specText = JSON.stringify(info.specValues);
      writeFileSync(file, specText);
      const lowered = lowerSpec(file, {});
      if (lowered.ir) return { ir: lowered.ir, specValues: info.specValues };
      printDiagnostics({ file, diagnostics: lowered.diagnostics, texts: new Map([[file, specText]]), values: {} });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (info.spec === undefined) throw new UserError(`${runDir} was trained from a module, not a spec: gan-export needs the spec`);
  const spec = resolve(runDir, info.spec);
  if (!existsSync(spec)) throw new UserError(`the run's spec ${spec} is missing`);
  const lowered = lowerSpec(spec, { overrides: info.overrides?.set ?? [] });
  if (!lowered.ir) {
    printDiagnostics({ file: spec, diagnostics: lowered.diagnostics, texts: new Map(), values: {} });
    throw new UserError(`${spec} has errors; nothing was exported`);
  }
  return { ir: lowered.ir, specValues: lowered.values };
}

/** How many test images a translation model's page offers. */
export const TEST_IMAGES = 8;

/** The page's test images of a translation band: the real input's first examples as RGBA bytes (the data range mapped to 0..255). */
async function testImages(trainer: AnyTrainer, bandIndex: number, dataDir: string): Promise<Uint8ClampedArray[]> {
  const band = trainer.preview.bands[bandIndex];
  if (band?.real.length !== 1) return [];
  const split = DATA_SOURCES[trainer.data.source].testSplit ? { split: 'test' as const } : {};
  const data = await loadData({ ...trainer.data, ...split }, dataDir);
  const n = Math.min(TEST_IMAGES, data.size);
  let c = 0;
  const batch = data.batch(n, () => ((c++ % n) + 0.5) / data.size);
  const [lo, hi] = trainer.data.range;
  const [h, w, channels] = trainer.data.image;
  const values = await batch[band.real[0]!]!.data();
  tf.dispose(Object.values(batch));
  return Array.from({ length: n }, (_, i) => {
    const out = new Uint8ClampedArray(h * w * 4);
    for (let p = 0; p < h * w; p++) {
      for (let k = 0; k < 3; k++) out[p * 4 + k] = Math.round((values[(i * h * w + p) * channels + (channels === 1 ? 0 : k)]! - lo) * 255 / (hi - lo));
      out[p * 4 + 3] = 255;
    }
    return out;
  });
}

/** Seconds trained, summed over the sessions of events.jsonl (null without it). */
function trainingSeconds(runDir: string): number | null {
  const file = join(runDir, 'events.jsonl');
  if (!existsSync(file)) return null;
  let total = 0;
  let session = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    let e: { event?: string; seconds?: number };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      continue;
    }
    if (e.event === 'start') {
      total += session;
      session = 0;
    } else if (typeof e.seconds === 'number') session = Math.max(session, e.seconds);
  }
  return Math.round(total + session);
}

export async function runExport(argv: ExportArgs): Promise<void> {
  const target = String(argv._[0]);
  const runDir = findRunDir(target);
  const info = readRunInfo(runDir);
  const { ir, specValues } = runIR(runDir, info);
  console.log(`backend: ${await selectBackend(argv.backend)}`);
  const trainer = await importTrainer(join(runDir, info.module));
  const built = buildNetworks(trainer);
  const loaded = await loadCheckpoint(resolve(target), built);
  const { nets, drawnWith, note } = samplingNetworks(trainer, built, argv.weights);
  if (note) console.log(note);
  const out = resolve(argv.out);
  const band = argv.band === undefined ? defaultBand(trainer) : bandIndex(trainer.preview.bands, argv.band);
  const result = await exportGenerator({
    ir,
    nets,
    drawnWith,
    out,
    band,
    noPage: !argv.page,
    testImages: argv.page ? await testImages(trainer, band, resolve(runDir, info.dataDir)) : [],
    run: {
      spec: relative(process.cwd(), resolve(runDir, info.spec ?? info.module)),
      step: loaded.step,
      steps: info.steps,
      batch: info.batch,
      seed: info.seed,
      backend: info.backend,
      trainingSeconds: trainingSeconds(runDir),
      ganspecVersion: GANSPEC_VERSION,
      specSha256: info.specSha256 ?? specSha256(specValues),
      moduleSha256: info.moduleSha256 ?? null,
    },
  });
  const r = result.info;
  console.log(`wrote ${relative(process.cwd(), out) || '.'}: ${r.networks.join(', ')} (${(result.weightBytes / 1e6).toFixed(1)} MB of weights, step ${loaded.step}), ${r.kind === 'translate' ? 'translate(image)' : `sample({ n${r.inputs.map((d) => `, ${d.option}`).join('')}, seed })`} in sampler.js${argv.page ? ', index.html' : ''}`);
}

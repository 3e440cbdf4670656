// gan-sample's drawing, once cli/sample.ts has checked the options: draws a sample grid from a
// trained run (its latest checkpoint) or from one checkpoint, using the run's trainer module and
// its preview layout.
import { join, resolve } from 'node:path';
import { selectBackend } from '../runtime/backend/select';
import { loadCheckpoint } from '../runtime/checkpoint';
import { loadData } from '../runtime/data';
import { installSeededRandom } from '../runtime/rng';
import { samplingNetworks } from '../runtime/loop/ema';
import { buildNetworks } from '../runtime/loop/train';
import { disposeInputs, previewInputs, writePreview } from '../runtime/loop/preview';
import { importTrainer } from '../runtime/trainer-module';
import type { SampleArgs } from './sample';
import { provenanceText } from '../runtime/provenance';
import { findRunDir, readRunInfo, runProvenance } from './run-dir';
import { progressMeter } from './progress';
import { sampleFolder } from './sample-folder';

export async function runSample(argv: SampleArgs): Promise<void> {
  const target = String(argv._[0]);
  const runDir = findRunDir(target);
  const info = readRunInfo(runDir);
  console.log(`backend: ${await selectBackend(argv.backend)}`);
  const trainer = await importTrainer(join(runDir, info.module));
  installSeededRandom(argv.seed);
  const built = buildNetworks(trainer);
  const loaded = await loadCheckpoint(resolve(target), built);
  const { nets, note } = samplingNetworks(trainer, built, argv.weights);
  if (note) console.log(note);
  const text = provenanceText(runProvenance(info));
  if (argv.format === 'png') {
    const progress = progressMeter({ quiet: argv.quiet });
    console.log(`${await sampleFolder(trainer, nets, { ...argv, dataDir: resolve(runDir, info.dataDir), progress, text })} from ${loaded.dir} (step ${loaded.step})`);
    return;
  }
  const perRow = trainer.preview.perRow.length > 0;
  const cols = perRow ? trainer.preview.cols : Math.ceil(Math.sqrt(argv.n));
  const rows = Math.ceil(argv.n / cols);
  const data = trainer.preview.real.length > 0 ? await loadData(trainer.data, resolve(runDir, info.dataDir)) : undefined;
  const inputs = previewInputs(trainer, data ?? { size: 0, classes: null, names: [], batch: () => ({}), identity: () => '' }, argv.seed, rows, cols);
  const out = argv.out ?? join(runDir, 'sample.png');
  await writePreview(trainer, nets, inputs, out, argv.scale, text);
  disposeInputs(inputs);
  console.log(`wrote ${out}: ${rows}x${cols} per band (${trainer.preview.bands.map((b) => b.text).join(' | ')}) from ${loaded.dir} (step ${loaded.step})`);
}

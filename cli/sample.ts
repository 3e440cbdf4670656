// gan-sample: draws a sample grid from a trained run (its latest checkpoint) or from one
// checkpoint, using the run's trainer module and its preview layout.
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { selectBackend } from '../runtime/backend/select';
import { loadCheckpoint } from '../runtime/checkpoint';
import { loadData } from '../runtime/data';
import { installSeededRandom } from '../runtime/rng';
import { samplingNetworks } from '../runtime/loop/ema';
import { buildNetworks } from '../runtime/loop/train';
import { disposeInputs, previewInputs, writePreview } from '../runtime/loop/preview';
import { importTrainer } from '../runtime/trainer-module';
import { checkInteger, checkOutExtension, checkSeed, usageError, WEIGHTS_OPTION } from './options';
import { provenanceText } from '../runtime/provenance';
import { findRunDir, readRunInfo, runProvenance } from './run-dir';
import { progressMeter } from './progress';
import { sampleFolder } from './sample-folder';

export async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('gan-sample')
    .usage('$0 <run dir | checkpoint dir> [--n 64] [--out FILE.png]\n\nDraws a grid of samples from a trained generator (the latest checkpoint of a run, or the checkpoint given).')
    .option('n', { type: 'number', default: 64, describe: 'number of samples per band of the grid' })
    .option('out', { type: 'string', describe: 'PNG file to write (default <run dir>/sample.png)' })
    .option('seed', { type: 'number', default: 0, describe: 'seed of the random inputs' })
    .option('scale', { type: 'number', default: 1, describe: 'enlarge the picture this many times (nearest neighbour)' })
    .option('backend', { type: 'string', describe: 'node-gpu | node | webgpu | wasm | cpu' })
    .option('format', { choices: ['grid', 'png'] as const, default: 'grid' as const, describe: 'grid: one PNG of a grid; png: --out is a folder, one PNG per sample (+ labels.csv), for clean-fid, pytorch-fid, torch-fidelity' })
    .option('band', { type: 'string', describe: 'with --format png: the preview band to write (its expression or index; default the first generated one)' })
    .option('weights', WEIGHTS_OPTION)
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
    .example('$0 runs/gan --format png --n 10000 --out samples/gan', '10000 PNG files for an FID tool')
    .example('$0 runs/gan', 'an 8x8 grid from the latest checkpoint of runs/gan')
    .demandCommand(1, 'name a run directory or a checkpoint')
    .strict()
    .fail(usageError('gan-sample'))
    .wrap(100)
    .help()
    .parseAsync();
  const maxN = argv.format === 'png' ? 100000 : 1024;
  checkInteger('n', argv.n, 1, maxN);
  checkInteger('scale', argv.scale, 1, 16);
  checkSeed(argv.seed);
  if (argv.format === 'grid') checkOutExtension(argv.out, ['.png'], 'the PNG file of the grid');
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

// gan-eval: scores a trained run's generator(s) with the MNIST evaluator (models/mnist-evaluator):
// FID and KID against the test split, classes covered, entropy, inception-style score, and, where
// the trainer's preview shows them, label accuracy, code-to-class maps and translation retention.
// --n and --out are checked before anything is evaluated. Where the references are the run's
// training data (a source without a test split), a warning says when that data is no longer what
// the run trained on (run.json's dataSha256).
import { accessSync, constants, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { selectBackend } from '../runtime/backend/select';
import { loadCheckpoint } from '../runtime/checkpoint';
import { UserError } from '../runtime/errors';
import { evaluateReal, evaluateRun, formatMetrics, loadEvaluator, MAX_EVAL_SAMPLES, referenceOf, type Metrics } from '../eval';
import { samplingNetworks, type WeightsChoice } from '../runtime/loop/ema';
import { buildNetworks } from '../runtime/loop/train';
import { installSeededRandom } from '../runtime/rng';
import { BASELINE_FILE } from '../report/run-files';
import { importTrainer } from '../runtime/trainer-module';
import { checkInteger, checkSeed, usageError, WEIGHTS_OPTION } from './options';
import { dataFiles, findRunDir, readRunInfo } from './run-dir';
import { evalSamples } from './eval-samples';
import { progressMeter } from './progress';

function disposeNets(nets: Record<string, tf.LayersModel>): void {
  for (const net of Object.values(nets)) net.dispose();
}

/** Pseudo-filesystems: their files are not where results go (and writing some never ends). */
const SYSTEM_DIRS = ['/proc', '/sys', '/dev'];

/**
 * Refuses an --out the JSON could not be written to, before the evaluation runs: its folder must
 * exist and be writable, outside /proc, /sys and /dev, and the file must be absent or a regular
 * file that can be written.
 */
export function checkOutFile(out: string): void {
  const file = resolve(out);
  let folder: string;
  try {
    folder = realpathSync(dirname(file));
  } catch {
    throw new UserError(`--out ${out}: the folder ${dirname(file)} does not exist`);
  }
  if (SYSTEM_DIRS.some((d) => folder === d || folder.startsWith(d + sep))) throw new UserError(`--out ${out}: ${folder} is a system folder, not a place for results`);
  if (!statSync(folder).isDirectory()) throw new UserError(`--out ${out}: ${dirname(file)} is not a folder`);
  let target: ReturnType<typeof statSync> | undefined;
  try {
    target = statSync(file);
  } catch {
    target = undefined;
  }
  if (target?.isDirectory()) throw new UserError(`--out ${out}: is a folder; name a file to write the JSON to`);
  if (target && !target.isFile()) throw new UserError(`--out ${out}: is not a regular file (a device, pipe or socket)`);
  try {
    accessSync(target ? file : folder, constants.W_OK);
  } catch {
    throw new UserError(`--out ${out}: ${target ? 'the file' : `the folder ${folder}`} is not writable`);
  }
}

export async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('gan-eval')
    .usage(
      '$0 <run dir | checkpoint dir> [--n 10000] [--json]\n\n' +
        'Scores the generator(s) of a run (its latest checkpoint, or the checkpoint given) with an MNIST ' +
        'classifier: FID and KID to the test split, classes covered, entropy, inception score, and where ' +
        "the preview uses them, label accuracy, categorical-code classes and translations' class retention.",
    )
    .option('n', { type: 'number', default: 10000, describe: `samples per preview band (2 to ${MAX_EVAL_SAMPLES})` })
    .option('json', { type: 'boolean', default: false, describe: 'print the metrics as JSON' })
    .option('baseline', { type: 'boolean', default: false, describe: 'also score the untrained networks (step 0) and real training images' })
    .option('untrained', { type: 'boolean', default: false, describe: 'score the networks as built (step 0), not the checkpoint' })
    .option('seed', { type: 'number', default: 0, describe: 'seed of the random inputs' })
    .option('out', { type: 'string', describe: 'also write the JSON to this file (checked before evaluating)' })
    .option('evaluator', { type: 'string', describe: 'evaluator directory (default models/mnist-evaluator)' })
    .option('backend', { type: 'string', describe: 'node-gpu | node | webgpu | wasm | cpu' })
    .option('samples', { type: 'string', describe: 'score this folder of image files instead of a run (gan-sample --format png, or any GAN); labels.csv adds label accuracy' })
    .option('reference-n', { type: 'number', default: 10000, describe: 'real test images to compare with' })
    .option('weights', WEIGHTS_OPTION)
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
    .example('$0 --samples samples/gan', 'score a folder of PNG files')
    .example('$0 runs/mymodel', 'score the latest checkpoint of runs/mymodel on 10000 samples')
    .example('$0 runs/mymodel/checkpoints/step-001000 --n 2000 --baseline --json', 'one checkpoint, untrained networks and real data, as JSON')
    .demandCommand(0)
    .check((a) => a.samples !== undefined || a._.length > 0 || 'name a run directory or a checkpoint (or --samples DIR)')
    .strict()
    .fail(usageError('gan-eval'))
    .wrap(100)
    .help()
    .parseAsync();
  checkInteger('n', argv.n, 2, MAX_EVAL_SAMPLES);
  if (argv.out !== undefined) checkOutFile(argv.out);
  checkInteger('reference-n', argv.referenceN, 2);
  checkSeed(argv.seed);
  const progress = progressMeter({ quiet: argv.quiet });
  if (argv.samples !== undefined) {
    if (argv._.length > 0) throw new UserError('--samples scores a folder: name no run directory with it');
    const backend = await selectBackend(argv.backend);
    if (!argv.json) console.log(`backend: ${backend}`);
    return evalSamples({ ...argv, samples: argv.samples, progress });
  }
  const target = String(argv._[0]);
  const runDir = findRunDir(target);
  const info = readRunInfo(runDir);
  const backend = await selectBackend(argv.backend);
  if (!argv.json) console.log(`backend: ${backend}`);
  const trainer = await importTrainer(join(runDir, info.module));
  const evaluator = await loadEvaluator(argv.evaluator);
  const opts = { n: argv.n, seed: argv.seed, dataDir: resolve(runDir, info.dataDir), evaluator, referenceN: argv.referenceN, progress };

  const weights = samplingNetworks(trainer, {}, argv.weights as WeightsChoice);
  if (weights.note && !argv.json) console.log(weights.note);
  const draw = (nets: Record<string, tf.LayersModel>) => samplingNetworks(trainer, nets, argv.weights as WeightsChoice).nets;
  const results: { label: string; checkpoint?: string; metrics: Metrics }[] = [];
  const report = (label: string, metrics: Metrics, checkpoint?: string) => {
    results.push({ label, ...(checkpoint ? { checkpoint } : {}), metrics });
    if (!argv.json) console.log(formatMetrics(metrics, label));
  };
  if (!argv.untrained) {
    installSeededRandom(info.seed);
    const nets = buildNetworks(trainer);
    try {
      const loaded = await loadCheckpoint(resolve(target), nets);
      report(`${trainer.name} step ${loaded.step} (${loaded.dir})`, await evaluateRun(trainer, draw(nets), { ...opts, step: loaded.step }), loaded.dir);
    } finally {
      disposeNets(nets);
    }
  }
  if (argv.untrained || argv.baseline) {
    // The run's own step-0 networks: built from its seed, as gan-train builds them.
    installSeededRandom(info.seed);
    const nets = buildNetworks(trainer);
    try {
      report(`${trainer.name} untrained (step 0)`, await evaluateRun(trainer, draw(nets), { ...opts, step: 0 }));
    } finally {
      disposeNets(nets);
    }
  }
  // Real images as many as the generator's samples (translation models use each test image once), so FIDs compare.
  if (argv.baseline) report(`real ${trainer.data.source} images`, await evaluateReal(trainer, { ...opts, n: results[0]?.metrics.n ?? argv.n }));

  if (info.dataSha256 !== undefined) {
    // Cached: the evaluations above computed these references.
    const ref = await referenceOf(trainer, evaluator, opts.dataDir, opts.referenceN, progress);
    if (ref.split === 'train' && ref.data.identity() !== info.dataSha256) {
      console.error(`warning: ${runDir} trained on other images than its ${dataFiles(trainer.data)} holds now (run.json's dataSha256): FID and KID compare with them as they are now`);
    }
  }
  const drawnWith = trainer.ema?.length ? { weights: { choice: argv.weights, drawnWith: weights.drawnWith } } : {};
  const json = JSON.stringify({ model: trainer.name, runDir, evaluator: evaluator.meta.testAccuracy, ...drawnWith, results }, null, 2);
  if (argv.json) console.log(json);
  if (argv.out) writeFileSync(argv.out, json + '\n');
  // gan-report draws these as the reference lines of the run's metric curves.
  if (argv.baseline) writeFileSync(join(runDir, BASELINE_FILE), json + '\n');
}

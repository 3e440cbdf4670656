// gan-eval's scoring, once cli/eval.ts has checked the options: scores a trained run's
// generator(s) with the MNIST evaluator (models/mnist-evaluator): FID and KID against the test
// split, classes covered, entropy, inception-style score, and, where the trainer's preview shows
// them, label accuracy, code-to-class maps and translation retention. Where the references are
// the run's training data (a source without a test split), a warning says when that data is no
// longer what the run trained on (run.json's dataSha256).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../runtime/backend/select';
import { loadCheckpoint } from '../runtime/checkpoint';
import { UserError } from '../runtime/errors';
import { evaluateReal, evaluateRun, formatMetrics, loadEvaluator, referenceOf, type Metrics } from '../eval';
import { samplingNetworks, type WeightsChoice } from '../runtime/loop/ema';
import { buildNetworks } from '../runtime/loop/train';
import { installSeededRandom } from '../runtime/rng';
import { BASELINE_FILE } from '../report/run-files';
import { importTrainer } from '../runtime/trainer-module';
import type { EvalArgs } from './eval';
import { dataFiles, findRunDir, readRunInfo } from './run-dir';
import { evalSamples } from './eval-samples';
import { progressMeter } from './progress';

function disposeNets(nets: Record<string, tf.LayersModel>): void {
  for (const net of Object.values(nets)) net.dispose();
}

export async function runEval(argv: EvalArgs): Promise<void> {
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

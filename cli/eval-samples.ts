// gan-eval --samples DIR: scores a folder of image files (gan-sample --format png's, or any other
// GAN's) with the MNIST evaluator (eval/folder.ts) and prints the metrics, as text or --json.
import { writeFileSync } from 'node:fs';
import { evaluateFolder, formatMetrics, loadEvaluator } from '../eval';
import type { ProgressMeter } from './progress';

export interface SamplesArgs {
  samples: string;
  json: boolean;
  out?: string;
  evaluator?: string;
  referenceN: number;
  progress: ProgressMeter;
}

export async function evalSamples(args: SamplesArgs): Promise<void> {
  const evaluator = await loadEvaluator(args.evaluator);
  const metrics = await evaluateFolder(args.samples, { evaluator, referenceN: args.referenceN, progress: args.progress });
  const json = JSON.stringify({ samples: args.samples, evaluator: evaluator.meta.testAccuracy, results: [{ label: `images in ${args.samples}`, metrics }] }, null, 2);
  if (args.json) console.log(json);
  else console.log(formatMetrics(metrics, `images in ${args.samples}`));
  if (args.out) writeFileSync(args.out, json + '\n');
}

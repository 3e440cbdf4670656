// gan-eval: parses and checks its options (--n, --out and the rest, before anything is
// evaluated), then scores (cli/eval-run.ts), loaded only then: TensorFlow.js and the evaluator
// take most of a second to load, so that --help and a usage mistake answer without them.
// Imports yargs, node's fs and path, eval/protocol, runtime/errors and cli/options; cli/eval-run
// only when scoring.
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { MAX_EVAL_SAMPLES } from '../eval/protocol';
import { UserError } from '../runtime/errors';
import { checkInteger, checkSeed, usageError, WEIGHTS_OPTION } from './options';

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

/** gan-eval's options, parsed (--help, and a usage mistake in one line, end here). */
function parse(args: string[]) {
  return yargs(args)
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
}

export type EvalArgs = Awaited<ReturnType<typeof parse>>;

export async function main(): Promise<void> {
  const argv = await parse(hideBin(process.argv));
  checkInteger('n', argv.n, 2, MAX_EVAL_SAMPLES);
  if (argv.out !== undefined) checkOutFile(argv.out);
  checkInteger('reference-n', argv.referenceN, 2);
  checkSeed(argv.seed);
  const { runEval } = await import('./eval-run');
  await runEval(argv);
}

// gan-sample: parses and checks its options, then draws (cli/sample-run.ts), loaded only then:
// TensorFlow.js takes most of a second to load, so that --help and a usage mistake answer
// without it. Imports yargs and cli/options; cli/sample-run only when drawing.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { checkInteger, checkOutExtension, checkSeed, usageError, WEIGHTS_OPTION } from './options';

/** gan-sample's options, parsed (--help, and a usage mistake in one line, end here). */
function parse(args: string[]) {
  return yargs(args)
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
}

export type SampleArgs = Awaited<ReturnType<typeof parse>>;

export async function main(): Promise<void> {
  const argv = await parse(hideBin(process.argv));
  const maxN = argv.format === 'png' ? 100000 : 1024;
  checkInteger('n', argv.n, 1, maxN);
  checkInteger('scale', argv.scale, 1, 16);
  checkSeed(argv.seed);
  if (argv.format === 'grid') checkOutExtension(argv.out, ['.png'], 'the PNG file of the grid');
  const { runSample } = await import('./sample-run');
  await runSample(argv);
}

// gan-export: parses its options, then writes a trained run's generator (cli/export-run.ts),
// loaded only then: the exporter, the compiler and TensorFlow.js take most of two seconds to
// load, so that --help and a usage mistake answer without them.
// Imports yargs and cli/options; cli/export-run only when exporting.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { usageError, WEIGHTS_OPTION } from './options';

/** gan-export's options, parsed (--help, and a usage mistake in one line, end here). */
function parse(args: string[]) {
  return yargs(args)
    .scriptName('gan-export')
    .usage('$0 <run dir | checkpoint dir> --out DIR\n\nWrites the generator of a trained run for JavaScript: models/ (TensorFlow.js web format), a typed sampler.ts/.js/.d.ts, and index.html + page.js, a page that draws samples in the browser.')
    .option('out', { type: 'string', demandOption: true, describe: 'folder to write (created; its models/ is replaced)' })
    .option('backend', { type: 'string', describe: 'node-gpu | node | webgpu | wasm | cpu (to load the checkpoint)' })
    .option('page', { type: 'boolean', default: true, describe: 'write index.html + page.js (--no-page: the models and sampler only)' })
    .option('band', { type: 'string', describe: "the preview band to export: its expression or index, e.g. 'G_BA(b)' (default: the first generated one)" })
    .option('weights', WEIGHTS_OPTION)
    .example('$0 runs/cgan --out web/cgan', 'then serve web/cgan and open index.html, or import web/cgan/sampler.js')
    .example("$0 runs/cyclegan --out web/cyclegan-ba --band 'G_BA(b)'", 'export the B-to-A translation of a CycleGAN')
    .demandCommand(1, 'name a run directory or a checkpoint')
    .strict()
    .fail(usageError('gan-export'))
    .wrap(100)
    .help()
    .parseAsync();
}

export type ExportArgs = Awaited<ReturnType<typeof parse>>;

export async function main(): Promise<void> {
  const argv = await parse(hideBin(process.argv));
  const { runExport } = await import('./export-run');
  await runExport(argv);
}

// gan-report: one self-contained HTML page (report/) for one run directory or several side by
// side: losses, metrics, sample grids with a slider, final values, warnings, spec differences
// and how each run was made. Progress on stderr (--quiet: none).
import { resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UserError } from '../runtime/errors';
import { writeReport } from '../report';
import { progressMeter } from './progress';
import { checkOutExtension, usageError } from './options';

export async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('gan-report')
    .usage(
      '$0 <run dir...> [--out report.html]\n\n' +
        'Writes one HTML file, with no outside resources (it opens from disk and can be mailed), for\n' +
        'one run or several side by side: loss curves per phase, metrics from metrics.jsonl, sample\n' +
        'grids over time, final values, warnings, spec differences and how each run was made.',
    )
    .option('out', { type: 'string', describe: 'HTML file to write (default: report.html in the run directory for one run, else ./report.html)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
    .example('$0 runs/gan', 'runs/gan/report.html')
    .example('$0 runs/wgan runs/wgan-gp --out compare.html', 'two runs side by side')
    .demandCommand(1, 'name one run directory or more')
    .strict()
    .fail(usageError('gan-report'))
    .wrap(100)
    .help()
    .parseAsync();
  checkOutExtension(argv.out, ['.html', '.htm'], 'the HTML file of the report');
  const dirs = argv._.map(String);
  const seen = new Set<string>();
  for (const d of dirs) {
    if (seen.has(resolve(d))) throw new UserError(`${d} is named twice`);
    seen.add(resolve(d));
  }
  const out = argv.out ?? (dirs.length === 1 ? resolve(dirs[0], 'report.html') : 'report.html');
  const bytes = await writeReport(dirs, out, { progress: progressMeter({ quiet: argv.quiet }) });
  console.log(`wrote ${out} (${Math.round(bytes / 1024)} KB, ${dirs.length} run${dirs.length === 1 ? '' : 's'})`);
}

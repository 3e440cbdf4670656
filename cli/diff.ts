// gan-diff: the difference of two specs as resolved by the compiler (defaults, extends, blocks
// and like copies expanded): networks layer by layer, losses term by term, schedule, data,
// sampling (--all: preview and checkpoints too). Exit codes as diff(1): 0 no difference, 1 they
// differ, 2 trouble (a spec with errors: its diagnostics are printed).
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UserError } from '../runtime/errors';
import { diffText } from './explain';
import { usageError } from './options';

export async function main(): Promise<void> {
  try {
    process.exitCode = await diff();
  } catch (err) {
    // runMain would exit 1, which here means "they differ": every failure exits 2.
    if (err instanceof UserError) console.error(`gan-diff: ${err.message}`);
    else if (process.env.GANSPEC_DEBUG) console.error(err);
    else console.error(`gan-diff: internal error: ${err instanceof Error ? err.message : String(err)} (set GANSPEC_DEBUG=1 for details)`);
    process.exitCode = 2;
  }
}

async function diff(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('gan-diff')
    .usage(
      '$0 <A> <B> [--json] [--all] [--set key=value ...]\n\n' +
        'What differs from spec A to spec B once both are resolved: networks (layers added, removed, changed, with shapes and parameters), ' +
        'losses term by term, schedule (batch, steps, each phase: updates, loss, repeat, clip, optimizer and its settings), data and sampling.\n' +
        'Exit status: 0 no difference, 1 they differ, 2 trouble (a spec with errors, a usage mistake).',
    )
    .option('json', { type: 'boolean', default: false, describe: 'the difference as JSON' })
    .option('all', { type: 'boolean', default: false, describe: 'also compare the preview and checkpoints (they do not change training)' })
    .option('set', { type: 'string', array: true, default: [] as string[], describe: 'override a value of both specs, e.g. --set schedule.batch=64' })
    .example('$0 specs/wgan.yaml specs/wgan-gp.yaml', 'what WGAN-GP changes in WGAN')
    .demandCommand(2, 2, 'name two spec files: gan-diff A B', 'name two spec files, not more: gan-diff A B')
    .strict()
    .fail(usageError('gan-diff'))
    .wrap(100)
    .help()
    .parseAsync();
  const files = argv._.map(String);
  if (files.length !== 2) throw new UserError(`name two spec files, got ${files.length} (gan-diff --help)`);
  const result = diffText(files[0], files[1], { json: argv.json, all: argv.all, set: argv.set.map(String) });
  if (result === undefined) return 2;
  process.stdout.write(result.text);
  return result.differ ? 1 : 0;
}

// gan-train: parses and checks the options, then trains (cli/train-run.ts). The training side
// (TensorFlow.js, the compiler, the evaluator: most of a second of module loading) loads only
// once the options have passed, so that --help and a usage mistake answer without it.
// Imports yargs, cli/options, cli/torch-nodes and runtime/errors; cli/train-run only when training.
import { extname } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UserError } from '../runtime/errors';
import { checkInteger, checkSeed, usageError } from './options';
import { torchNodes, type Nodes } from './torch-nodes';

const SPEC_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

/** --target torch takes a spec, and none of the options that only the TensorFlow.js loop has. */
function refuseForTorch(isSpec: boolean, argv: { backend?: string }): void {
  if (!isSpec) throw new UserError('--target torch compiles a spec: give the spec, not a TypeScript module');
  if (argv.backend !== undefined) throw new UserError('--backend chooses a TensorFlow.js backend: with --target torch use --device cpu|cuda');
}

/** gan-train's options, parsed (--help, and a usage mistake in one line, end here). */
function parse(args: string[]) {
  return yargs(args)
    .scriptName('gan-train')
    .usage(
      '$0 <spec.yaml | module.ts> [options]\n\n' +
        'Trains a GAN; a spec is compiled into the run directory first. The run directory\n' +
        '(default runs/<name>) receives samples/step-*.png (sample grids), checkpoints/\n' +
        '(weights, optimizer state, step, RNG), losses.jsonl and run.json. A fresh run needs a\n' +
        'directory holding no run; one gan-train at a time works in a run directory (a lock).',
    )
    .option('steps', { type: 'number', describe: "schedule steps to train (default: the spec's)" })
    .option('batch', { type: 'number', describe: "batch size (default: the spec's)" })
    .option('backend', { type: 'string', describe: 'node-gpu | node | webgpu | wasm | cpu (default: the best available; or GANSPEC_BACKEND)' })
    .option('out', { type: 'string', describe: 'run directory (default runs/<name>)' })
    .option('seed', { type: 'number', default: 0, describe: 'random seed; runs repeat exactly on the cpu backend' })
    .option('set', { type: 'string', array: true, default: [] as string[], describe: 'override a spec value, e.g. --set schedule.batch=64' })
    .option('strict', { type: 'boolean', default: false, describe: 'warnings of the spec are errors: nothing is trained when it has one (a spec can say strict: true)' })
    .option('resume', { type: 'boolean', default: false, describe: 'continue from the run directory’s latest checkpoint' })
    .option('resume-from', { type: 'string', describe: 'continue from this checkpoint of the run (e.g. checkpoints/step-000200, when the latest is damaged); later records are dropped' })
    .option('allow-changes', { type: 'boolean', default: false, describe: 'let --resume continue after a change of learning rates, optimizer settings, repeat, clip, batch, EMA decay, noise parameters or --seed (README: Resuming); run.json records it. Architecture, losses, optimizer kind, random input shapes and data cannot change' })
    .option('eval-every', { type: 'number', default: 0, describe: 'every N steps (and at step 0 of a fresh run), evaluate the generators (FID, KID, classes, ...) into metrics.jsonl; with --target torch too (on several machines, node 0 scores)' })
    .option('eval-n', { type: 'number', default: 2000, describe: 'samples per evaluation' })
    .option('report', { type: 'boolean', default: true, describe: 'write report.html (gan-report) into the run directory at every checkpoint; --no-report: not' })
    .option('target', { choices: ['tfjs', 'torch'] as const, default: 'tfjs' as const, describe: 'tfjs: train on TensorFlow.js; torch: compile the spec for PyTorch too and train there (README: Training on PyTorch)' })
    .option('nproc', { type: 'number', describe: 'with --target torch: processes under torchrun (default 1); the batch is the global batch, split across them' })
    .option('device', { choices: ['cpu', 'cuda'] as const, describe: 'with --target torch: cpu (gloo between processes, the default) or cuda (one GPU per process, NCCL)' })
    .option('nnodes', { type: 'number', describe: 'with --target torch: machines training the run together (default 1), each with --nproc processes; start the same command on each, with its --node-rank' })
    .option('node-rank', { type: 'number', describe: "with --nnodes: this machine's place, 0 to nnodes-1; node 0 writes the run directory, evaluates and decides steps, batch, seed and resume for all" })
    .option('master', { type: 'string', describe: "with --nnodes: HOST:PORT, node 0's address and a free port there, where the nodes meet" })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress: neither the images read on stderr nor a step line every 2 s (the last step and the result stay)' })
    .example('$0 specs/gan.yaml --steps 2000', 'train a GAN on MNIST for 2000 steps')
    .example('$0 specs/gan.yaml --steps 4000 --resume', 'continue that run to step 4000')
    .example('$0 specs/gan.yaml --eval-every 500', 'log FID and class coverage every 500 steps')
    .example('$0 specs/dcgan.yaml --target torch --nproc 2', 'train DCGAN on PyTorch in 2 processes')
    .example('$0 specs/dcgan.yaml --target torch --nnodes 2 --node-rank 0 --master host0:29500', 'node 0 of a run on 2 machines (node 1: --node-rank 1)')
    .demandCommand(1, 'name a spec or a generated module')
    .strict()
    .fail(usageError('gan-train'))
    .wrap(100)
    .help()
    .parseAsync();
}

export type TrainArgs = Awaited<ReturnType<typeof parse>>;

/** What the options ask, checked: the spec or module, and what follows from the options. */
export interface TrainRequest {
  argv: TrainArgs;
  input: string;
  isSpec: boolean;
  set: string[];
  resume: boolean;
  torch: boolean;
  /** The machines of a run on several (--nnodes). */
  nodes?: Nodes;
}

export async function main(args: string[] = hideBin(process.argv), log: (line: string) => void = (line) => console.log(line)): Promise<void> {
  const argv = await parse(args);
  const input = String(argv._[0]);
  checkInteger('steps', argv.steps, 1);
  checkInteger('batch', argv.batch, 1);
  checkInteger('eval-every', argv.evalEvery, 0);
  checkSeed(argv.seed);
  const isSpec = SPEC_EXTENSIONS.has(extname(input));
  if (!isSpec && !MODULE_EXTENSIONS.has(extname(input))) {
    throw new UserError(`${input} is neither a spec (${[...SPEC_EXTENSIONS].join(', ')}) nor a trainer module (${[...MODULE_EXTENSIONS].join(', ')})`);
  }
  const set = argv.set.map(String);
  if (!isSpec && set.length > 0) throw new UserError('--set applies to specs; recompile the module with gan-compile --set instead');
  if (!isSpec && argv.strict) throw new UserError('--strict applies to specs; a module was compiled already (gan-compile --strict)');
  const resume = argv.resume || argv.resumeFrom !== undefined;
  const torch = argv.target === 'torch';
  if (torch) refuseForTorch(isSpec, argv);
  else {
    const torchOnly = (['nproc', 'device', 'nnodes', 'node-rank', 'master'] as const).find((o) => argv[o] !== undefined);
    if (torchOnly !== undefined) throw new UserError(`--${torchOnly} goes with --target torch`);
  }
  const nodes = torch ? torchNodes(argv) : undefined;

  const { runTraining } = await import('./train-run');
  await runTraining({ argv, input, isSpec, set, resume, torch, nodes }, log);
}

// gan-train: compiles a spec (or takes a generated module), picks the backend and trains it,
// writing samples/, checkpoints/, losses.jsonl and run.json into the run directory. Training
// that cannot fit in memory at the batch and backend given is refused before anything is written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { selectBackend } from '../runtime/backend/select';
import { UserError } from '../runtime/errors';
import { machineMemory, memoryProblem, type MemoryEstimate, type MemoryLimit } from '../compiler/check/memory';
import { formatSize } from '../compiler/limits';
import { backendHeapBytes, networksMemory } from '../runtime/memory';
import { evalEvery, MAX_EVAL_SAMPLES } from '../eval';
import { buildNetworks, train } from '../runtime/loop/train';
import { importTrainer } from '../runtime/trainer-module';
import { moduleOrFail } from './module';
import { relativeTo, writeRunInfo } from './run-dir';

const SPEC_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** The memory training can use: the machine's, and on wasm at most its heap. */
function memoryLimit(): MemoryLimit {
  const heap = backendHeapBytes();
  if (heap === undefined || totalmem() <= heap) return machineMemory();
  return { bytes: heap, what: `the wasm backend's ${formatSize(heap)} heap` };
}

function refuseIfTooLarge(what: string, estimate: MemoryEstimate, batch: number): void {
  const problem = memoryProblem(estimate, batch, memoryLimit());
  if (problem) throw new UserError(`${what}: ${problem}; nothing was trained`);
}

/** Compiles the spec straight into the run directory; returns the run directory and the module's path. */
function compileInto(spec: string, overrides: string[], out: string | undefined, batch: number | undefined): { module: string; runDir: string } {
  // Type-checked by gan-compile and the tests; here only formatted, as it is written.
  const compiled = moduleOrFail(spec, { overrides, typeCheck: false }, 'trained');
  refuseIfTooLarge(spec, compiled.memory.estimate, batch ?? compiled.memory.batch);
  const runDir = out ?? join('runs', compiled.name);
  // .mts: an ES module wherever the run directory is, whatever package.json is around it.
  const module = join(runDir, `${compiled.name}.mts`);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(module, compiled.text);
  return { module, runDir };
}

export async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('gan-train')
    .usage(
      '$0 <spec.yaml | module.ts> [options]\n\n' +
        'Trains a GAN; a spec is compiled into the run directory first. The run directory\n' +
        '(default runs/<name>) receives samples/step-*.png (sample grids), checkpoints/\n' +
        '(weights, optimizer state, step, RNG), losses.jsonl and run.json.',
    )
    .option('steps', { type: 'number', describe: "schedule steps to train (default: the spec's)" })
    .option('batch', { type: 'number', describe: "batch size (default: the spec's)" })
    .option('backend', { type: 'string', describe: 'node-gpu | node | wasm | cpu (default: the best available; or GANSPEC_BACKEND)' })
    .option('out', { type: 'string', describe: 'run directory (default runs/<name>)' })
    .option('seed', { type: 'number', default: 0, describe: 'random seed; runs repeat exactly on the cpu backend' })
    .option('set', { type: 'string', array: true, default: [] as string[], describe: 'override a spec value, e.g. --set schedule.batch=64' })
    .option('resume', { type: 'boolean', default: false, describe: 'continue from the run directory’s latest checkpoint' })
    .option('eval-every', { type: 'number', default: 0, describe: 'every N steps, evaluate the generators (FID, KID, classes, ...) into metrics.jsonl' })
    .option('eval-n', { type: 'number', default: 2000, describe: 'samples per evaluation' })
    .example('$0 specs/gan.yaml --steps 2000', 'train a GAN on MNIST for 2000 steps')
    .example('$0 specs/gan.yaml --steps 4000 --resume', 'continue that run to step 4000')
    .example('$0 specs/gan.yaml --eval-every 500', 'log FID and class coverage every 500 steps')
    .demandCommand(1, 'name a spec or a generated module')
    .strict()
    .wrap(100)
    .help()
    .parseAsync();
  const input = String(argv._[0]);
  for (const [name, v] of [['steps', argv.steps], ['batch', argv.batch], ['eval-n', argv.evalN]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new UserError(`--${name} must be a positive integer, got ${v}`);
  }
  if (argv.evalN > MAX_EVAL_SAMPLES) throw new UserError(`--eval-n must be at most ${MAX_EVAL_SAMPLES}, got ${argv.evalN}`);
  if (!Number.isInteger(argv.evalEvery) || argv.evalEvery < 0) throw new UserError(`--eval-every must be a whole number of steps, got ${argv.evalEvery}`);

  const backend = await selectBackend(argv.backend);
  console.log(`backend: ${backend}`);

  let modulePath: string;
  let runDir: string;
  let dataDir: string;
  if (SPEC_EXTENSIONS.has(extname(input))) {
    const compiled = compileInto(input, argv.set.map(String), argv.out, argv.batch);
    modulePath = compiled.module;
    runDir = compiled.runDir;
    dataDir = dirname(resolve(input));
  } else {
    if (argv.set.length > 0) throw new UserError('--set applies to specs; recompile the module with gan-compile --set instead');
    modulePath = input;
    runDir = '';
    dataDir = process.cwd();
  }
  const trainer = await importTrainer(modulePath);
  if (!runDir) {
    // A module has no spec to estimate from: its networks, built once here, give the figures.
    const nets = buildNetworks(trainer);
    const estimate = networksMemory(trainer, nets);
    for (const net of Object.values(nets)) net.dispose();
    refuseIfTooLarge(modulePath, estimate, argv.batch ?? trainer.hyperparameters.batch);
  }
  runDir ||= argv.out ?? join('runs', trainer.name);
  mkdirSync(runDir, { recursive: true });
  const steps = argv.steps ?? trainer.hyperparameters.steps;
  const batch = argv.batch ?? trainer.hyperparameters.batch;
  writeRunInfo(runDir, {
    name: trainer.name,
    module: relativeTo(runDir, modulePath),
    dataDir: relativeTo(runDir, dataDir),
    spec: SPEC_EXTENSIONS.has(extname(input)) ? relativeTo(runDir, input) : undefined,
    seed: argv.seed,
    batch,
    steps,
    backend,
  });
  console.log(`training ${trainer.name} (${trainer.source}) for ${steps} steps at batch ${batch} into ${runDir}/`);
  const afterStep = argv.evalEvery > 0 ? evalEvery(trainer, argv.evalEvery, { runDir, dataDir, n: argv.evalN }) : undefined;
  const result = await train(trainer, { runDir, dataDir, steps, batch, seed: argv.seed, resume: argv.resume, afterStep });
  console.log(`done: ${Math.round(result.msPerStep)} ms/step; samples in ${join(runDir, 'samples')}/, checkpoint ${result.checkpoint}`);
}

// gan-train: compiles a spec (or takes a generated module), picks the backend and trains it,
// writing samples/, checkpoints/, losses.jsonl and run.json into the run directory. Nothing is
// written before every check has passed: the spec compiles (in memory), the run directory is
// usable and locked (runtime/run-lock.ts), holds no run (or, with --resume, a run whose spec,
// batch and seed the checkpoint can continue with: cli/resume-check.ts), and the checkpoint loads; only then are the module and
// run.json written (atomically). Training that cannot fit in memory at the batch and backend
// given is refused before anything is written, too. A node other than 0 of a run on several
// machines (--target torch --nnodes) writes nothing at all: it trains with node 0 (trainOnNode).
import { existsSync, readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { AnyTrainer } from '../contract/trainer';
import { selectBackend } from '../runtime/backend/select';
import { writeFileAtomic } from '../runtime/atomic-write';
import { UserError } from '../runtime/errors';
import { fileSystemError } from '../runtime/file-errors';
import { machineMemory, memoryProblem, type MemoryEstimate, type MemoryLimit } from '../compiler/check/memory';
import { formatSize } from '../compiler/limits';
import { evalHooks, MAX_EVAL_SAMPLES } from '../eval';
import { refreshReport } from '../report';
import { buildNetworks, train } from '../runtime/loop/train';
import { commandLine, eventsSize, lastEvent, trainSettings } from '../runtime/loop/events';
import { backendHeapBytes, networksMemory } from '../runtime/memory';
import { refuseExistingRun, refuseNothingToResume } from '../runtime/run-files';
import { acquireRunLock, SIGNAL_EXIT_CODES } from '../runtime/run-lock';
import { importTrainer } from '../runtime/trainer-module';
import { importModuleText, moduleOrFail } from './module';
import { checkInteger, checkSeed, usageError } from './options';
import { progressMeter } from './progress';
import { checkResume, checkResumeData } from './resume-check';
import { trainOnNode, trainTorch } from './train-torch';
import { torchNodes } from './torch-nodes';
import { prepareRunDir, readRunInfo, relativeTo, resumeFromCheckpoint, runProvenance, sameModule, sha256, specSha256, writeRunInfo, type RunInfo } from './run-dir';

const SPEC_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

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

/** A module has no spec to estimate from: its networks, built once, give the figures. */
function moduleMemory(trainer: AnyTrainer): MemoryEstimate {
  const nets = buildNetworks(trainer);
  try {
    return networksMemory(trainer, nets);
  } finally {
    for (const net of Object.values(nets)) net.dispose();
  }
}

/** --target torch takes a spec, and none of the options that only the TensorFlow.js loop has. */
function refuseForTorch(isSpec: boolean, argv: { backend?: string }): void {
  if (!isSpec) throw new UserError('--target torch compiles a spec: give the spec, not a TypeScript module');
  if (argv.backend !== undefined) throw new UserError('--backend chooses a TensorFlow.js backend: with --target torch use --device cpu|cuda');
}

export async function main(args: string[] = hideBin(process.argv), log: (line: string) => void = (line) => console.log(line)): Promise<void> {
  const argv = await yargs(args)
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
  const input = String(argv._[0]);
  checkInteger('steps', argv.steps, 1);
  checkInteger('batch', argv.batch, 1);
  checkInteger('eval-n', argv.evalN, 1, MAX_EVAL_SAMPLES);
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

  // Compiled in memory; a module is read where it is.
  let text: string;
  let trainer: AnyTrainer;
  let specValues: unknown;
  let memory: { estimate: MemoryEstimate; batch: number } | undefined;
  if (isSpec) {
    // Type-checked by gan-compile and the tests; here only formatted, as it is written.
    const compiled = moduleOrFail(input, { overrides: set, typeCheck: false, strict: argv.strict }, 'trained');
    text = compiled.text;
    specValues = compiled.values;
    memory = compiled.memory;
    trainer = await importModuleText(compiled.name, text);
  } else {
    try {
      trainer = await importTrainer(input);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`${input} is not a trainer module generated by gan-compile: ${String((err as Error).message).split('\n')[0]}`);
    }
    text = readFileSync(input, 'utf8');
  }
  const runDir = argv.out ?? join('runs', trainer.name);
  // .mts: an ES module wherever the run directory is, whatever package.json is around it.
  const modulePath = isSpec ? join(runDir, `${trainer.name}.mts`) : input;
  const dataDir = isSpec ? dirname(resolve(input)) : process.cwd();
  const steps = argv.steps ?? trainer.hyperparameters.steps;
  const batch = argv.batch ?? trainer.hyperparameters.batch;

  const nproc = argv.nproc ?? 1;
  const device = argv.device ?? 'cpu';
  if (torch) checkInteger('nproc', argv.nproc, 1);
  const processes = nproc * (nodes?.count ?? 1);
  const backend = torch ? `torch-${device}${processes > 1 ? ` x${processes}` : ''}` : await selectBackend(argv.backend);
  log(`backend: ${backend}`);
  if (nodes !== undefined && nodes.rank > 0) {
    log(`node ${nodes.rank} of ${nodes.count}: training ${trainer.name} on PyTorch with node 0 at ${argv.master}, which writes the run and decides the steps, batch, seed and resume`);
    const leftToNode0 = [
      argv.steps !== undefined && `--steps ${argv.steps}`, argv.batch !== undefined && `--batch ${argv.batch}`, argv.seed !== 0 && `--seed ${argv.seed}`,
      argv.resume && '--resume', argv.resumeFrom !== undefined && `--resume-from ${argv.resumeFrom}`, argv.allowChanges && '--allow-changes',
      argv.evalEvery > 0 && `--eval-every ${argv.evalEvery}`, argv.out !== undefined && `--out ${argv.out}`, !argv.report && '--no-report',
    ].filter((given) => given !== false);
    if (leftToNode0.length > 0) log(`node ${nodes.rank} leaves ${leftToNode0.join(', ')} to node 0, which acts on them for every node`);
    process.exitCode = await trainOnNode({ spec: input, data: trainer.data, set, strict: argv.strict, runDir, dataDir, steps, batch, seed: argv.seed, nproc, device, nodes, quiet: argv.quiet, log });
    return;
  }
  if (nodes !== undefined) log(`node 0 of ${nodes.count}: the nodes meet at ${argv.master}; this one writes the run and decides the steps, batch, seed and resume`);
  if (!torch) refuseIfTooLarge(input, memory?.estimate ?? moduleMemory(trainer), batch);

  prepareRunDir(runDir, resume);
  const lock = acquireRunLock(runDir, log);
  try {
    const old: RunInfo | undefined = resume && existsSync(join(runDir, 'run.json')) ? readRunInfo(runDir) : undefined;
    if (!resume) refuseExistingRun(runDir);
    else if (argv.resumeFrom === undefined) refuseNothingToResume(runDir);
    if (old !== undefined && (old.target === 'torch') !== torch) {
      throw new UserError(`${runDir} was trained ${old.target === 'torch' ? 'with --target torch' : 'on TensorFlow.js'}: resume it ${old.target === 'torch' ? 'with --target torch' : 'without --target torch'}`);
    }
    const moduleSha256 = sha256(text);
    const resumeFrom = argv.resumeFrom !== undefined ? resumeFromCheckpoint(runDir, argv.resumeFrom) : undefined;
    const spec = isSpec ? { file: input, set, values: specValues } : undefined;
    const changes = resume
      ? await checkResume({ runDir, checkpoint: resumeFrom, old, spec, sameModule: old === undefined || sameModule(runDir, old, text), batch, seed: argv.seed, backend, allowChanges: argv.allowChanges, log })
      : [];
    const requestedBackend = argv.backend ?? process.env.GANSPEC_BACKEND;
    const info: RunInfo = {
      name: trainer.name,
      module: relativeTo(runDir, modulePath),
      dataDir: relativeTo(runDir, dataDir),
      spec: isSpec ? relativeTo(runDir, input) : undefined,
      seed: argv.seed,
      batch,
      steps,
      backend,
      overrides: {
        set,
        ...(argv.batch !== undefined ? { batch: argv.batch } : {}),
        ...(argv.steps !== undefined ? { steps: argv.steps } : {}),
        seed: argv.seed,
        ...(requestedBackend ? { backend: requestedBackend } : {}),
      },
      moduleSha256,
      ...(specValues !== undefined ? { specValues, specSha256: specSha256(specValues) } : {}),
      ...(torch ? { target: 'torch' as const, torchModule: `${trainer.name}.py`, nproc, device, ...(nodes ? { nnodes: nodes.count } : {}) } : {}),
    };
    const provenance = runProvenance(info);
    // The checks have passed: from here on a Ctrl-C or kill stops training after the step in
    // progress, with that step's checkpoint (one while the data load: step 0's, on a fresh run); a
    // second one stops at once.
    const stop = new AbortController();
    const stopping = (signal: string) => log(`${signal}: stopping after this step, with its checkpoint (send it again to stop at once)`);
    // (On PyTorch, trainTorch says it once the stop reaches the training: one while the nodes meet ends the run before it began.)
    lock.deferSignals((signal) => {
      if (!torch) stopping(signal);
      stop.abort(signal);
    });
    if (torch) {
      const resumes = resume ? [...(old?.resumes ?? []), { step: -1, steps, at: new Date().toISOString(), changes }] : undefined;
      log(`training ${trainer.name} (${trainer.source}) on PyTorch for ${steps} steps at batch ${batch} into ${runDir}/`);
      if (argv.evalEvery > 0) log(`evaluating every ${argv.evalEvery} steps on ${await selectBackend()} (training stopped meanwhile)`);
      const eventsBefore = eventsSize(runDir);
      const code = await trainTorch({
        spec: input, data: trainer.data, set, strict: argv.strict, runDir, dataDir, steps, batch, seed: argv.seed, resume, resumeFrom, nproc, device, nodes, quiet: argv.quiet, log,
        launch: {
          runInfo: { ...info, ...(resumes ? { resumes } : {}) }, provenance, spec: { sha256: specSha256(specValues), values: specValues },
          settings: trainSettings(trainer, batch, steps, argv.seed), command: commandLine(),
          ...(resume && old?.dataSha256 !== undefined ? { dataCheck: { sha256: old.dataSha256, allowChanges: argv.allowChanges } } : {}),
        },
        files: { [basename(modulePath)]: text },
        // --eval-every: Python stops at each evaluation step; this process scores its snapshot on the best tf.js backend.
        ...(argv.evalEvery > 0 ? { evalEvery: argv.evalEvery, eval: { trainer, runDir, dataDir, n: argv.evalN, seed: argv.seed, provenance, log } } : {}),
        stop: stop.signal,
        stopping,
        trainerStarted: (pid) => lock.shareWith(pid),
      });
      // Stopped by a signal (this process's, or on another node one that stopped every node): exit
      // as gan-train does on TensorFlow.js (torchrun itself exits 1).
      const last = lastEvent(runDir, eventsBefore);
      if ((code === 0 || last?.event === 'stopped') && argv.report) await refreshReport(runDir)();
      process.exitCode = last?.event === 'stopped' ? (SIGNAL_EXIT_CODES[last.reason] ?? code) : code;
      // The signal reached Python in its first milliseconds, before its stop was in place.
      if (stop.signal.aborted && code !== 0 && !resume && last === undefined) {
        const reason = String(stop.signal.reason);
        log(`stopped by ${reason} as PyTorch started, before it could save step 0: nothing was written`);
        process.exitCode = SIGNAL_EXIT_CODES[reason] ?? code;
      }
      return;
    }
    // Every check has passed once the checkpoint has loaded: now the module and run.json.
    const onStart = async ({ step, dataSha256 }: { step: number; dataSha256: string }) => {
      const dataChanges = resume ? checkResumeData(old, dataSha256, trainer.data, argv.allowChanges) : [];
      if (isSpec) {
        try {
          await writeFileAtomic(modulePath, text);
        } catch (err) {
          throw fileSystemError(err, `cannot write ${modulePath}`);
        }
      }
      const resumes = resume ? [...(old?.resumes ?? []), { step, steps, at: new Date().toISOString(), changes: [...changes, ...dataChanges] }] : undefined;
      await writeRunInfo(runDir, { ...info, dataSha256, ...(resumes ? { resumes } : {}) });
    };
    log(`training ${trainer.name} (${trainer.source}) for ${steps} steps at batch ${batch} into ${runDir}/`);
    // --eval-every also scores step 0 of a fresh run: the untrained reference of the curves.
    const hooks = argv.evalEvery > 0 ? evalHooks(trainer, argv.evalEvery, { runDir, dataDir, n: argv.evalN, log, provenance }) : undefined;
    const afterCheckpoint = argv.report ? refreshReport(runDir) : undefined;
    // --quiet: the last step's line only.
    const logEvery = argv.quiet ? Infinity : undefined;
    const dataProgress = progressMeter({ quiet: argv.quiet });
    const checkpointSpec = isSpec ? { sha256: specSha256(specValues), values: specValues } : undefined;
    const result = await train(trainer, { runDir, dataDir, steps, batch, seed: argv.seed, resume, resumeFrom, afterStep: hooks?.afterStep, beforeSteps: hooks?.beforeSteps, afterCheckpoint, log, onStart, dataProgress, logEvery, provenance, spec: checkpointSpec, stop: stop.signal });
    if (result.stopped !== undefined) {
      log(`stopped by ${result.stopped} at step ${result.step} of ${steps}; checkpoint ${result.checkpoint}: continue with --resume`);
      await afterCheckpoint?.();
      process.exitCode = SIGNAL_EXIT_CODES[result.stopped] ?? 1;
      return;
    }
    log(`done: ${Math.round(result.msPerStep)} ms/step; samples in ${join(runDir, 'samples')}/, checkpoint ${result.checkpoint}`);
  } finally {
    lock.release();
  }
}

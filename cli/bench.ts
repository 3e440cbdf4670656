// gan-bench: training-step benchmarks of specs (per spec and backend: ms per schedule step and
// per phase, samples/s, peak RSS, tensors leaked), a hand-written tf.js DCGAN baseline timed
// interleaved with the generated one, kernel profiles, conv GFLOP/s against matMul, and the
// compile benchmark. Each spec/backend pair runs in its own child process (its own peak RSS).
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { compiledTrainer } from './module';
import { checkInteger, checkSeed, usageError } from './options';
import { UserError } from '../runtime/errors';
import { compileText, gflopsText, profileText, stepTable } from '../bench/format';
import type { BenchRecord, GflopsRecord, ProfileRecord, StepRecord } from '../bench/one';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = resolve(ROOT, 'bin', 'gan-bench.js');

export async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('gan-bench')
    .usage(
      '$0 <spec...> [--backend NAME] [--batch B] [--steps N] [--json]\n\n' +
        'Times training steps of each spec on each backend: one step is one schedule cycle\n' +
        '(every phase, n_critic repeats included); the median of the timed steps after warm-up.\n' +
        'Reports ms per step and per phase, samples/s, peak RSS and tensors leaked.',
    )
    // Not `array: true`, which would swallow the specs after it; repeating the flag still gives a list.
    .option('backend', { type: 'string', describe: 'node-gpu | node | webgpu | wasm | cpu; comma-separated or repeated for several (default: the best available)' })
    .option('batch', { type: 'number', describe: "batch size (default: the spec's)" })
    .option('steps', { type: 'number', default: 10, describe: 'timed steps' })
    .option('warmup', { type: 'number', default: 2, describe: 'untimed steps first' })
    .option('seed', { type: 'number', default: 0 })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per line' })
    .option('baseline', { type: 'boolean', default: false, describe: 'DCGAN only: also time the hand-written tf.js Keras-GAN step, interleaved, and print the ratio' })
    .option('profile', { type: 'boolean', default: false, describe: 'profile kernels over a few more steps and print the top ones' })
    .option('profile-steps', { type: 'number', default: 3, describe: 'steps profiled (the median one is printed)' })
    .option('top', { type: 'number', default: 12, describe: 'kernels listed per profile' })
    .option('gflops', { type: 'boolean', default: false, describe: "each convolution kernel's GFLOP/s against matMul of the same size" })
    .option('compile', { type: 'boolean', default: false, describe: 'also time compiling and type-checking all of specs/' })
    .option('compile-runs', { type: 'number', default: 3 })
    // --to-quality (time to quality, bench/to-quality.ts): its options, in one block.
    .option('to-quality', { type: 'boolean', default: false, describe: 'train SPEC with --eval-every until it meets its quality targets (bench/targets.ts) or --limit-min passes; report steps and training time to each' })
    .option('limit-min', { type: 'number', default: 60, describe: '--to-quality: minutes of wall time at most (compiling, loading data and evaluating included; then gan-train ends an evaluation in progress and its step, and keeps that step\'s checkpoint). --pytorch: minutes of training' })
    .option('eval-every', { type: 'number', default: 200, describe: '--to-quality: steps between evaluations (step 0 included)' })
    .option('eval-n', { type: 'number', default: 2000, describe: '--to-quality: samples per evaluation' })
    .option('out', { type: 'string', describe: '--to-quality: the run directory (default runs/to-quality/<spec or model>-<time>)' })
    .option('from', { type: 'string', array: true, describe: '--to-quality: rebuild the report of these run directories, without training' })
    .option('pytorch', { type: 'string', choices: ['dcgan', 'wgan-gp', 'cgan', 'acgan'], describe: "--to-quality: train this PyTorch baseline (bench/baseline/pytorch_train.py) instead, scoring its sample folders with ganspec's evaluator" })
    .option('set', { type: 'string', array: true, default: [] as string[], describe: '--to-quality: passed to gan-train' })
    .option('target', { choices: ['tfjs', 'torch'] as const, default: 'tfjs' as const, describe: '--to-quality: gan-train --target: train the spec on TensorFlow.js or on PyTorch (scored by the same evaluator)' })
    .option('nproc', { type: 'number', describe: '--to-quality --target torch: gan-train --nproc, processes under torchrun (default 1)' })
    .option('device', { choices: ['cpu', 'cuda'] as const, describe: '--to-quality --target torch: gan-train --device (default cpu)' })
    .option('in-process', { type: 'boolean', default: false, hidden: true, describe: 'measure one spec on one backend in this process (used per child)' })
    .example('$0 specs/dcgan.yaml --baseline', 'the generated DCGAN step against a hand-written one')
    .example('$0 specs/*.yaml --backend wasm --profile --json', 'every spec, with kernel profiles, as JSON lines')
    .example('$0 --compile', 'the compile benchmark only')
    .example('$0 --to-quality specs/gan.yaml --limit-min 20 --eval-every 250', 'train until GAN meets its targets (20 min at most)')
    .example('$0 --to-quality specs/dcgan.yaml --target torch --limit-min 10 --eval-every 100', 'the spec trained on PyTorch (gan-train --target torch) until DCGAN meets its targets')
    .example('$0 --to-quality specs/dcgan.yaml --target torch --nproc 4 --device cuda', 'the same on 4 GPUs under torchrun')
    .example('$0 --to-quality --pytorch dcgan --limit-min 10', "PyTorch's DCGAN for 10 minutes, scored by ganspec's evaluator")
    .example('$0 --to-quality --from runs/to-quality/gan-1 --from runs/to-quality/dcgan-2', 'one table of runs made before')
    .strictOptions()
    .fail(usageError('gan-bench'))
    .help()
    .parseAsync();

  const specs = argv._.map(String);
  for (const [name, v, min] of [['steps', argv.steps, 1], ['warmup', argv.warmup, 0], ['batch', argv.batch, 1], ['profile-steps', argv['profile-steps'], 1], ['compile-runs', argv['compile-runs'], 1]] as const) {
    checkInteger(name, v, min);
  }
  checkSeed(argv.seed);
  const given: unknown = argv.backend;
  const backends = (Array.isArray(given) ? given : given === undefined ? [] : [given]).flatMap((b) => String(b).split(',')).filter((b) => b !== '');

  if (argv['to-quality']) return toQuality(argv, specs, backends);
  if (argv['in-process']) {
    if (specs.length !== 1 || backends.length > 1) throw new UserError('--in-process measures one spec on one backend');
    const { runOne } = await import('../bench/one');
    const records = await runOne({
      trainer: await compiledTrainer(specs[0], 'measured'),
      dataDir: dirname(resolve(specs[0])),
      backend: backends[0],
      batch: argv.batch,
      steps: argv.steps,
      warmup: argv.warmup,
      seed: argv.seed,
      baseline: argv.baseline,
      profile: argv.profile,
      profileSteps: argv['profile-steps'],
      gflops: argv.gflops,
    });
    for (const r of records) process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  if (specs.length === 0 && !argv.compile) throw new UserError('name at least one spec, or --compile');

  const say = (s: string) => {
    if (!argv.json) console.log(s);
  };
  say(`gan-bench ${new Date().toISOString()}: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, node ${process.version}`);
  say(`(median of ${argv.steps} timed steps after ${argv.warmup} warm-up; one step = one schedule cycle)`);

  if (argv.compile) {
    const { benchCompile } = await import('../bench/compile'); // loads TypeScript: only when asked
    const c = benchCompile(ROOT, argv['compile-runs']);
    if (argv.json) console.log(JSON.stringify(c));
    else say(compileText(c));
    if (!c.ok) process.exitCode = 1;
  }

  const steps: StepRecord[] = [];
  const details: (ProfileRecord | GflopsRecord)[] = [];
  const pass = (flag: string, on: boolean) => (on ? [flag] : []);
  for (const spec of specs) {
    for (const backend of backends.length > 0 ? backends : [undefined]) {
      const args = [
        BIN, spec, '--in-process',
        '--steps', String(argv.steps), '--warmup', String(argv.warmup), '--seed', String(argv.seed),
        '--profile-steps', String(argv['profile-steps']),
        ...(argv.batch !== undefined ? ['--batch', String(argv.batch)] : []),
        ...(backend !== undefined ? ['--backend', backend] : []),
        ...pass('--baseline', argv.baseline), ...pass('--profile', argv.profile), ...pass('--gflops', argv.gflops),
      ];
      if (!argv.json) process.stderr.write(`measuring ${spec}${backend ? ` on ${backend}` : ''}...\n`);
      const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
      const records: BenchRecord[] = [];
      for (const line of child.stdout.split('\n')) {
        if (line.trim() === '') continue;
        try {
          records.push(JSON.parse(line) as BenchRecord);
        } catch {
          process.stderr.write(`${line}\n`); // a library's chatter, not a record
        }
      }
      if (child.status !== 0) process.exitCode = 1;
      for (const r of records) {
        if (argv.json) console.log(JSON.stringify(r));
        else if (r.kind === 'step') steps.push(r);
        else details.push(r);
      }
    }
  }
  if (steps.length > 0) say(`\n${stepTable(steps)}`);
  for (const d of details) say(`\n${d.kind === 'profile' ? profileText(d, argv.top) : gflopsText(d)}`);
}

/** gan-bench --to-quality: one run (a spec, or --pytorch MODEL) trained to its targets, or --from runs reported. */
async function toQuality(
  argv: {
    'limit-min': number; 'eval-every': number; 'eval-n': number; out?: string; from?: string[]; pytorch?: string; set: string[]; json: boolean; batch?: number; seed: number;
    target: 'tfjs' | 'torch'; nproc?: number; device?: 'cpu' | 'cuda';
  },
  specs: string[],
  backends: string[],
): Promise<void> {
  const { pytorchToQuality, qualityJsonLines, qualityText, reportRun, trainToQuality } = await import('../bench/to-quality');
  const print = (runs: Awaited<ReturnType<typeof reportRun>>[]) => console.log(argv.json ? qualityJsonLines(runs).join('\n') : qualityText(runs));
  if (argv.from !== undefined) {
    if (specs.length > 0 || argv.pytorch !== undefined) throw new UserError('--from reports runs made before: name no spec or --pytorch with it');
    const runs = [];
    for (const dir of argv.from) runs.push(await reportRun(String(dir), (line) => process.stderr.write(`${line}\n`)));
    return print(runs);
  }
  if (argv['limit-min'] <= 0 || !Number.isFinite(argv['limit-min'])) throw new UserError(`--limit-min must be a positive number of minutes, got ${argv['limit-min']}`);
  checkInteger('eval-every', argv['eval-every'], 1);
  checkInteger('eval-n', argv['eval-n'], 2);
  if (argv.pytorch !== undefined ? specs.length > 0 : specs.length !== 1) throw new UserError('--to-quality trains one spec, or --pytorch MODEL (no spec)');
  if (backends.length > 1) throw new UserError('--to-quality trains on one backend');
  if (argv.target === 'torch' && (argv.pytorch !== undefined || backends.length > 0)) {
    throw new UserError(argv.pytorch !== undefined ? '--target torch trains a spec; --pytorch trains a hand-written baseline: give one of them' : '--backend chooses a TensorFlow.js backend: not with --target torch');
  }
  if (argv.target !== 'torch' && (argv.nproc !== undefined || argv.device !== undefined)) throw new UserError(`--${argv.nproc !== undefined ? 'nproc' : 'device'} goes with --target torch`);
  if (argv.nproc !== undefined) checkInteger('nproc', argv.nproc, 1);
  const model = argv.pytorch ?? basename(specs[0]).replace(/\.(ya?ml|json)$/, '');
  const out = argv.out ?? join('runs', 'to-quality', `${argv.pytorch ? 'pytorch-' : argv.target === 'torch' ? 'torch-' : ''}${model}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const trainArgs = [
    ...(backends[0] ? ['--backend', backends[0]] : []),
    ...(argv.batch !== undefined ? ['--batch', String(argv.batch)] : []),
    '--seed', String(argv.seed),
    ...argv.set.flatMap((s) => ['--set', String(s)]),
  ];
  const pythonArgs = ['--seed', String(argv.seed), ...(argv.batch !== undefined ? ['--batch', String(argv.batch)] : [])];
  if (argv.pytorch !== undefined && (argv.set.length > 0 || backends.length > 0)) throw new UserError('--set and --backend apply to specs, not to --pytorch');
  const opts = { root: ROOT, spec: specs[0], pytorch: argv.pytorch, target: argv.target, nproc: argv.nproc, device: argv.device, out, limitMin: argv['limit-min'], evalEvery: argv['eval-every'], evalN: argv['eval-n'], trainArgs, pythonArgs };
  const run = argv.pytorch !== undefined ? await pytorchToQuality(opts) : await trainToQuality(opts);
  print([run]);
}

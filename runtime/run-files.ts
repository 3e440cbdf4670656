// What makes a directory a run: any of the files gan-train writes into one (run.json, the trainer
// module <name>.mts, losses.jsonl, metrics.jsonl, checkpoints/, samples/). A fresh run starts only
// in a directory holding none of them, so that no earlier run is ever overwritten or mixed in.
// Imports runtime/errors only.
import { readdirSync } from 'node:fs';
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

/** Throws a one-line UserError when `dir` holds any run file. */
export function refuseExistingRun(dir: string): void {
  const found = runFilesIn(dir);
  if (found.length > 0) {
    throw new UserError(`${dir} already holds a run: continue it with --resume, or train into another --out directory (found ${found.join(', ')})`);
  }
}

// A run directory: run.json says which trainer module produced it and how, so that gan-sample
// and gan-eval can rebuild the networks and load its checkpoints.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../runtime/errors';

export interface RunInfo {
  name: string;
  /** The trainer module, relative to the run directory. */
  module: string;
  /** Folder the spec's relative data paths resolve against, relative to the run directory. */
  dataDir: string;
  spec?: string;
  seed: number;
  batch: number;
  steps: number;
  backend: string;
}

export function writeRunInfo(runDir: string, info: RunInfo): void {
  writeFileSync(join(runDir, 'run.json'), JSON.stringify(info, null, 2) + '\n');
}

/** The run directory of a run directory or of a checkpoint inside one. */
export function findRunDir(path: string): string {
  for (let dir = resolve(path), i = 0; i < 3; dir = dirname(dir), i++) {
    if (existsSync(join(dir, 'run.json'))) return dir;
  }
  throw new UserError(`${path} is not a run directory or a checkpoint of one (no run.json found)`);
}

export function readRunInfo(runDir: string): RunInfo {
  const file = join(runDir, 'run.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunInfo;
  } catch {
    throw new UserError(`cannot read ${file}: not a run directory, or the file is corrupt`);
  }
}


export function relativeTo(runDir: string, path: string): string {
  return relative(resolve(runDir), resolve(path)) || '.';
}

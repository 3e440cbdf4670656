// A run directory: run.json says which trainer module produced it and how (its overrides, the
// module's hash, the spec's values), so that gan-sample and gan-eval can rebuild the networks and
// load its checkpoints, and so that gan-train --resume can tell what changed. Also the checks
// gan-train makes on a run directory before writing into it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../runtime/atomic-write';
import { UserError } from '../runtime/errors';
import { fileSystemError } from '../runtime/file-errors';
import { CHECKPOINTS_DIR, parseStepDirName } from '../runtime/checkpoint/layout';
import { GANSPEC_VERSION, type Provenance } from '../runtime/provenance';

/** What the command line set (absent: not given). */
export interface Overrides {
  set: string[];
  batch?: number;
  steps?: number;
  seed: number;
  backend?: string;
}

/** One `--resume`: the step it continued from, the steps asked for, and what changed (with --allow-changes). */
export interface Resume {
  step: number;
  steps: number;
  at: string;
  changes: string[];
}

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
  overrides?: Overrides;
  /** SHA-256 of the trainer module's text. */
  moduleSha256?: string;
  /** The spec after `extends` and `--set`: what the module was compiled from. */
  specValues?: unknown;
  /** specSha256(specValues). */
  specSha256?: string;
  resumes?: Resume[];
  /** 'torch' for a run trained by gan-train --target torch (absent: TensorFlow.js). */
  target?: 'torch';
  /** The PyTorch module that trained (gan-compile --target torch), relative to the run directory; `module` stays the TypeScript one, which gan-sample, gan-eval and gan-export build. */
  torchModule?: string;
  /** Processes under torchrun on each machine, and their device (--target torch). */
  nproc?: number;
  device?: 'cpu' | 'cuda';
  /** Machines training together (--nnodes), when several. */
  nnodes?: number;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The spec hash, the one definition every ganspec file uses (run.json, losses.jsonl and
 * metrics.jsonl headers, PNG chunks, exported models): SHA-256 of the resolved spec's values
 * (after `extends` and `--set`) as JSON, keys in the spec's order.
 */
export function specSha256(values: unknown): string {
  return sha256(JSON.stringify(values));
}

/** The provenance of what a run's files were made from, as this ganspec writes them. */
export function runProvenance(info: Pick<RunInfo, 'specValues' | 'specSha256' | 'moduleSha256'>): Provenance {
  const spec = info.specSha256 ?? (info.specValues !== undefined ? specSha256(info.specValues) : null);
  return { specSha256: spec, moduleSha256: info.moduleSha256 ?? 'unknown (run.json has none)', ganspec: GANSPEC_VERSION };
}

/** Writes run.json in one step (readers see the old one or the new one). */
export async function writeRunInfo(runDir: string, info: RunInfo): Promise<void> {
  const file = join(runDir, 'run.json');
  try {
    await writeFileAtomic(file, JSON.stringify(info, null, 2) + '\n');
  } catch (err) {
    throw fileSystemError(err, `cannot write ${file}`);
  }
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

/**
 * Makes sure `runDir` is a directory gan-train can use, creating it for a fresh run; every
 * refusal is one line. Nothing else is written.
 */
export function prepareRunDir(runDir: string, resume: boolean): void {
  const cannot = (err: unknown) => {
    const failure = fileSystemError(err, `cannot create the run directory ${runDir}`);
    return failure instanceof UserError ? failure : new UserError(`cannot create the run directory ${runDir}: ${(err as Error).message}`);
  };
  let stats;
  try {
    stats = statSync(runDir, { throwIfNoEntry: false });
  } catch (err) {
    throw cannot(err);
  }
  if (stats !== undefined && !stats.isDirectory()) throw new UserError(`--out ${runDir} is a file, not a directory`);
  if (stats === undefined && resume) throw new UserError(`--resume: ${runDir} does not exist, so there is no run to continue`);
  try {
    mkdirSync(runDir, { recursive: true });
  } catch (err) {
    throw cannot(err);
  }
}

/** The checkpoint `--resume-from` names (as given, or relative to the run directory), which must be one of the run's. */
export function resumeFromCheckpoint(runDir: string, given: string): string {
  const candidate = existsSync(given) ? given : join(runDir, given);
  const notOurs = () => new UserError(`--resume-from: ${given} is not a checkpoint of ${runDir}`);
  if (!existsSync(candidate)) throw notOurs();
  const real = realpathSync(candidate);
  if (dirname(real) !== realpathSync(join(runDir, CHECKPOINTS_DIR)) || parseStepDirName(real.split(/[\\/]/).pop()!) === null) {
    throw notOurs();
  }
  return candidate;
}

function flatten(value: unknown, path: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, path === '' ? k : `${path}.${k}`, out);
  } else {
    out.set(path, value);
  }
  return out;
}

const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? JSON.stringify(v) : String(v));

/** Differences between two spec values as `path: old -> new`, in the order of the keys. */
export function specChanges(before: unknown, after: unknown): string[] {
  const a = flatten(before, '', new Map());
  const b = flatten(after, '', new Map());
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `${k}: ${show(a.get(k))} -> ${show(b.get(k))}`);
}

/** What --resume would change of the run in `old`: the refusal's parts and the record's lines. */
export function resumeChanges(old: RunInfo, now: { moduleSha256: string; specValues?: unknown; batch: number; seed: number }): { refusal: string[]; record: string[] } {
  const refusal: string[] = [];
  const record: string[] = [];
  if (old.moduleSha256 !== undefined && old.moduleSha256 !== now.moduleSha256) {
    // A longer run is how a run continues: the steps may differ.
    const all = old.specValues !== undefined && now.specValues !== undefined ? specChanges(old.specValues, now.specValues) : undefined;
    const changes = all?.filter((c) => !c.startsWith('schedule.steps: '));
    if (changes === undefined) {
      refusal.push("the module differs from the run's");
      record.push('the module');
    } else if (changes.length > 0) {
      refusal.push(`the module differs from the run's (${changes.join(', ')})`);
      record.push(...changes);
    } else if (all!.length === 0) {
      refusal.push("the module differs from the run's (the compiler's output changed)");
      record.push("the compiler's output");
    }
  }
  const options = commandLineChanges(old, now);
  return { refusal: [...refusal, ...options.refusal], record: [...record, ...options.record] };
}

/** A batch or seed other than the run's (what --resume needs --allow-changes for, whatever the spec). */
export function commandLineChanges(old: RunInfo, now: { batch: number; seed: number }): { refusal: string[]; record: string[] } {
  const refusal: string[] = [];
  const record: string[] = [];
  for (const [name, was, is] of [['batch', old.batch, now.batch], ['seed', old.seed, now.seed]] as const) {
    if (was !== undefined && was !== is) {
      refusal.push(`--${name} ${is} differs from the run's ${was}`);
      record.push(`--${name}: ${was} -> ${is}`);
    }
  }
  return { refusal, record };
}

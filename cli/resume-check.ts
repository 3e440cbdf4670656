// gan-train --resume's check of what changed since the checkpoint it continues: the spec the
// checkpoint recorded (spec.json) against the spec given, through gan-diff (printed), classified
// by resume-policy.ts; a refused change is a one-line UserError no flag overrides, a change that
// needs --allow-changes is one without it, and every change is returned for run.json's `resumes`.
// A checkpoint without a spec (a run of a module, or older than spec.json) is compared through
// run.json's module hash (but for the path the module names its spec by: run-dir.ts sameModule)
// and spec values instead (run-dir.ts resumeChanges). Another backend than
// run.json's (another thread count, OpenBLAS on or off, another target device) is accepted, said in
// one line (the arithmetic differs in its last bits) and recorded. Nothing is written.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffSides, lowerForExplain, renderDiff } from '../compiler/explain/index';
import type { Side } from '../compiler/explain/diff';
import { readCheckpointSpec } from '../runtime/checkpoint';
import { UserError } from '../runtime/errors';
import type { DataConfig } from '../contract/data';
import { classifyResume } from './resume-policy';
import { commandLineChanges, dataFiles, relativeTo, resumeChanges, specSha256, type RunInfo } from './run-dir';

/** Spec values lowered as the compiler lowers a file (they are written to a temporary JSON spec). */
function lowerValues(values: unknown, shownAs: string): Side | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'ganspec-resume-'));
  try {
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(values));
    const side = lowerForExplain(file).side;
    return side && { ...side, ir: { ...side.ir, source: shownAs } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ResumeRequest {
  runDir: string;
  /** The checkpoint --resume-from names, else the run's latest. */
  checkpoint?: string;
  /** run.json as it is (absent in a directory without one). */
  old?: RunInfo;
  /** The spec file and its --set (absent for a module). */
  spec?: { file: string; set: string[]; values: unknown };
  /** The module given is the one the run trained (run-dir.ts sameModule). */
  sameModule: boolean;
  batch: number;
  seed: number;
  /** The backend line this resume trains on. */
  backend: string;
  allowChanges: boolean;
  log: (line: string) => void;
}

/** The changes to record in run.json's `resumes`; throws a one-line UserError when the resume is refused. */
export async function checkResume(r: ResumeRequest): Promise<string[]> {
  const saved = await readCheckpointSpec(r.checkpoint ?? r.runDir);
  const options = r.old ? commandLineChanges(r.old, r) : { refusal: [], record: [] };
  const before = saved.spec && r.spec ? lowerValues(saved.spec.values, relativeTo(r.runDir, saved.dir)) : undefined;
  const after = before && r.spec ? lowerForExplain(r.spec.file, { overrides: r.spec.set }).side : undefined;
  let flagged: string[];
  let record: string[];
  if (saved.spec && r.spec && before && after) {
    const specChanged = saved.spec.sha256 !== specSha256(r.spec.values);
    let classified: ReturnType<typeof classifyResume> = [];
    if (specChanged) {
      const diff = diffSides(before, after, { all: true });
      r.log(`--resume: the spec differs from the one ${relativeTo(r.runDir, saved.dir)} was trained with:`);
      for (const l of renderDiff(diff).trimEnd().split('\n')) r.log(l);
      classified = classifyResume(diff);
    }
    const refused = classified.filter((c) => c.verdict === 'refused').map((c) => c.line);
    if (refused.length > 0) {
      throw new UserError(`--resume: the spec changes ${refused.join(', ')}, which the checkpoint's weights and optimizer state depend on; no flag resumes that: train a new run (another --out)`);
    }
    const changedSpec = classified.filter((c) => c.verdict === 'flag').map((c) => c.line);
    const recompiled = !specChanged && !r.sameModule;
    flagged = [
      ...(changedSpec.length > 0 ? [`the spec differs from the checkpoint's (${changedSpec.join(', ')})`] : []),
      ...(recompiled ? ["the spec is the checkpoint's, but it compiles to another module than the run's (this ganspec's compiler writes another)"] : []),
      ...options.refusal,
    ];
    record = [...classified.map((c) => c.line), ...(recompiled ? ["the compiler's output"] : []), ...options.record];
  } else {
    // No spec to compare (a module, or a checkpoint from before spec.json): the module's hash.
    const changes = r.old ? resumeChanges(r.old, { sameModule: r.sameModule, specValues: r.spec?.values, batch: r.batch, seed: r.seed }) : { refusal: [], record: [] };
    flagged = changes.refusal;
    record = changes.record;
  }
  if (flagged.length > 0 && !r.allowChanges) throw new UserError(`--resume: ${flagged.join('; ')}; give --allow-changes to resume anyway`);
  if (r.old?.backend !== undefined && r.old.backend !== r.backend) {
    r.log(`--resume: trained on ${r.old.backend}, now on ${r.backend}: training goes on from the checkpoint, but its losses will not match an uninterrupted run's to the bit`);
    record.push(`backend: ${r.old.backend} -> ${r.backend}`);
  }
  return record;
}

/**
 * The change to record when the data a resume loaded (its identity) is not the data run.json
 * says the run trained on (none for a run.json from before ganspec recorded it); a one-line
 * UserError without --allow-changes. On PyTorch, ganspec_torch's loop.py checks the same.
 */
export function checkResumeData(old: RunInfo | undefined, dataSha256: string, cfg: DataConfig, allowChanges: boolean): string[] {
  if (old?.dataSha256 === undefined || old.dataSha256 === dataSha256) return [];
  if (!allowChanges) throw new UserError(`--resume: the training data differs from the run's (${dataFiles(cfg)}); give --allow-changes to resume anyway`);
  return ['the training data'];
}

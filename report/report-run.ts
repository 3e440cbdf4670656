// One run as the report's sections see it: its files, their summary, its resolved spec, and the
// label and colour it has on every chart and table; `loadRuns` reads them for a list of run
// directories. Imports report/ (and through it runtime/, compiler/).
import { relative } from 'node:path';
import { COLORS } from './html';
import { readRun, type RunFiles } from './run-files';
import { summarize, type RunSummary } from './run-summary';
import { resolvedSpec, type SpecDoc } from './spec-doc';

export interface ReportRun {
  files: RunFiles;
  summary: RunSummary;
  spec: SpecDoc;
  /** The run's name, or its directory where two runs share a name. */
  label: string;
  color: string;
}

/** Reports progress: what is being done, how much of it is done, out of how much. */
export type Progress = (what: string, done: number, total: number) => void;

export function loadRuns(dirs: readonly string[], progress: Progress = () => {}): ReportRun[] {
  const files = dirs.map((dir, i) => {
    progress('reading runs', i, dirs.length);
    return readRun(dir);
  });
  progress('reading runs', dirs.length, dirs.length);
  const names = files.map((f) => f.name);
  const unique = new Set(names).size === names.length;
  return files.map((f, i) => ({
    files: f,
    summary: summarize(f),
    spec: resolvedSpec(f.dir, f.info),
    label: unique ? f.name : relative(process.cwd(), f.dir) || f.name,
    color: COLORS[i % COLORS.length],
  }));
}

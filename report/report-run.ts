// One run as the report's sections see it: its files, their summary, its resolved spec, and the
// label and colour it has on every chart and table; `loadRuns` reads them for a list of run
// directories. Imports report/ (and through it runtime/, compiler/).
import { basename, relative } from 'node:path';
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

const distinct = (xs: readonly string[]) => new Set(xs).size === xs.length;

/** Each run's name; where names repeat, with its folder's name ("gan (lr-2e-4)"), or else its path. */
export function labels(runs: readonly Pick<RunFiles, 'name' | 'dir'>[]): string[] {
  const names = runs.map((r) => r.name);
  if (distinct(names)) return names;
  const folders = runs.map((r) => basename(r.dir));
  if (distinct(folders)) return runs.map((r, i) => (r.name === folders[i] ? r.name : `${r.name} (${folders[i]})`));
  return runs.map((r) => relative(process.cwd(), r.dir) || r.name);
}

export function loadRuns(dirs: readonly string[], progress: Progress = () => {}): ReportRun[] {
  const files = dirs.map((dir, i) => {
    const run = readRun(dir);
    progress('reading runs', i + 1, dirs.length);
    return run;
  });
  const names = labels(files);
  return files.map((f, i) => ({
    files: f,
    summary: summarize(f),
    spec: resolvedSpec(f.dir, f.info, f.events.find((e) => e.event === 'start')?.command),
    label: names[i],
    color: COLORS[i % COLORS.length],
  }));
}

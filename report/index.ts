// gan-report's engine: reads one or several run directories and writes one self-contained HTML
// page (losses, metrics, sample grids, final values, warnings, spec differences, how each run
// was made). `refreshReport` is what gan-train calls at every checkpoint. Imports report/ and
// runtime/ (atomic write).
import { join } from 'node:path';
import { writeFileAtomic } from '../runtime/atomic-write';
import { axesOf, lossSection, metricSection } from './charts';
import { page } from './page';
import { loadRuns, type Progress, type ReportRun } from './report-run';
import { samplesSection } from './samples-section';
import { runsSection, specDiffSection, summaryTable, warningsSection } from './tables';

export { loadRuns, type Progress, type ReportRun } from './report-run';

export const REPORT_FILE = 'report.html';

export interface ReportOptions {
  progress?: Progress;
  /** The time shown as "built ..." (default: now). */
  now?: Date;
}

/** The page for runs already read. */
export function reportHtml(runs: readonly ReportRun[], opts: ReportOptions = {}): string {
  const samples = samplesSection(runs, opts.progress);
  const sections = [warningsSection(runs), summaryTable(runs), lossSection(runs), metricSection(runs), samples.html, specDiffSection(runs), runsSection(runs)];
  const title = `ganspec report: ${runs.map((r) => r.label).join(', ')}`;
  return page({ title, generated: (opts.now ?? new Date()).toISOString(), runs, axes: axesOf(runs), sections: sections.filter((s) => s !== ''), gridData: samples.data });
}

/** Reads the run directories and writes the page to `out` (atomically); returns its size in bytes. */
export async function writeReport(dirs: readonly string[], out: string, opts: ReportOptions = {}): Promise<number> {
  const runs = loadRuns(dirs, opts.progress);
  const html = reportHtml(runs, opts);
  await writeFileAtomic(out, html);
  return Buffer.byteLength(html);
}

/**
 * gan-train's checkpoint hook: rewrites <runDir>/report.html. A report that fails to build never
 * stops training: the first failure is logged through `warn`, later ones are silent.
 */
export function refreshReport(runDir: string, warn: (line: string) => void = (line) => console.error(line)): () => Promise<void> {
  let warned = false;
  return async () => {
    try {
      await writeReport([runDir], join(runDir, REPORT_FILE));
    } catch (err) {
      if (!warned) warn(`warning: could not write ${join(runDir, REPORT_FILE)}: ${err instanceof Error ? err.message : String(err)}`);
      warned = true;
    }
  };
}

// The report's chart sections: one loss chart per phase name and one chart per metric, every run
// on the same axes in its own colour, each chart drawn twice (x in steps and x in epochs; the
// page shows one set). Losses: each step faint, the smoothed curve solid. Metrics: a dot per
// evaluation, with gan-eval --baseline's untrained and real values as reference lines.
// Imports report/.
import { esc, runLabel, slug } from './html';
import { METRICS, metricCurves, metricValue, type MetricDef } from './metric-curves';
import type { ReportRun } from './report-run';
import { ema, smoothingWeight, thin, type Point } from './series';
import { lineChart, type RefLine, type Series } from './svg-chart';

export type Axis = 'steps' | 'epochs';

/** Points per series at most; longer runs are thinned (every k-th step). */
export const MAX_POINTS = 1500;
const REAL_COLOR = '#555';

/** The axes the page offers: steps always, epochs when a run knows its training set's size. */
export function axesOf(runs: readonly ReportRun[]): Axis[] {
  return runs.some((r) => r.summary.epochsPerStep !== undefined) ? ['steps', 'epochs'] : ['steps'];
}

/** Maps a run's steps to the axis, or undefined when the run cannot be shown on it. */
function xOf(run: ReportRun, axis: Axis): ((step: number) => number) | undefined {
  if (axis === 'steps') return (s) => s;
  const k = run.summary.epochsPerStep;
  return k === undefined ? undefined : (s) => s * k;
}

function lastStep(run: ReportRun): number {
  const m = run.files.metrics.map((x) => x.step ?? 0);
  return Math.max(run.summary.step, ...m, 1);
}

/** The shared x range of every chart on `axis`: from 0 to the furthest run. */
export function xDomain(runs: readonly ReportRun[], axis: Axis): [number, number] {
  let hi = 0;
  for (const run of runs) {
    const x = xOf(run, axis);
    if (x) hi = Math.max(hi, x(lastStep(run)));
  }
  return [0, hi > 0 ? hi : 1];
}

function figure(kind: string, name: string, axis: Axis, title: string, svg: string, legend: string): string {
  return `<figure class="chart-box" data-kind="${kind}" data-name="${esc(name)}" data-axis="${axis}"><figcaption>${esc(title)}</figcaption>${svg}<div class="legend">${legend}</div></figure>`;
}

/** Phase names in order of first appearance over all runs. */
export function phaseNames(runs: readonly ReportRun[]): string[] {
  const names = new Set<string>();
  for (const r of runs) for (const rec of r.files.losses) for (const k of Object.keys(rec.values)) names.add(k);
  return [...names];
}

function lossChart(runs: readonly ReportRun[], phase: string, axis: Axis): string {
  const span = Math.max(...runs.map(lastStep));
  const w = smoothingWeight(span);
  const series: Series[] = [];
  const shown: ReportRun[] = [];
  for (const run of runs) {
    const x = xOf(run, axis);
    const raw: Point[] = run.files.losses.filter((r) => phase in r.values).map((r) => [r.step, r.values[phase]]);
    if (!x || raw.length === 0) continue;
    const at = (p: Point): Point => [x(p[0]), p[1]];
    shown.push(run);
    series.push({ id: `${run.label} ${phase} raw`, run: run.label, color: run.color, style: 'raw', points: thin(raw, MAX_POINTS).map(at) });
    series.push({ id: `${run.label} ${phase} smoothed`, run: run.label, color: run.color, style: 'line', points: thin(ema(raw, w), MAX_POINTS).map(at) });
  }
  const svg = lineChart({ id: `loss-${slug(phase)}-${axis}`, xLabel: axis, yLabel: `loss ${phase}`, series, xDomain: xDomain(runs, axis) });
  const legend = shown.map(runLabel).join(' ') + `<span class="note">faint: every step; solid: smoothed (EMA over ${Math.max(1, Math.round(span / 50))} steps)</span>`;
  return figure('loss', phase, axis, `loss of phase ${phase}`, svg, legend);
}

function refsOf(runs: readonly ReportRun[], def: MetricDef): RefLine[] {
  const refs: RefLine[] = [];
  const many = runs.length > 1;
  for (const run of runs) {
    const untrained = metricValue(run.files.baseline.untrained, def);
    if (untrained !== undefined) refs.push({ y: untrained, label: many ? `untrained ${run.label}` : 'untrained', text: 'untrained', color: run.color });
    const real = metricValue(run.files.baseline.real, def);
    if (real !== undefined && !refs.some((r) => r.color === REAL_COLOR && r.y === real)) refs.push({ y: real, label: 'real', color: REAL_COLOR });
  }
  return refs;
}

function metricChart(runs: readonly ReportRun[], def: MetricDef, axis: Axis): string | undefined {
  const series: Series[] = [];
  const legend: string[] = [];
  for (const run of runs) {
    const x = xOf(run, axis);
    if (!x) continue;
    [...metricCurves(run.files.metrics, def)].forEach(([key, points], i) => {
      const style = i === 0 ? 'line' : 'dashed';
      series.push({ id: `${run.label} ${key}`, run: run.label, color: run.color, style, markers: true, points: points.map(([s, v]) => [x(s), v]) });
      legend.push(`${runLabel(run)} <span class="note">${esc(key)}${style === 'dashed' ? ' (dashed)' : ''}</span>`);
    });
  }
  if (series.length === 0) return undefined;
  const refs = refsOf(runs, def);
  const svg = lineChart({ id: `metric-${def.id}-${axis}`, xLabel: axis, yLabel: def.id, series, refs, xDomain: xDomain(runs, axis) });
  const refNote = refs.length > 0 ? '<span class="note">dotted: gan-eval --baseline (untrained networks, real images)</span>' : '';
  return figure('metric', def.id, axis, def.title, svg, legend.join(' ') + refNote);
}

export function lossSection(runs: readonly ReportRun[]): string {
  const phases = phaseNames(runs);
  if (phases.length === 0) return '<section id="losses"><h2>Losses</h2><p>No losses logged yet.</p></section>';
  const charts = axesOf(runs).flatMap((axis) => phases.map((p) => lossChart(runs, p, axis)));
  return `<section id="losses"><h2>Losses</h2><div class="charts">${charts.join('')}</div></section>`;
}

export function metricSection(runs: readonly ReportRun[]): string {
  const charts = axesOf(runs).flatMap((axis) => METRICS.map((def) => metricChart(runs, def, axis)).filter((c): c is string => c !== undefined));
  if (charts.length === 0) {
    return '<section id="metrics"><h2>Metrics</h2><p>No metrics.jsonl: train with <code>--eval-every N</code> to log FID, KID and class coverage.</p></section>';
  }
  return `<section id="metrics"><h2>Metrics</h2><div class="charts">${charts.join('')}</div></section>`;
}

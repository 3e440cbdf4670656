// The report's tables: final values of every run side by side (losses, last metrics, ms/step,
// wall time), the runs' warnings, the key-by-key differences of their resolved specs, and per
// run how it was made (spec, command line, version, backend, hyperparameters, the resolved
// spec itself). Metrics of runs evaluated under different protocols (eval/protocol.ts: evaluator
// weights, samples, references) are marked and the difference said, not silently set side by
// side. Imports runtime/ (duration format), eval/ (the protocol check) and report/.
import { stringify } from 'yaml';
import { protocolDifferences } from '../eval/protocol';
import { formatDuration } from '../runtime/loop/progress';
import type { TrainSettings } from '../runtime/loop/events';
import { esc, num, runLabel, table } from './html';
import { METRICS } from './metric-curves';
import { phaseNames } from './charts';
import type { ReportRun } from './report-run';
import { diffJson } from './spec-diff';

function lastMetric(run: ReportRun, def: (typeof METRICS)[number]): string {
  const m = run.files.metrics[run.files.metrics.length - 1];
  const values = (m?.bands ?? []).filter((b) => b.role !== 'source').flatMap((b) => def.values(b));
  if (values.length === 0) return '–';
  return values.map((v) => (values.length > 1 ? `${esc(v.key)} ${num(v.value)}` : num(v.value))).join('<br>');
}

/** Per run (by label), how its last evaluation's protocol differs from the first evaluated run's; runs that agree are absent. */
export function protocolMismatches(runs: readonly ReportRun[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const evaluated = runs.filter((r) => r.files.metrics.length > 0);
  const base = evaluated[0];
  for (const run of evaluated.slice(1)) {
    const differences = protocolDifferences(base!.files.metrics.at(-1)!, run.files.metrics.at(-1)!);
    if (differences.length > 0) out.set(run.label, differences);
  }
  return out;
}

export function summaryTable(runs: readonly ReportRun[]): string {
  const phases = phaseNames(runs);
  const metrics = METRICS.filter((def) => runs.some((r) => lastMetric(r, def) !== '–'));
  const mismatches = protocolMismatches(runs);
  const mark = (run: ReportRun, cell: string) => (mismatches.has(run.label) && cell !== '–' ? `${cell} <span class="warn" title="another metric protocol">≠</span>` : cell);
  const headers = ['run', 'status', 'step', ...phases.map((p) => `loss ${esc(p)}`), ...metrics.map((d) => esc(d.id)), 'ms/step', 'wall time'];
  const rows = runs.map((run) => {
    const s = run.summary;
    return [
      runLabel(run),
      esc(s.status),
      `${s.step}${s.steps !== undefined ? ` / ${s.steps}` : ''}`,
      ...phases.map((p) => num(s.finalLosses[p])),
      ...metrics.map((d) => mark(run, lastMetric(run, d))),
      num(s.msPerStep, 3),
      s.sessions.length > 0 ? esc(formatDuration(s.wallSeconds)) : '–',
    ];
  });
  const evalNote = metrics.length > 0 ? '<p class="note">Metrics: the last evaluation of metrics.jsonl. Losses: the last step logged. ms/step and wall time: training sessions from events.jsonl (with previews, checkpoints and evaluations).</p>' : '';
  const base = runs.find((r) => r.files.metrics.length > 0);
  const protocolNote = [...mismatches].map(([label, differences]) => {
    const run = runs.find((r) => r.label === label)!;
    return `<p class="note warn">≠ ${runLabel(run)}'s metrics are not comparable with ${runLabel(base!)}'s: another metric protocol (${esc(differences.join('; '))}).</p>`;
  }).join('');
  return `<section id="summary"><h2>Final values</h2>${table(headers, rows, 'summary')}${evalNote}${protocolNote}</section>`;
}

export function warningsSection(runs: readonly ReportRun[]): string {
  const items = runs.flatMap((run) => run.summary.warnings.map((w) => `<li data-run="${esc(run.label)}">${runLabel(run)}: ${esc(w)}</li>`));
  return items.length === 0 ? '' : `<section id="warnings"><h2>Warnings</h2><ul class="warnings">${items.join('')}</ul></section>`;
}

const show = (v: unknown) => (v === undefined ? '<span class="note">(absent)</span>' : `<code>${esc(JSON.stringify(v))}</code>`);

/** For two runs or more: each run's resolved spec against the first run's. */
export function specDiffSection(runs: readonly ReportRun[]): string {
  if (runs.length < 2) return '';
  const base = runs[0];
  const parts = runs.slice(1).map((run) => {
    const title = `<h3>${runLabel(base)} → ${runLabel(run)}</h3>`;
    if (!base.spec.doc || !run.spec.doc) return `${title}<p>${esc(base.spec.error ?? run.spec.error ?? 'no spec')}</p>`;
    const diffs = diffJson(base.spec.doc, run.spec.doc);
    if (diffs.length === 0) return `${title}<p>The resolved specs are identical.</p>`;
    return title + table(['key', esc(base.label), esc(run.label)], diffs.map((d) => [`<code>${esc(d.pointer || '/')}</code>`, show(d.a), show(d.b)]), 'diff');
  });
  return `<section id="spec-diff"><h2>Spec differences</h2>${parts.join('')}</section>`;
}

function optimizerText(o: TrainSettings['phases'][number]['settings']['optimizer']): string {
  const { kind, decay, ...rest } = o;
  const schedule = decay ? `, linear decay from step ${decay.start} to 0 at ${decay.end}` : '';
  return `${kind} ${Object.entries(rest).map(([k, v]) => `${k} ${v}`).join(', ')}${schedule}`;
}

function hyperparameters(s: TrainSettings): string {
  const facts = table(['batch', 'steps', 'seed', 'data', 'random inputs', 'preview every', 'checkpoint every / keep'], [[
    String(s.batch), String(s.steps), String(s.seed),
    esc(`${s.data.source} [${s.data.image.join(', ')}] in [${s.data.range.join(', ')}]`),
    esc(s.samples.map((x) => `${x.name}: ${x.kind}(${x.size})`).join(', ')),
    String(s.preview.every), `${s.checkpoint.every} / ${s.checkpoint.keep}`,
  ]]);
  const phases = table(['phase', 'updates', 'repeat', 'clip', 'optimizer'], s.phases.map((p) => [
    esc(p.name),
    esc(p.updates.map((u) => (u.layers ? `${u.net} (${u.layers.length} layers)` : u.net)).join(', ')),
    String(p.settings.repeat), p.settings.clip === null ? '–' : String(p.settings.clip), esc(optimizerText(p.settings.optimizer)),
  ]));
  return facts + phases;
}

function runDetails(run: ReportRun): string {
  const s = run.summary;
  const start = s.sessions[s.sessions.length - 1]?.start;
  const first = s.sessions[0]?.start;
  const rows: [string, string][] = [
    ['directory', esc(run.files.dir)],
    ['spec', esc(run.spec.file ?? run.files.info.spec ?? '–') + (run.spec.overrides?.length ? ` <code>${esc(run.spec.overrides.map((o) => `--set ${o}`).join(' '))}</code>` : '')],
    ['command line', start ? `<code>${esc(start.command.join(' '))}</code>` : '–'],
    ['ganspec', esc(start?.version ?? '–')],
    ['backend', esc(run.files.info.backend ?? start?.backend ?? '–')],
    ['started', esc(first?.time ?? '–')],
    ['sessions', s.sessions.map((x) => `${x.start.resumed ? 'resumed' : 'from'} step ${x.start.step} → ${x.step}: ${esc(formatDuration(x.seconds))}`).join('<br>') || '–'],
    ['wall time', s.sessions.length > 0 ? `${esc(formatDuration(s.wallSeconds))}${s.msPerStep !== undefined ? `, ${num(s.msPerStep, 3)} ms/step` : ''}` : '–'],
    ['training examples', start ? (start.dataSize === null ? 'endless (drawn at random)' : String(start.dataSize)) : '–'],
  ];
  const facts = `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
  const hyper = s.settings ? `<h4>Hyperparameters</h4>${hyperparameters(s.settings)}` : '';
  const spec = run.spec.doc
    ? `<details><summary>Resolved spec</summary><pre class="spec">${esc(stringify(run.spec.doc))}</pre></details>`
    : `<p class="note">No resolved spec: ${esc(run.spec.error ?? '')}</p>`;
  return `<div class="run-details" data-run="${esc(run.label)}"><h3>${runLabel(run)}</h3>${facts}${hyper}${spec}</div>`;
}

export function runsSection(runs: readonly ReportRun[]): string {
  return `<section id="runs"><h2>How ${runs.length === 1 ? 'the run was' : 'the runs were'} made</h2>${runs.map(runDetails).join('')}</section>`;
}

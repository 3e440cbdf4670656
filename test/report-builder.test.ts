// The report builder (report/): given run directories' files (written here by hand, exactly),
// the page has these sections, charts with these series and point counts, these table values,
// warnings, spec differences and embedded grids; and nothing that reaches the network.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { writePng } from '../runtime/images/png';
import { loadRuns, reportHtml } from '../report';
import { labels } from '../report/report-run';
import { readRun } from '../report/run-files';
import { tempDir } from './helpers';

const SETTINGS = {
  batch: 32, steps: 6, seed: 0,
  data: { source: 'mnist', image: [28, 28, 1], range: [-1, 1] },
  samples: [{ name: 'z', kind: 'normal', size: 100 }],
  phases: [
    { name: 'D', updates: [{ net: 'D' }], settings: { repeat: 1, clip: null, optimizer: { kind: 'adam', lr: 0.0002, beta1: 0.5, beta2: 0.999, epsilon: 1e-7 } } },
    { name: 'G', updates: [{ net: 'G' }], settings: { repeat: 1, clip: null, optimizer: { kind: 'adam', lr: 0.0002, beta1: 0.5, beta2: 0.999, epsilon: 1e-7, decay: { kind: 'linear', start: 3, end: 6 } } } },
  ],
  preview: { every: 3, rows: 2, cols: 2, perRow: [], perCol: [], bands: ['G(z)'], real: [], sampled: ['z'] },
  checkpoint: { every: 3, keep: 3 },
};

function metrics(step: number | undefined, kind: string, fid: number, covered: number, accuracy?: number): object {
  return {
    model: 'gan', ...(step === undefined ? {} : { step }), kind, n: 100, seed: 0, seconds: 1, references: { x: { split: 'test', n: 1000 } }, evaluator: { testAccuracy: 0.99 },
    bands: [{
      band: kind === 'real' ? 'x (train split)' : 'G(z)', role: kind === 'real' ? 'real' : 'generated', n: 100,
      fid: { x: fid }, kid: { x: { mean: fid / 1000, std: 0 } },
      classes: { histogram: [], covered, entropyBits: 3, inceptionScore: 5 },
      ...(accuracy === undefined ? {} : { labels: [{ input: 'y', accuracy }] }),
    }],
  };
}

const jsonl = (records: object[]) => records.map((r) => JSON.stringify(r) + '\n').join('');
const start = (step: number, resumed: boolean, settings = SETTINGS) =>
  ({ event: 'start', time: '2026-01-02T03:04:05.000Z', step, resumed, command: ['gan-train', 'specs/gan.yaml', '--steps', String(settings.steps)], version: '0.1.0', backend: 'wasm', dataSize: 60000, settings });

/** A run directory: `steps` steps of losses, grids at 3 and 6, events of one or two sessions. */
async function writeRun(dir: string, opts: { name: string; steps: number; overrides?: string[]; resumedAt?: number; torn?: boolean; metrics?: boolean; baseline?: boolean }): Promise<void> {
  mkdirSync(join(dir, 'samples'), { recursive: true });
  const spec = relative(dir, resolve('specs/gan.yaml'));
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ name: opts.name, module: 'gan.mts', dataDir: relative(dir, resolve('specs')), spec, seed: 0, batch: 32, steps: opts.steps, backend: 'wasm (tfjs 4.22, 2 threads)', ...(opts.overrides ? { overrides: { set: opts.overrides, seed: 0 } } : {}) }));
  const losses = Array.from({ length: opts.steps }, (_, i) => ({ step: i + 1, D: 1 / (i + 1), G: i + 1 }));
  writeFileSync(join(dir, 'losses.jsonl'), jsonl(losses) + (opts.torn ? '{"step":99,"D"' : ''));
  const settings = { ...SETTINGS, steps: opts.steps };
  const events = opts.resumedAt === undefined
    ? [start(0, false, settings), { event: 'checkpoint', time: 't', step: opts.steps, seconds: 3, steps: opts.steps }, { event: 'end', time: 't', step: opts.steps, seconds: 3, steps: opts.steps }]
    : [start(0, false, settings), { event: 'checkpoint', time: 't', step: opts.resumedAt, seconds: 2, steps: opts.resumedAt },
      start(opts.resumedAt, true, settings), { event: 'checkpoint', time: 't', step: opts.steps, seconds: 6, steps: opts.steps - opts.resumedAt }];
  writeFileSync(join(dir, 'events.jsonl'), jsonl(events));
  if (opts.metrics) writeFileSync(join(dir, 'metrics.jsonl'), jsonl([metrics(3, 'generator', 80, 6), metrics(6, 'generator', 50, 9)]));
  if (opts.baseline) {
    writeFileSync(join(dir, 'baseline.json'), JSON.stringify({ model: 'gan', results: [
      { label: 'trained', metrics: metrics(6, 'generator', 50, 9) },
      { label: 'untrained', metrics: metrics(0, 'generator', 300, 1) },
      { label: 'real', metrics: metrics(undefined, 'real', 2, 10, 0.99) },
    ] }));
  }
  for (const step of [3, 6]) {
    await writePng(join(dir, 'samples', `step-00000${step}.png`), { data: new Uint8Array(10 * 8).fill(step * 40), width: 10, height: 8, channels: 1 });
  }
}

/** The data-points of every series path of one chart, by series id. */
function chartSeries(html: string, chart: string): Record<string, number> {
  const svg = html.split(`data-chart="${chart}"`)[1]?.split('</svg>')[0];
  assert.ok(svg, `chart ${chart} exists`);
  return Object.fromEntries([...svg.matchAll(/data-series="([^"]+)" data-run="[^"]+" data-points="(\d+)"/g)].map((m) => [m[1], Number(m[2])]));
}

test('one page for two runs: sections, aligned charts, tables, warnings, spec differences, grids', async () => {
  const root = tempDir('report-builder');
  const a = join(root, 'a');
  const b = join(root, 'b');
  await writeRun(a, { name: 'gan', steps: 6, metrics: true, baseline: true });
  await writeRun(b, { name: 'gan-b', steps: 8, overrides: ['schedule.batch=64'], resumedAt: 4, torn: true });
  const html = reportHtml(loadRuns([a, b]), { now: new Date('2026-01-02T00:00:00Z') });

  const sections = [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(sections, ['warnings', 'summary', 'losses', 'metrics', 'samples', 'spec-diff', 'runs']);
  assert.match(html, /<title>ganspec report: gan, gan-b<\/title>/);
  assert.match(html, /built 2026-01-02T00:00:00.000Z/);

  // Losses: one chart per phase and axis, every run raw and smoothed, one point per logged step.
  const charts = [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(charts, ['loss-D-steps', 'loss-G-steps', 'loss-D-epochs', 'loss-G-epochs', 'metric-fid-steps', 'metric-kid-steps', 'metric-classes-steps', 'metric-fid-epochs', 'metric-kid-epochs', 'metric-classes-epochs']);
  assert.deepEqual(chartSeries(html, 'loss-D-steps'), { 'gan D raw': 6, 'gan D smoothed': 6, 'gan-b D raw': 8, 'gan-b D smoothed': 8 });
  assert.deepEqual(chartSeries(html, 'loss-G-epochs'), { 'gan G raw': 6, 'gan G smoothed': 6, 'gan-b G raw': 8, 'gan-b G smoothed': 8 });
  // Aligned: both axes run to the furthest run (step 8; 8 * 32 / 60000 epochs), the x tick labels say so.
  const stepsAxis = html.split('data-chart="loss-D-steps"')[1].split('</svg>')[0];
  assert.match(stepsAxis, />8<\/text>/);
  // Metrics: run a's two evaluations, with the baseline's untrained and real values as lines.
  assert.deepEqual(chartSeries(html, 'metric-fid-steps'), { 'gan G(z)': 2 });
  const fid = html.split('data-chart="metric-fid-steps"')[1].split('</svg>')[0];
  assert.deepEqual([...fid.matchAll(/data-ref="([^"]+)"/g)].map((m) => m[1]), ['untrained gan', 'real']);
  assert.equal(html.includes('data-chart="metric-label-accuracy-steps"'), false, 'no run logged label accuracy');

  // Final values: status, steps, last losses, last metrics, ms/step and wall time from the events.
  const rows = [...html.split('<table class="summary">')[1].split('</table>')[0].matchAll(/<tr><td>(.*?)<\/tr>/g)].map((m) => m[1].replace(/<[^>]+>/g, '|').replace(/\|+/g, '|'));
  assert.deepEqual(rows, [
    '|gan|done|6 / 6|0.1667|6|50|0.05|9|500|3s|',
    '|gan-b|at step 8 of 8 (running, or interrupted)|8 / 8|0.125|8|–|–|–|1000|8s|',
  ]);

  const warnings = [...html.matchAll(/<li data-run="([^"]+)">.*?<\/span>[^:]*: (.*?)<\/li>/g)].map((m) => `${m[1]}: ${m[2]}`);
  assert.deepEqual(warnings, ['gan-b: resumed at step 4', 'gan-b: losses.jsonl line 9 is not a JSON object (a torn write?): skipped']);

  // Spec differences: run b's --set, key by key.
  const diff = html.split('<section id="spec-diff">')[1].split('</section>')[0];
  assert.deepEqual([...diff.matchAll(/<tr><td><code>([^<]+)<\/code><\/td><td><code>([^<]+)<\/code><\/td><td><code>([^<]+)<\/code>/g)].map((m) => m.slice(1)), [['/schedule/batch', '32', '64']]);

  // How each run was made.
  const details = html.split('<section id="runs">')[1];
  assert.match(details, /<th>command line<\/th><td><code>gan-train specs\/gan.yaml --steps 6<\/code>/);
  assert.match(details, /<th>ganspec<\/th><td>0.1.0</);
  assert.match(details, /<th>backend<\/th><td>wasm \(tfjs 4.22, 2 threads\)</);
  assert.match(details, /--set schedule.batch=64/);
  assert.match(details, /<td>adam lr 0.0002, beta1 0.5, beta2 0.999, epsilon 1e-7<\/td>/);
  assert.match(details, /<td>adam lr 0.0002, beta1 0.5, beta2 0.999, epsilon 1e-7, linear decay from step 3 to 0 at 6<\/td>/);
  assert.match(details, /<pre class="spec">name: gan\n/);

  // Grids: the slider's data holds every grid of each run, byte for byte; the last one shows, scaled x42.
  const data = JSON.parse(html.split('<script type="application/json" id="grid-data">')[1].split('</script>')[0]) as { step: number; text: string; src: string }[][];
  assert.deepEqual(data.map((run) => run.map((g) => g.text)), [['step 3 · epoch 0.0016', 'step 6 · epoch 0.0032'], ['step 3 · epoch 0.0016', 'step 6 · epoch 0.0032']]);
  assert.equal(data[0][1].src, `data:image/png;base64,${readFileSync(join(a, 'samples', 'step-000006.png')).toString('base64')}`);
  assert.match(html, /<img class="grid" src="data:image\/png;base64,[^"]+" width="420" height="336"/);
  assert.match(html, /<input type="range" class="grid-slider" data-run-index="1" min="0" max="1" value="1"/);

  // Self-contained: no external script, style sheet, image or frame.
  assert.doesNotMatch(html, /<link|<iframe|<script[^>]+src=/);
  assert.deepEqual([...html.matchAll(/\ssrc="([^"]{0,11})/g)].map((m) => m[1]).filter((s) => !s.startsWith('data:image/')), []);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
});

test('a run with no events, metrics or grids still makes a page, saying what is missing', async () => {
  const dir = tempDir('report-bare');
  writeFileSync(join(dir, 'losses.jsonl'), jsonl([{ step: 1, D: 0.5 }]));
  const run = readRun(dir);
  assert.equal(run.name, dir.split('/').pop());
  const html = reportHtml(loadRuns([dir]));
  assert.match(html, /No metrics.jsonl: train with <code>--eval-every N<\/code>/);
  assert.match(html, /No sample grids yet\./);
  assert.match(html, /No resolved spec: trained from the module \?, not from a spec/);
  assert.equal(html.includes('type="radio" name="axis"'), false, 'no epochs switch without the training set size');
  assert.deepEqual(chartSeries(html, 'loss-D-steps'), { [`${run.name} D raw`]: 1, [`${run.name} D smoothed`]: 1 });
});

test('runs are labelled by name, by name and folder where names repeat, else by path', () => {
  assert.deepEqual(labels([{ name: 'gan', dir: '/r/a' }, { name: 'wgan', dir: '/r/b' }]), ['gan', 'wgan']);
  assert.deepEqual(labels([{ name: 'gan', dir: '/r/gan' }, { name: 'gan', dir: '/r/gan-lr' }]), ['gan', 'gan (gan-lr)']);
  assert.deepEqual(labels([{ name: 'gan', dir: resolve('x/gan') }, { name: 'gan', dir: resolve('y/gan') }]), ['x/gan', 'y/gan']);
});

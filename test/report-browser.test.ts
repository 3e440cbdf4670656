// gan-report in a real browser (headless Chromium, test/browser.ts): a comparison of two tiny real
// runs of specs/gan.yaml (one resumed, different G learning rates, metrics every 3 steps, a
// baseline) loads with no console error and no request, every chart has each run's series with one
// point per logged step or evaluation, the axis switch swaps steps for epochs, the sample slider
// changes the grid shown (and moves the other run's), and a screenshot is saved.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { writeRunInfo } from '../cli/run-dir';
import { evalEvery, evaluateReal, evaluateRun, loadEvaluator } from '../eval';
import { writeReport } from '../report';
import { buildNetworks, train } from '../runtime/loop/train';
import { installSeededRandom } from '../runtime/rng';
import { chromiumMissing, launchChromium, pageWithErrors } from './browser';
import { compiledTrainer, tempDir, useBackend } from './helpers';

const TINY = ['networks.G.layers.0.dense.units=8', 'networks.G.layers.3.dense.units=8', 'networks.G.layers.6.dense.units=8', 'networks.D.layers.1.dense.units=8', 'networks.D.layers.3.dense.units=8', 'preview.every=2', 'checkpoint.every=3'];
const EVAL = { n: 100, referenceN: 500 };

/** A run as gan-train makes it (run.json, then training), with metrics every 3 steps; `resumeAt` trains in two sessions. */
async function tinyRun(runDir: string, overrides: string[], resumeAt?: number): Promise<void> {
  const trainer = await compiledTrainer('specs/gan.yaml', overrides, tempDir('browser-module'));
  mkdirSync(runDir, { recursive: true });
  const evaluator = await loadEvaluator();
  const opts = { runDir, dataDir: 'specs', batch: 8, log: () => {}, afterStep: evalEvery(trainer, 3, { runDir, ...EVAL, evaluator, log: () => {} }) };
  if (resumeAt !== undefined) await train(trainer, { ...opts, steps: resumeAt });
  await train(trainer, { ...opts, steps: 6, resume: resumeAt !== undefined });
  // run.json as gan-train writes it once its checks have passed.
  await writeRunInfo(runDir, { name: trainer.name, module: '../gan.mts', dataDir: resolve('specs'), spec: resolve('specs/gan.yaml'), seed: 0, batch: 8, steps: 6, backend: 'wasm', overrides: { set: overrides, seed: 0 } });
  if (resumeAt !== undefined) return;
  // gan-eval --baseline's file: the untrained networks and real images.
  installSeededRandom(0);
  const nets = buildNetworks(trainer);
  const untrained = await evaluateRun(trainer, nets, { ...EVAL, evaluator, step: 0 });
  const real = await evaluateReal(trainer, { ...EVAL, evaluator });
  writeFileSync(join(runDir, 'baseline.json'), JSON.stringify({ model: 'gan', results: [{ label: 'untrained', metrics: untrained }, { label: 'real', metrics: real }] }));
}

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').length;

test('a two-run report works in Chromium: charts, axis switch, slider, no errors', async () => {
  await useBackend('wasm');
  const root = tempDir('report-browser');
  const a = join(root, 'lr-2e-4');
  const b = join(root, 'lr-1e-3');
  await tinyRun(a, TINY);
  await tinyRun(b, [...TINY, 'schedule.phases.1.optimizer.adam.lr=0.001'], 3);
  const out = join(root, 'compare.html');
  await writeReport([a, b], out);
  // Expected from the run files themselves: one point per logged step and per evaluation.
  const steps = { 'gan (lr-2e-4)': lines(join(a, 'losses.jsonl')), 'gan (lr-1e-3)': lines(join(b, 'losses.jsonl')) };
  const evals = { 'gan (lr-2e-4)': lines(join(a, 'metrics.jsonl')), 'gan (lr-1e-3)': lines(join(b, 'metrics.jsonl')) };
  assert.deepEqual([steps, evals], [{ 'gan (lr-2e-4)': 6, 'gan (lr-1e-3)': 6 }, { 'gan (lr-2e-4)': 2, 'gan (lr-1e-3)': 2 }]);

  const browser = await launchChromium();
  try {
    const { page, errors } = await pageWithErrors(browser.context);
    const requests: string[] = [];
    page.on('request', (r) => void (!/^(file|data):/.test(r.url()) && requests.push(r.url())));
    await page.setViewportSize({ width: 1360, height: 900 });
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });

    // Every series: its drawn path has as many points (M/L commands) as it says, and a visible extent.
    const series = await page.$$eval('path.series', (paths) => paths.map((p) => {
      const path = p as SVGPathElement;
      const chart = path.closest('svg')!.getAttribute('data-chart')!;
      return { chart, id: path.dataset.series!, run: path.dataset.run!, points: Number(path.dataset.points), commands: (path.getAttribute('d')!.match(/[ML]/g) ?? []).length, width: path.getBBox().width };
    }));
    const charts = [...new Set(series.map((s) => s.chart))];
    assert.deepEqual(charts, ['loss-D-steps', 'loss-G-steps', 'loss-D-epochs', 'loss-G-epochs', 'metric-fid-steps', 'metric-kid-steps', 'metric-classes-steps', 'metric-fid-epochs', 'metric-kid-epochs', 'metric-classes-epochs']);
    for (const chart of charts) {
      const mine = series.filter((s) => s.chart === chart);
      const isLoss = chart.startsWith('loss');
      assert.deepEqual(mine.map((s) => s.run), isLoss ? ['gan (lr-2e-4)', 'gan (lr-2e-4)', 'gan (lr-1e-3)', 'gan (lr-1e-3)'] : ['gan (lr-2e-4)', 'gan (lr-1e-3)'], chart);
      for (const s of mine) {
        const want = (isLoss ? steps : evals)[s.run as keyof typeof steps];
        assert.equal(s.points, want, `${chart} ${s.id}: data-points`);
        assert.equal(s.commands, want, `${chart} ${s.id}: points drawn`);
      }
    }
    const visible = (chart: string) => page.locator(`svg[data-chart="${chart}"]`).isVisible();
    assert.ok(series.filter((s) => s.chart.endsWith('-steps')).every((s) => s.width > 0), 'the step charts are drawn');
    const refs = await page.$$eval('svg[data-chart="metric-fid-steps"] line.ref', (ls) => ls.map((l) => l.getAttribute('data-ref')));
    assert.deepEqual(refs, ['untrained gan (lr-2e-4)', 'real']);
    assert.deepEqual([await visible('loss-D-steps'), await visible('loss-D-epochs')], [true, false]);
    await page.locator('input[name="axis"][value="epochs"]').check();
    assert.deepEqual([await visible('loss-D-steps'), await visible('loss-D-epochs')], [false, true]);
    await page.locator('input[name="axis"][value="steps"]').check();

    // The slider: the last grid shows first; moving run a's to the start shows its first grid and
    // moves run b's to the same step.
    const grids = JSON.parse(await page.locator('#grid-data').textContent() ?? '[]') as { step: number; src: string }[][];
    // Run b also wrote a grid at step 3, where its first session ended.
    assert.deepEqual(grids.map((g) => g.map((x) => x.step)), [[2, 4, 6], [2, 3, 4, 6]]);
    const figure = (i: number) => page.locator('figure.samples').nth(i);
    const shown = async (i: number) => ({ src: await figure(i).locator('img.grid').getAttribute('src'), text: await figure(i).locator('output.grid-step').textContent() });
    assert.equal((await shown(0)).src, grids[0][2].src);
    await figure(0).locator('input.grid-slider').fill('0');
    assert.deepEqual(await shown(0), { src: grids[0][0].src, text: 'step 2 · epoch 0.000267' });
    assert.deepEqual(await shown(1), { src: grids[1][0].src, text: 'step 2 · epoch 0.000267' });
    assert.notEqual(grids[0][0].src, grids[0][2].src, 'the grids differ');
    const natural = await figure(0).locator('img.grid').evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).width]);
    assert.deepEqual(natural, [152, 304], 'a 152-pixel grid shown twice as large');
    await page.locator('#sync-sliders').uncheck();
    await figure(1).locator('input.grid-slider').fill('2');
    assert.deepEqual([(await shown(0)).text, (await shown(1)).text], ['step 2 · epoch 0.000267', 'step 4 · epoch 0.000533']);
    assert.match(await page.locator('#warnings').textContent() ?? '', /gan \(lr-1e-3\): resumed at step 3/);
    assert.match(await page.locator('#spec-diff').textContent() ?? '', /\/schedule\/phases\/1\/optimizer\/adam\/lr0\.00020\.001/);

    const shot = join(root, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000, 'a screenshot with content');
    if (process.env.GANSPEC_SCREENSHOTS) copyFileSync(shot, join(process.env.GANSPEC_SCREENSHOTS, 'report-browser.png'));
    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(requests, [], 'no network requests');
  } finally {
    await browser.close();
  }
});

test('without Chromium the browser tests fail and say why, in CI and locally', () => {
  assert.equal(chromiumMissing('/no/such/chromium', {}), 'chromium not found: apt-get install chromium');
  assert.equal(chromiumMissing('/no/such/chromium', { CI: 'true' }), 'chromium not found at /no/such/chromium (CI=true): .ci/run installs it with apt-get install -y chromium; the browser tests need it');
});

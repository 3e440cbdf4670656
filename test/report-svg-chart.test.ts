// report/svg-chart.ts and report/series.ts: ticks, tick labels, domains, path data, whole charts
// (series paths with their point counts, reference lines, markers), smoothing and thinning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ema, smoothingWeight, thin } from '../report/series';
import { formatTick, lineChart, niceDomain, niceTicks, pathData, quantile, yDomain, type Series } from '../report/svg-chart';

test('ticks are round steps covering the range, labelled compactly', () => {
  assert.deepEqual(niceTicks(0, 2, 4), [0, 0.5, 1, 1.5, 2]);
  assert.deepEqual(niceTicks(0, 30000, 6), [0, 5000, 10000, 15000, 20000, 25000, 30000]);
  assert.deepEqual(niceTicks(0.13, 0.61, 4), [0.2, 0.4, 0.6]);
  assert.deepEqual(niceTicks(3, 3), [3]);
  assert.deepEqual(niceTicks(0.18, 9.55, 4), [2.5, 5, 7.5]);
  assert.deepEqual(niceDomain(0.18, 9.55, 4), [0, 10], 'the y axis ends on ticks');
  assert.deepEqual(niceDomain(0.02, 0.75, 4), [0, 0.8]);
  assert.deepEqual(niceDomain(-0.3, 1.2, 4), [-0.5, 1.5]);
  assert.deepEqual([30000, 12500, 1500, 0.25, 0.00012, 0].map(formatTick), ['30k', '12.5k', '1500', '0.25', '1.2e-4', '0']);
});

test('the y range takes raw series from their 1st to 99th percentile only', () => {
  const raw: Series = { id: 'r', run: 'a', color: '#000', style: 'raw', points: Array.from({ length: 101 }, (_, i) => [i, i === 0 ? 1000 : i] as const) };
  assert.equal(quantile([3, 1, 2], 0.5), 2);
  assert.equal(quantile(raw.points.map((p) => p[1]), 0.99), 100);
  const [lo, hi] = yDomain([raw]);
  assert.equal(hi, 100, 'the spike of 1000 at step 0 is left out');
  assert.equal(lo, quantile(raw.points.map((p) => p[1]), 0.01));
  const solid: Series = { ...raw, style: 'line' };
  assert.deepEqual(yDomain([solid]), [1, 1000], 'a solid series shows every value');
  assert.deepEqual(yDomain([], [{ y: 5, label: 'real', color: '#000' }]), [4.5, 5.5], 'a flat range is widened by 10 %');
});

test('path data breaks at a non-finite value', () => {
  const id = (v: number) => v;
  assert.equal(pathData([[0, 0], [1, 2], [2, 4]], id, id), 'M0,0L1,2L2,4');
  assert.equal(pathData([[0, 0], [1, NaN], [2, 4], [3, 5]], id, id), 'M0,0M2,4L3,5');
  assert.equal(pathData([[0.123, 1 / 3]], id, id), 'M0.1,0.3');
});

test('a chart draws each series as one path with its point count, references as lines', () => {
  const svg = lineChart({
    id: 'loss-D-steps',
    xLabel: 'steps',
    yLabel: 'loss D',
    series: [
      { id: 'a D', run: 'a', color: '#4e79a7', style: 'line', points: [[0, 0], [10, 1], [20, 2]] },
      { id: 'b D', run: 'b', color: '#e15759', style: 'dashed', markers: true, points: [[0, 2], [10, NaN], [20, 0]] },
    ],
    refs: [{ y: 1, label: 'real', color: '#555' }, { y: 2, label: 'untrained b', text: 'untrained', color: '#e15759' }],
  });
  // Plot area: x 56..488 for steps 0..20, y 202..10 for values 0..2.
  const paths = [...svg.matchAll(/<path class="series (\w+)" data-series="([^"]+)" data-run="(\w+)" data-points="(\d+)"[^>]* d="([^"]*)"/g)].map((m) => m.slice(1));
  assert.deepEqual(paths, [
    ['line', 'a D', 'a', '3', 'M56,202L272,106L488,10'],
    ['dashed', 'b D', 'b', '2', 'M56,10M488,202'],
  ]);
  assert.match(svg, /<line class="ref" data-ref="real" x1="56" x2="488" y1="106" y2="106" stroke="#555"/);
  assert.match(svg, /<text class="ref-label" x="492" y="110" fill="#555">real<title>real: 1<\/title><\/text>/);
  assert.match(svg, /<text class="ref-label" x="492" y="18" fill="#e15759">untrained<title>untrained b: 2<\/title><\/text>/, 'the short text, the full label as tooltip');
  assert.equal([...svg.matchAll(/<circle class="marker" data-series="b D"/g)].length, 2, 'one marker per finite point of the marked series');
  assert.equal([...svg.matchAll(/<circle/g)].length, 2, 'no markers on the unmarked series');
  assert.match(svg, /^<svg class="chart" data-chart="loss-D-steps" [^>]*viewBox="0 0 560 240"/);
  assert.match(svg, /<clipPath id="clip-loss-D-steps">/);
  assert.match(svg, />20<\/text>/, 'the x axis is labelled up to 20');
  assert.ok(svg.endsWith('</svg>'));
});

test('a shared x domain aligns charts; text is escaped', () => {
  const svg = lineChart({ id: 'm', xLabel: 'epochs', yLabel: 'fid <G(z)>', xDomain: [0, 40], series: [{ id: 'a "G(z)"', run: 'a', color: '#000', style: 'line', points: [[0, 0], [20, 2]] }] });
  assert.match(svg, /d="M56,202L272,10"/, 'step 20 of 0..40 is the middle of the plot');
  assert.match(svg, /data-series="a &quot;G\(z\)&quot;"/);
  assert.match(svg, />fid &lt;G\(z\)&gt;</);
});

test('smoothing is a debiased moving average; thinning keeps every k-th point and the last', () => {
  assert.deepEqual(ema([[1, 1], [2, 3]], 0.5), [[1, 1], [2, 1.75 / 0.75]]);
  assert.deepEqual(ema([[1, 1], [2, NaN], [3, 3]], 0.5), [[1, 1], [2, NaN], [3, 1.75 / 0.75]]);
  assert.deepEqual(ema([[1, 4], [2, 8]], 0), [[1, 4], [2, 8]]);
  assert.equal(smoothingWeight(50), 0);
  assert.equal(smoothingWeight(5000), 0.99);
  assert.deepEqual(thin([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4), [0, 4, 8, 9]);
  assert.deepEqual(thin([0, 1, 2], 4), [0, 1, 2]);
  assert.ok(thin(Array.from({ length: 30001 }, (_, i) => i), 1500).length <= 1500);
});

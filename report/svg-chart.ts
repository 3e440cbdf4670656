// Line charts as SVG text: series of (x, y) points on linear axes with "nice" ticks, horizontal
// reference lines, and the point count of every series in a data attribute (what the browser
// tests count). No DOM and no library: a string out, so it is tested as a string. Imports nothing.

export interface Series {
  /** Unique within the chart (data-series). */
  id: string;
  /** The run this series belongs to (data-run), for the legend and the tests. */
  run: string;
  color: string;
  points: readonly (readonly [number, number])[];
  /** raw: thin and faint; line: solid; dashed: a second band or reference of one run. */
  style: 'raw' | 'line' | 'dashed';
  /** Draw a dot at every point (short series such as metrics), with the value as a tooltip. */
  markers?: boolean;
}

export interface RefLine {
  y: number;
  /** What the line is, e.g. "real" or "untrained gan-b" (data-ref, tooltip). */
  label: string;
  /** Shown at the line's right end (default: the label); the colour tells runs apart. */
  text?: string;
  color: string;
}

export interface ChartOptions {
  /** Unique within the page (clip path id, data-chart). */
  id: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  refs?: readonly RefLine[];
  /** Shared x range of aligned charts; default: the data's. */
  xDomain?: readonly [number, number];
  width?: number;
  height?: number;
}

const MARGIN = { left: 56, right: 72, top: 10, bottom: 38 };

/** Escapes text for SVG/HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The tick spacing for about `count` ticks over [lo, hi]: 1, 2, 2.5 or 5 times a power of ten. */
export function tickStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
}

/** The range widened to whole tick steps, so that the axis starts and ends on a tick. */
export function niceDomain(lo: number, hi: number, count: number): [number, number] {
  if (!(hi > lo)) return [lo, hi];
  const step = tickStep(lo, hi, count);
  return [Number((Math.floor(lo / step + 1e-9) * step).toPrecision(12)), Number((Math.ceil(hi / step - 1e-9) * step).toPrecision(12))];
}

/** About `count` round tick values (see tickStep) inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = tickStep(lo, hi, count);
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A tick label: 12000 -> "12k", 0.00012 -> "1.2e-4", 0.25 -> "0.25". */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 10000) return `${Number((v / 1000).toPrecision(4))}k`;
  if (a !== 0 && a < 0.001) return v.toExponential(1).replace('.0e', 'e');
  return String(Number(v.toPrecision(4)));
}

/** The domain a chart shows: [min, max] of the values, widened when flat. */
export function extent(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  return [lo, hi];
}

/** The q-quantile (0..1) of the finite values, by linear interpolation. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const i = Math.floor(at);
  return i + 1 < sorted.length ? sorted[i] + (sorted[i + 1] - sorted[i]) * (at - i) : sorted[i];
}

/** The y range of a chart: every value of solid series and references, but raw series only from
 *  their 1st to 99th percentile, so that one early spike does not flatten every curve. */
export function yDomain(series: readonly Series[], refs: readonly RefLine[] = []): [number, number] {
  const values: number[] = refs.map((r) => r.y);
  for (const s of series) {
    const ys = s.points.map((p) => p[1]);
    if (s.style === 'raw') values.push(quantile(ys, 0.01), quantile(ys, 0.99));
    else values.push(...ys);
  }
  return extent(values);
}

const round = (v: number) => Math.round(v * 10) / 10;

/** SVG path data through the points (pixel coordinates); a non-finite y starts a new segment. */
export function pathData(points: readonly (readonly [number, number])[], sx: (x: number) => number, sy: (y: number) => number): string {
  let d = '';
  let pen = false;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${round(sx(x))},${round(sy(y))}`;
    pen = true;
  }
  return d;
}

export function linear(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

const STYLES = {
  raw: 'stroke-width="1" stroke-opacity="0.3"',
  line: 'stroke-width="1.8"',
  dashed: 'stroke-width="1.8" stroke-dasharray="6 3"',
} as const;

export function lineChart(opts: ChartOptions): string {
  const width = opts.width ?? 560;
  const height = opts.height ?? 240;
  const refs = opts.refs ?? [];
  const xs = opts.series.flatMap((s) => s.points.map((p) => p[0]));
  const [x0, x1] = opts.xDomain ?? extent(xs);
  const [y0, y1] = niceDomain(...yDomain(opts.series, refs), 4);
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  const sx = linear([x0, x1], [left, right]);
  const sy = linear([y0, y1], [bottom, top]);
  const clip = `clip-${opts.id}`;
  const out: string[] = [];
  out.push(`<svg class="chart" data-chart="${esc(opts.id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(opts.yLabel)} over ${esc(opts.xLabel)}">`);
  out.push(`<defs><clipPath id="${esc(clip)}"><rect x="${left}" y="${top - 2}" width="${right - left}" height="${bottom - top + 4}"/></clipPath></defs>`);
  out.push('<g class="grid">');
  for (const t of niceTicks(y0, y1, 4)) {
    const y = round(sy(t));
    out.push(`<line x1="${left}" x2="${right}" y1="${y}" y2="${y}"/><text class="tick" x="${left - 6}" y="${y + 4}" text-anchor="end">${esc(formatTick(t))}</text>`);
  }
  for (const t of niceTicks(x0, x1, 6)) {
    const x = round(sx(t));
    out.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${bottom}"/><text class="tick" x="${x}" y="${bottom + 15}" text-anchor="middle">${esc(formatTick(t))}</text>`);
  }
  out.push('</g>');
  out.push(`<rect class="frame" x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none"/>`);
  out.push(`<text class="axis-label" x="${(left + right) / 2}" y="${height - 4}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  out.push(`<text class="axis-label" transform="translate(12 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  out.push(`<g clip-path="url(#${esc(clip)})">`);
  for (const r of refs) {
    const y = round(sy(r.y));
    out.push(`<line class="ref" data-ref="${esc(r.label)}" x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="${esc(r.color)}" stroke-dasharray="2 3"/>`);
  }
  for (const s of opts.series) {
    const drawn = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    out.push(`<path class="series ${s.style}" data-series="${esc(s.id)}" data-run="${esc(s.run)}" data-points="${drawn.length}" fill="none" stroke="${esc(s.color)}" ${STYLES[s.style]} d="${pathData(s.points, sx, sy)}"/>`);
    if (s.markers) {
      for (const [x, y] of drawn) {
        out.push(`<circle class="marker" data-series="${esc(s.id)}" cx="${round(sx(x))}" cy="${round(sy(y))}" r="2.5" fill="${esc(s.color)}"><title>${esc(`${s.id}: ${formatTick(y)} at ${formatTick(x)}`)}</title></circle>`);
      }
    }
  }
  out.push('</g>');
  for (const r of refs) {
    const y = Math.min(bottom, Math.max(top + 8, round(sy(r.y)) + 4));
    out.push(`<text class="ref-label" x="${right + 4}" y="${y}" fill="${esc(r.color)}">${esc(r.text ?? r.label)}<title>${esc(`${r.label}: ${formatTick(r.y)}`)}</title></text>`);
  }
  out.push('</svg>');
  return out.join('');
}

// The sample grids over time: per run, the last grid shown scaled up crisply (CSS
// image-rendering: pixelated, an integer factor) with a slider through every grid of the run.
// The grids travel inside the page as data: URLs in one JSON block that the page's script reads;
// without the script the last grid still shows. Imports report/.
import { readFileSync } from 'node:fs';
import { esc, runLabel } from './html';
import type { Progress, ReportRun } from './report-run';
import type { SampleGrid } from './run-files';
import { thin } from './series';

/** Grids per run at most (every k-th beyond that, always the last). */
export const MAX_GRIDS = 200;
/** Grids are scaled by the largest integer that keeps them within this width. */
const TARGET_WIDTH = 420;

export interface GridItem {
  step: number;
  text: string;
  src: string;
}

export function stepText(step: number, epochsPerStep: number | undefined): string {
  return epochsPerStep === undefined ? `step ${step}` : `step ${step} · epoch ${Number((step * epochsPerStep).toPrecision(3))}`;
}

export function scaleFor(width: number): number {
  return Math.max(1, Math.floor(TARGET_WIDTH / width));
}

function dataUrl(grid: SampleGrid): string {
  return `data:image/png;base64,${readFileSync(grid.file).toString('base64')}`;
}

/** The section, and the JSON (one entry per run) the page's slider script reads. */
export function samplesSection(runs: readonly ReportRun[], progress: Progress = () => {}): { html: string; data: GridItem[][] } {
  const total = runs.reduce((n, r) => n + Math.min(r.files.samples.length, MAX_GRIDS), 0);
  let done = 0;
  const data: GridItem[][] = [];
  const figures = runs.map((run, i) => {
    const grids = thin(run.files.samples, MAX_GRIDS);
    const items = grids.map((g) => {
      progress('embedding sample grids', done++, total);
      return { step: g.step, text: stepText(g.step, run.summary.epochsPerStep), src: dataUrl(g) };
    });
    data.push(items);
    const last = grids[grids.length - 1];
    if (!last) return `<figure class="samples" data-run="${esc(run.label)}"><figcaption>${runLabel(run)}</figcaption><p>No sample grids yet.</p></figure>`;
    const k = scaleFor(last.width);
    const img = `<img class="grid" src="${items[items.length - 1].src}" width="${last.width * k}" height="${last.height * k}" alt="${esc(`samples of ${run.label}`)}" data-step="${last.step}">`;
    const slider = `<input type="range" class="grid-slider" data-run-index="${i}" min="0" max="${grids.length - 1}" value="${grids.length - 1}" step="1" aria-label="${esc(`sample grid of ${run.label}`)}">`;
    const caption = `${runLabel(run)} <span class="note">${grids.length} grid${grids.length === 1 ? '' : 's'}${grids.length < run.files.samples.length ? ` of ${run.files.samples.length}` : ''}, ×${k}</span>`;
    return `<figure class="samples" data-run="${esc(run.label)}"><figcaption>${caption}</figcaption>${img}<div class="slider-row">${slider}<output class="grid-step">${esc(items[items.length - 1].text)}</output></div></figure>`;
  });
  progress('embedding sample grids', total, total);
  const sync = runs.length > 1 ? '<label class="sync"><input type="checkbox" id="sync-sliders" checked> move every run’s slider together (to the nearest step)</label>' : '';
  return { html: `<section id="samples"><h2>Samples</h2>${sync}<div class="sample-row">${figures.join('')}</div></section>`, data };
}

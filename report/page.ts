// The page around the sections: header (runs and their colours, the x-axis switch), the style
// sheet and the script, all inline so that the file opens from disk, offline, and can be mailed.
// A Content-Security-Policy forbids every network fetch. Imports report/.
import { esc, runLabel } from './html';
import { PAGE_SCRIPT } from './page-script';
import type { Axis } from './charts';
import type { ReportRun } from './report-run';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 0 16px 40px; max-width: 1400px; color: #222; background: #fff; }
header { border-bottom: 1px solid #ddd; padding: 8px 0; display: flex; flex-wrap: wrap; gap: 6px 20px; align-items: baseline; }
header h1 { font-size: 18px; margin: 0; }
h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 1px solid #eee; }
h3 { font-size: 14px; margin: 16px 0 6px; }
h4 { font-size: 13px; margin: 10px 0 4px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: baseline; }
.note { color: #666; font-size: 12px; margin-left: 6px; }
.runs span.run { margin-right: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart-box { margin: 0; border: 1px solid #eee; padding: 6px; }
.chart-box figcaption { font-weight: 600; font-size: 13px; }
.legend { font-size: 12px; max-width: 560px; }
body:not(.axis-epochs) [data-axis="epochs"], body.axis-epochs [data-axis="steps"] { display: none; }
svg.chart { display: block; font-size: 11px; }
svg.chart .grid line { stroke: #eee; }
svg.chart .frame { stroke: #bbb; }
svg.chart .tick, svg.chart .axis-label { fill: #555; }
svg.chart .ref-label { font-size: 10px; }
.sample-row { display: flex; flex-wrap: wrap; gap: 16px; }
.samples { margin: 0; }
.samples img.grid { image-rendering: pixelated; image-rendering: crisp-edges; display: block; border: 1px solid #eee; }
.slider-row { display: flex; gap: 8px; align-items: center; }
.slider-row input { flex: 1; }
table { border-collapse: collapse; margin: 4px 0 8px; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f6f6; }
table.facts th { width: 140px; }
ul.warnings li { color: #8a4b00; }
.warn { color: #8a4b00; }
pre.spec { background: #f8f8f8; padding: 8px; max-height: 480px; overflow: auto; font-size: 12px; }
code { font-size: 12px; }
`;

export interface PageParts {
  title: string;
  generated: string;
  runs: readonly ReportRun[];
  axes: readonly Axis[];
  sections: readonly string[];
  /** The sample grids as the slider script reads them. */
  gridData: unknown;
}

/** JSON inside <script>: '<' escaped so that no "</script>" can end the block. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function page(p: PageParts): string {
  const runs = `<div class="runs">${p.runs.map((r) => `<span class="run" data-run="${esc(r.label)}">${runLabel(r)}</span>`).join('')}</div>`;
  const axis = p.axes.length > 1
    ? `<div class="axis-switch">x axis: <label><input type="radio" name="axis" value="steps" checked> steps</label> <label><input type="radio" name="axis" value="epochs"> epochs</label></div>`
    : '';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(p.title)}</title><style>${STYLE}</style></head>`,
    '<body>',
    `<header><h1>${esc(p.title)}</h1>${runs}${axis}<span class="note">built ${esc(p.generated)} by gan-report</span></header>`,
    ...p.sections,
    `<script type="application/json" id="grid-data">${scriptJson(p.gridData)}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

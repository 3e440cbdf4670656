// index.html of an export: the model's name, paper and training summary, the controls' place,
// the canvas and page.js (bundled next to it). Self-contained: the style is inlined, nothing is
// fetched but page.js and the model files. Imports export/ only.
import type { ExportInfo } from '../sampler-source';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function pageHtml(info: ExportInfo, css: string): string {
  const trained = [
    `${info.step} steps at batch ${info.batch}`,
    ...(info.trainingSeconds !== null ? [`${duration(info.trainingSeconds)} on ${info.backend}`] : [`on ${info.backend}`]),
    `seed ${info.seed}`,
  ].join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(info.name)}: ${escapeHtml(info.band)}</title>
<style>
${css}</style>
</head>
<body data-busy="1">
<h1>${escapeHtml(info.name)}</h1>
<p class="meta" id="paper">${escapeHtml(info.paper)}</p>
<p class="meta" id="summary">${escapeHtml(info.band)}, trained ${escapeHtml(trained)} (spec ${escapeHtml(info.spec)}, sha256 ${info.specSha256.slice(0, 12)}; ganspec ${escapeHtml(info.ganspecVersion)})</p>
<div id="controls"></div>
<canvas id="grid" width="0" height="0"></canvas>
<p id="status" role="status">loading the generator...</p>
<script type="module" src="page.js"></script>
</body>
</html>
`;
}

// Small HTML helpers for the report's sections: escaping, tables, numbers, a run's colour
// swatch. Imports report/svg-chart.ts (its escaping).
import { esc } from './svg-chart';

export { esc };

/** Ten distinguishable colours (Tableau 10); run i gets COLORS[i % 10]. */
export const COLORS = ['#4e79a7', '#e15759', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];

/** A table; cells are HTML already (escape text with esc). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  const head = `<tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table${cls ? ` class="${cls}"` : ''}><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** A number for a table: 4 significant digits, '–' when missing or not finite. */
export function num(v: number | undefined, digits = 4): string {
  if (v === undefined || !Number.isFinite(v)) return v === undefined ? '–' : String(v);
  return String(Number(v.toPrecision(digits)));
}

export function swatch(color: string): string {
  return `<span class="swatch" style="background:${esc(color)}"></span>`;
}

/** A run's name with its colour. */
export function runLabel(run: { label: string; color: string }): string {
  return `${swatch(run.color)}${esc(run.label)}`;
}

/** An id fragment made of [A-Za-z0-9-] only. */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

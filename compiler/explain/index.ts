// gan-compile --explain and gan-diff: a spec file in (compiled through stages 1 to 5, lowerSpec),
// its explanation or the difference of two out, as data (JSON for tools) and as text. What the
// commands call; cli/ only parses options and prints. Imports the compiler's entry and this folder.
import type { Diagnostic } from '../diagnostics';
import { lowerSpec, type CompileOptions } from '../index';
import { diffSpecs, differs, type Side, type SpecDiff } from './diff';
import { explain, type Explanation } from './explain';
import { renderDiff } from './render-diff';
import { renderExplanation } from './render';

export type { Explanation } from './explain';
export type { SpecDiff } from './diff';
export { renderExplanation, renderDiff, differs };

/** A spec lowered, or its diagnostics (with the texts for code frames) when it has errors. */
export type Lowered = { side: Side; diagnostics: Diagnostic[]; texts: Map<string, string> } | { side?: undefined; diagnostics: Diagnostic[]; texts: Map<string, string> };

export function lowerForExplain(file: string, options: CompileOptions = {}): Lowered {
  const r = lowerSpec(file, options);
  const failed = r.diagnostics.some((d) => d.severity === 'error');
  if (!r.ir || !r.networks || failed) return { diagnostics: r.diagnostics, texts: r.texts };
  return { side: { ir: r.ir, networks: r.networks }, diagnostics: r.diagnostics, texts: r.texts };
}

export function explainSide(side: Side): Explanation {
  return explain(side.ir, side.networks);
}

export function diffSides(a: Side, b: Side, opts: { all?: boolean } = {}): SpecDiff {
  return diffSpecs(a, b, opts);
}

/** JSON as the commands print it: two-space indent, a final newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

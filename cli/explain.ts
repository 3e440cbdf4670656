// The commands' side of gan-compile --explain and gan-diff: compile the specs (through
// compiler/explain/), print their diagnostics when they have errors, and give the text or JSON
// to print. Imports the compiler.
import { renderDiagnostic } from '../compiler/diagnostics';
import { diffSides, differs, explainSide, lowerForExplain, renderDiff, renderExplanation, toJson, type Lowered } from '../compiler/explain/index';

/** Prints every diagnostic (warnings too) on stderr; true when the spec lowered. */
function report(l: Lowered, log: (s: string) => void): l is Lowered & { side: NonNullable<Lowered['side']> } {
  for (const d of l.diagnostics) log(renderDiagnostic(d, l.texts.get(d.file)));
  return l.side !== undefined;
}

/** The explanation of one spec, as text or JSON; undefined when the spec has errors (printed). */
export function explainText(spec: string, opts: { json: boolean; set: string[]; log?: (s: string) => void }): string | undefined {
  const lowered = lowerForExplain(spec, { overrides: opts.set });
  if (!report(lowered, opts.log ?? ((s) => console.error(s)))) return undefined;
  const e = explainSide(lowered.side);
  return opts.json ? toJson(e) : renderExplanation(e);
}

/** The difference of two specs, as text or JSON, and whether they differ; undefined when a spec has errors (printed). */
export function diffText(a: string, b: string, opts: { json: boolean; all: boolean; set: string[]; log?: (s: string) => void }): { text: string; differ: boolean } | undefined {
  const log = opts.log ?? ((s: string) => console.error(s));
  const [la, lb] = [a, b].map((f) => lowerForExplain(f, { overrides: opts.set }));
  const ok = [report(la, log), report(lb, log)];
  if (!ok[0] || !ok[1]) return undefined;
  const d = diffSides(la.side!, lb.side!, { all: opts.all });
  return { text: opts.json ? toJson(d) : renderDiff(d), differ: differs(d) };
}

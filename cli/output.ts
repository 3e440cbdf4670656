// What the commands print of a compilation: every diagnostic of a spec, compiler-style with its
// code frame. Imports the compiler.
import type { Compiled } from '../compiler/index';
import { renderDiagnostic } from '../compiler/diagnostics';

/** Prints every diagnostic of `compiled`; true when none is an error. */
export function printDiagnostics(compiled: Compiled, log: (s: string) => void = (s) => console.error(s)): boolean {
  for (const d of compiled.diagnostics) log(renderDiagnostic(d, compiled.texts.get(d.file)));
  return compiled.text !== undefined && !compiled.diagnostics.some((d) => d.severity === 'error');
}

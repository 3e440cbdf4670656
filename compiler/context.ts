// The context of one spec's compilation, handed to every stage after load (2 validate,
// 3 resolve, 4 check, 5 lower): the loaded document, where each of its values is written, the
// one reporter the stages report into, and the compile options. May import load's types, parse
// (for a spec given as text), report, diagnostics and spec; never a later stage (they import it).
import { relative, resolve as resolvePath } from 'node:path';
import type { Where } from './diagnostics';
import type { Loaded } from './load';
import { parseSpec } from './parse';
import { Reporter } from './report';
import type { Spec } from './spec';

export interface CompileOptions {
  /** `--set key=value` overrides, applied after `extends`. */
  overrides?: string[];
  /** Format the emitted modules with ts-morph (default true); false: the template's text as is. */
  format?: boolean;
  /** Type-check the formatted modules (default true). */
  typeCheck?: boolean;
  /** Make warnings errors (gan-compile --strict, gan-train --strict; a spec's `strict: true` does too). */
  strict?: boolean;
  /** What to emit: a TensorFlow.js module (default) or a PyTorch one (compiler/emit-torch/; not formatted or type-checked here). */
  target?: 'tfjs' | 'torch';
  /** Remember verified modules in this folder (default VERIFY_CACHE; null: no cache). */
  cacheDir?: string | null;
}

export interface Context {
  /** The spec file as given. */
  file: string;
  /** The spec file relative to the working directory, '/'-separated (the module names it). */
  source: string;
  /** The loaded document (extends merged, overrides applied). */
  doc: Record<string, unknown>;
  /** The same document as a Spec: what it is once validate reported no error. */
  spec: Spec;
  /** Source texts by file, for code frames and expression positions. */
  texts: Map<string, string>;
  where: Where;
  report: Reporter;
  options: CompileOptions;
}

/** The context of a loaded spec; what load reported is in its reporter already. */
export function createContext(file: string, loaded: Loaded, options: CompileOptions = {}): Context {
  const report = new Reporter(loaded.where, loaded.texts);
  for (const d of loaded.diagnostics) report.add(d);
  return {
    file,
    source: relative(process.cwd(), resolvePath(file)).split('\\').join('/'),
    doc: loaded.doc,
    spec: loaded.doc as unknown as Spec,
    texts: loaded.texts,
    where: loaded.where,
    report,
    options,
  };
}

/**
 * The context of a spec given as text, one file without `extends` or overrides (for tests and
 * tools that hold a spec in memory): `file` only names it in diagnostics.
 */
export function contextFromText(text: string, file = 'spec.yaml', options: CompileOptions = {}): Context {
  const parsed = parseSpec(file, text);
  const doc = (parsed.doc !== null && typeof parsed.doc === 'object' && !Array.isArray(parsed.doc) ? parsed.doc : {}) as Record<string, unknown>;
  const where: Where = (pointer, which) => ({ file, ...parsed.locate(pointer, which) });
  return createContext(file, { doc, texts: new Map([[file, text]]), where, diagnostics: parsed.diagnostics }, options);
}

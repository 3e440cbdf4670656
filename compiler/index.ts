// The compiler pipeline in one place: load (parse + extends + --set) → validate (schema) →
// resolve (defaults, blocks, copies) → check networks (shapes, memory) → lower (expressions, IR) →
// emit (template). Each stage records diagnostics; the first stage with errors ends the run.
import { readFileSync } from 'node:fs';
import { relative, resolve as resolvePath } from 'node:path';
import { checkMemory, estimateMemory, type MemoryEstimate } from './check/memory';
import { checkNetwork, type CheckedNetwork } from './check/networks';
import type { Diagnostic } from './diagnostics';
import { emitModule } from './emit/module';
import { isSafeName } from './emit/quote';
import { loadSpec, type Loaded, type Position } from './load';
import { lowerModule } from './lower/module';
import { join } from './pointer';
import { resolve, type Resolved } from './resolve';
import type { Spec } from './spec';
import { validateSpec } from './validate';
import { VERIFY_CACHE, verifyModules } from './verify';

export const SCHEMA = JSON.parse(readFileSync(new URL('../schema/ganspec.schema.json', import.meta.url), 'utf8')) as object;

export interface Compiled {
  /** The spec file as given. */
  file: string;
  /** The spec's name: the module's file is `<name>.ts` (or `.mts`). */
  name?: string;
  /** The module's text, formatted and type-checked (as options say); absent when the spec has errors. */
  text?: string;
  diagnostics: Diagnostic[];
  /** Source texts by file, for code frames. */
  texts: Map<string, string>;
  /** What training needs and the spec's batch, for gan-train to check at the batch and backend it trains with (set when the module is). */
  memory?: { estimate: MemoryEstimate; batch: number };
}

/** Finds the character `at` of the expression stored at `pos` in its source text. */
function positionInExpression(texts: Map<string, string>, pos: Position, expr: string, at: number): Position {
  const src = texts.get(pos.file);
  const needle = expr.slice(at).split(/\s/)[0].slice(0, 24);
  if (src === undefined || needle === '') return pos;
  // The same text may occur earlier in the expression: skip as many occurrences in the source.
  let skip = 0;
  for (let i = expr.indexOf(needle); i >= 0 && i < at; i = expr.indexOf(needle, i + 1)) skip++;
  const lines = src.split('\n');
  let index = lines.slice(0, pos.line - 1).reduce((n, l) => n + l.length + 1, 0) + pos.col - 1;
  for (let k = 0; k <= skip; k++) {
    index = src.indexOf(needle, k === 0 ? index : index + 1);
    if (index < 0) return pos;
  }
  const head = src.slice(0, index).split('\n');
  return { file: pos.file, line: head.length, col: head[head.length - 1].length + 1 };
}

function checkNames(r: Resolved, report: (p: string, m: string, h?: string) => void): void {
  // Each unsafe name once: a phase named after its network would only repeat the network's error.
  const reported = new Set<string>();
  const check = (name: string, pointer: string, what: string) => {
    if (isSafeName(name) || reported.has(name)) return;
    reported.add(name);
    report(pointer, `'${name}' cannot name a ${what}: it is a reserved word of TypeScript`, 'choose another name');
  };
  r.networks.forEach((n) => {
    check(n.name, n.pointer, 'network');
    n.outputs.forEach((o) => o.name && check(o.name, o.pointer, 'head'));
  });
  Object.keys(r.spec.sample ?? {}).forEach((s) => check(s, join('/sample', s), 'random input'));
  const seen = new Set<string>();
  r.phases.forEach((p) => {
    check(p.name, p.pointer, 'phase');
    if (seen.has(p.name)) report(p.pointer, `two phases are named '${p.name}'`, "give one a 'name'");
    seen.add(p.name);
  });
}

/** The schema of one layer entry once a block's $params are filled in (no `$name` left): a size within `int`'s bounds. */
const LAYER_SCHEMA = {
  $schema: (SCHEMA as { $schema: string }).$schema,
  $defs: { ...(SCHEMA as { $defs: object }).$defs, param: (SCHEMA as { $defs: { int: { anyOf: object[] } } }).$defs.int.anyOf[0] },
  $ref: '#/$defs/layer',
};

function checkBlockLayers(r: Resolved, report: (p: string, m: string, h?: string, code?: string) => void): void {
  for (const net of r.networks) {
    for (const node of net.layers) {
      if (node.usedAt === undefined) continue;
      for (const d of validateSpec(LAYER_SCHEMA, { [node.kind]: node.args }, '', () => ({ line: 1, col: 1 }))) {
        report(node.usedAt, `the block's arguments make ${node.pointer}${d.pointer} wrong: ${d.message}`, d.hint, d.code);
      }
    }
  }
}

export interface CompileOptions {
  /** `--set key=value` overrides, applied after `extends`. */
  overrides?: string[];
  /** Format the emitted modules with ts-morph (default true); false: the template's text as is. */
  format?: boolean;
  /** Type-check the formatted modules (default true). */
  typeCheck?: boolean;
  /** Remember verified modules in this folder (default VERIFY_CACHE; null: no cache). */
  cacheDir?: string | null;
}

/**
 * Compiles spec files into trainer modules: every stage up to emit per spec, then one formatting
 * and type-checking pass over all the emitted modules. The one compile function of ganspec:
 * every command and test compiles through it (or through compileToModule).
 */
export function compileToModules(files: string[], options: CompileOptions = {}): Compiled[] {
  const compiled = files.map((file) => ({ file, ...emitSpec(file, options.overrides ?? []) }));
  const emitted = compiled.filter((c) => c.text !== undefined);
  if (options.format === false) return compiled;
  const verified = verifyModules(
    emitted.map((c) => ({ name: c.name!, text: c.text! })),
    options.typeCheck ?? true,
    options.cacheDir === undefined ? VERIFY_CACHE : (options.cacheDir ?? undefined),
  );
  emitted.forEach((c, i) => {
    const v = verified[i];
    if (v.errors.length === 0) {
      c.text = v.text;
      return;
    }
    c.text = undefined;
    const message = `the generated module does not type-check (a compiler bug: please report it): ${v.errors.join('; ')}`;
    c.diagnostics.push({ code: 'GS900', severity: 'error', message, file: c.file, line: 1, col: 1, pointer: '' });
  });
  return compiled;
}

/** One spec: compileToModules([file], options)[0]. */
export function compileToModule(file: string, options: CompileOptions = {}): Compiled {
  return compileToModules([file], options)[0];
}

function emitSpec(file: string, overrides: string[]): Omit<Compiled, 'file'> {
  const loaded: Loaded = loadSpec(file, overrides);
  const { texts } = loaded;
  const diagnostics = [...loaded.diagnostics];
  const done = (extra: Partial<Compiled> = {}): Omit<Compiled, 'file'> => ({ diagnostics: sortDiagnostics(diagnostics), texts, ...extra });
  if (diagnostics.some((d) => d.severity === 'error')) return done();

  const located = (pointer: string, which?: 'key' | 'value') => loaded.where(pointer, which);
  // `located` gives each diagnostic the file of the value or key it points at (a base's own keys are in the base).
  for (const d of validateSpec(SCHEMA, loaded.doc, '', located)) diagnostics.push(d);
  if (diagnostics.length > 0) return done();

  const spec = loaded.doc as unknown as Spec;
  const report = (pointer: string, message: string, hint?: string, code = 'GS100', at?: number) => {
    let pos = loaded.where(pointer, 'value');
    if (at !== undefined) {
      const text = pointer.startsWith('/losses/') ? spec.losses[pointer.slice('/losses/'.length)] : pointer.startsWith('/preview/show/') ? spec.preview.show[Number(pointer.split('/').pop())] : '';
      pos = positionInExpression(texts, pos, text ?? '', at);
    }
    diagnostics.push({ code, severity: 'error', message, pointer, hint, ...pos });
  };
  const resolved = resolve(spec, diagnostics, (p, which) => loaded.where(p, which ?? 'value'));
  checkNames(resolved, report);
  if (diagnostics.length > 0) return done();
  checkBlockLayers(resolved, report);
  if (diagnostics.length > 0) return done();

  const checked = resolved.networks.map((n) => checkNetwork(n, report)).filter((n): n is CheckedNetwork => n !== undefined);
  if (diagnostics.length > 0) return done();
  checkMemory(checked, resolved.phases, spec.schedule.batch, report);
  if (diagnostics.length > 0) return done();

  const source = relative(process.cwd(), resolvePath(file)).split('\\').join('/');
  const ir = lowerModule(resolved, checked, source, report);
  if (diagnostics.length > 0) return done();
  return done({ name: spec.name, text: emitModule(ir), memory: { estimate: estimateMemory(checked, resolved.phases), batch: spec.schedule.batch } });
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds
    .filter((d) => {
      const key = `${d.file}:${d.line}:${d.col}:${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col);
}

// The compiler pipeline, orchestration only: 1 load (parse, extends, --set) → 2 validate
// (schema) → 3 resolve (defaults, blocks, copies, names) → 4 check (block arguments, shapes, memory) →
// 5 lower (expressions, IR; then the warnings of check/usage.ts and check/flow.ts, errors under --strict) → 6 emit (template) → 7 verify (format, type-check). Every stage
// after load gets the spec's context (context.ts) and reports into its one reporter
// (report.ts); the first stage with errors ends the spec's run.
import type { Diagnostic } from './diagnostics';
import { check, type CheckedNetwork } from './check/index';
import { checkClippedNorms } from './check/clip-norm';
import { checkAdversarial } from './check/adversarial';
import { checkConditioning } from './check/conditioning';
import { checkFlow } from './check/flow';
import { checkUsage } from './check/usage';
import { estimateMemory, type MemoryEstimate } from './check/memory';
import { type CompileOptions, createContext, type Context } from './context';
import { emitModule } from './emit/module';
import { emitTorchModule } from './emit-torch/module';
import { checkTorchNames } from './emit-torch/names';
import { loadSpec } from './load';
import { lowerModule } from './lower/module';
import { resolve } from './resolve';
import { validate } from './validate';
import { VERIFY_CACHE, verifyModules } from './verify';
import type { ModuleIR } from './ir';

export type { ModuleIR, Stmt } from './ir';
export { renderStmt } from './emit/statements';
export { upsampledConvolutions } from './emit/fold';

export type { CompileOptions } from './context';
export { SCHEMA } from './validate';

export interface Compiled {
  /** The spec file as given. */
  file: string;
  /** The spec's name: the module's file is `<name>.ts` (or `.mts`; `<name>.py` for the torch target). */
  name?: string;
  /** The module's text, formatted and type-checked (as options say); absent when the spec has errors. */
  text?: string;
  diagnostics: Diagnostic[];
  /** Source texts by file, for code frames. */
  texts: Map<string, string>;
  /** The spec's values after `extends` and overrides (what gan-train records and compares on resume). */
  values: Record<string, unknown>;
  /** What training needs and the spec's batch, for gan-train to check at the batch and backend it trains with (set when the module is). */
  memory?: { estimate: MemoryEstimate; batch: number };
}

/**
 * Compiles spec files into trainer modules: every stage up to emit per spec, then one formatting
 * and type-checking pass over all the emitted modules. The one compile function of ganspec:
 * every command and test compiles through it (or through compileToModule).
 */
export function compileToModules(files: string[], options: CompileOptions = {}): Compiled[] {
  const specs = files.map((file) => emitSpec(file, options));
  const emitted = specs.filter((s) => s.text !== undefined);
  if (options.format !== false && options.target !== 'torch') {
    // 7 verify: all modules in one program.
    const verified = verifyModules(
      emitted.map((s) => ({ name: s.name!, text: s.text! })),
      options.typeCheck ?? true,
      options.cacheDir === undefined ? VERIFY_CACHE : (options.cacheDir ?? undefined),
    );
    emitted.forEach((s, i) => {
      const v = verified[i];
      if (v.errors.length === 0) {
        s.text = v.text;
        return;
      }
      s.text = undefined;
      const message = `the generated module does not type-check (a compiler bug: please report it): ${v.errors.join('; ')}`;
      s.ctx.report.add({ code: 'GS900', severity: 'error', message, file: s.ctx.file, line: 1, col: 1, pointer: '' });
    });
  }
  // A module that fails verify keeps its name (gan-compile still checks names for clashes).
  return specs.map(({ ctx, name, text, memory }) => ({
    file: ctx.file,
    ...(name === undefined ? {} : { name, text, memory }),
    diagnostics: ctx.report.all,
    texts: ctx.texts,
    values: ctx.doc,
  }));
}

/** One spec: compileToModules([file], options)[0]. */
export function compileToModule(file: string, options: CompileOptions = {}): Compiled {
  return compileToModules([file], options)[0];
}

/** Stages 1 to 5 of one spec: its context, and its IR unless a stage reported errors. */
function lowerStages(file: string, options: CompileOptions): { ctx: Context; ir?: ModuleIR; memory?: Compiled['memory']; checked?: CheckedNetwork[] } {
  const ctx = createContext(file, loadSpec(file, options.overrides ?? []), options); // 1 load
  if (ctx.report.hasErrors) return { ctx };
  validate(ctx); // 2
  if (ctx.report.hasErrors) return { ctx };
  const resolved = resolve(ctx); // 3
  if (ctx.report.hasErrors) return { ctx };
  const checked = check(ctx, resolved); // 4
  if (ctx.report.hasErrors) return { ctx };
  const ir = lowerModule(ctx, resolved, checked); // 5
  if (ctx.report.hasErrors) return { ctx };
  checkUsage(ctx, resolved, ir); // 5b: warnings only
  checkFlow(ctx, resolved);
  checkAdversarial(ctx, resolved);
  checkConditioning(ctx, resolved, ir);
  checkClippedNorms(ctx, ir);
  const strict = options.strict ? '--strict' : ctx.spec.strict === true ? "the spec's strict: true" : undefined;
  if (strict) ctx.report.warningsAsErrors(strict);
  if (ctx.report.hasErrors) return { ctx };
  return { ctx, ir, checked, memory: { estimate: estimateMemory(checked, resolved.phases), batch: ctx.spec.schedule.batch } };
}

/** Stages 1 to 6 of one spec: its context, and its module unless a stage reported errors. */
function emitSpec(file: string, options: CompileOptions): { ctx: Context; name?: string; text?: string; memory?: Compiled['memory'] } {
  const { ctx, ir, memory } = lowerStages(file, options);
  if (!ir) return { ctx };
  if (options.target === 'torch') {
    checkTorchNames(ctx, ir); // 6: what the torch target refuses
    return ctx.report.hasErrors ? { ctx } : { ctx, name: ctx.spec.name, text: emitTorchModule(ir), memory };
  }
  return { ctx, name: ctx.spec.name, text: emitModule(ir), memory }; // 6
}

/**
 * Stages 1 to 5 of one spec: its IR (what emit renders) and its checked networks (layer kinds,
 * arguments and shapes), or the diagnostics when a stage reported errors. gan-export generates
 * a sampler from the preview's statements; --explain and gan-diff read both.
 */
export function lowerSpec(file: string, options: CompileOptions = {}): { ir?: ModuleIR; networks?: CheckedNetwork[]; diagnostics: Diagnostic[]; texts: Map<string, string>; values: Record<string, unknown> } {
  const { ctx, ir, checked } = lowerStages(file, options);
  return { ...(ir ? { ir, networks: checked } : {}), diagnostics: ctx.report.all, texts: ctx.texts, values: ctx.doc };
}

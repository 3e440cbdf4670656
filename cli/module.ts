// A spec compiled for a command: compile (compiler/index.ts), print the diagnostics, refuse with
// one line when the spec has errors, and write or import the module. gan-train, gan-bench and
// the tests go through here; gan-compile prints many specs at once (cli/compile.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyTrainer } from '../contract/trainer';
import { compileToModule, type Compiled, type CompileOptions } from '../compiler/index';
import { UserError } from '../runtime/errors';
import { importTrainer } from '../runtime/trainer-module';
import { printDiagnostics } from './output';

/** The module of a spec, after printing its diagnostics; a UserError ending "nothing was <what>" on errors. */
export function moduleOrFail(spec: string, options: CompileOptions, nothingWas: string): Required<Pick<Compiled, 'name' | 'text' | 'values' | 'memory'>> {
  const compiled = compileToModule(spec, options);
  if (!printDiagnostics(compiled) || compiled.name === undefined) {
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error').length;
    throw new UserError(`${spec} has ${errors} error(s); nothing was ${nothingWas}`);
  }
  return { name: compiled.name, text: compiled.text!, values: compiled.values, memory: compiled.memory! };
}

/** Imports a module's text from a temporary folder (removed again), so that nothing is written where it will live. */
export async function importModuleText(name: string, text: string): Promise<AnyTrainer> {
  const dir = mkdtempSync(join(tmpdir(), 'ganspec-module-'));
  try {
    const file = join(dir, `${name}.mts`);
    writeFileSync(file, text);
    return await importTrainer(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles a spec and imports its trainer, writing nothing but a temporary file. */
export async function compiledTrainer(spec: string, nothingWas: string, options: CompileOptions = {}): Promise<AnyTrainer> {
  const module = moduleOrFail(spec, { typeCheck: false, ...options }, nothingWas);
  return importModuleText(module.name, module.text);
}

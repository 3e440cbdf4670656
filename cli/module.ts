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
export function moduleOrFail(spec: string, options: CompileOptions, nothingWas: string): { name: string; text: string; memory: NonNullable<Compiled['memory']> } {
  const compiled = compileToModule(spec, options);
  if (!printDiagnostics(compiled) || compiled.name === undefined) {
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error').length;
    throw new UserError(`${spec} has ${errors} error(s); nothing was ${nothingWas}`);
  }
  return { name: compiled.name, text: compiled.text!, memory: compiled.memory! };
}

/** Compiles a spec into a temporary folder and imports its trainer (the folder is removed). */
export async function compiledTrainer(spec: string, nothingWas: string, options: CompileOptions = {}): Promise<AnyTrainer> {
  const module = moduleOrFail(spec, { typeCheck: false, ...options }, nothingWas);
  const dir = mkdtempSync(join(tmpdir(), 'ganspec-module-'));
  try {
    const file = join(dir, `${module.name}.mts`);
    writeFileSync(file, module.text);
    return await importTrainer(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

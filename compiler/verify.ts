// Stage 7, verify: formats each emitted module with ts-morph and type-checks it, with the
// runtime (`ganspec/runtime`) and @tensorflow/tfjs it imports, under strict compiler options.
// A module that passed once is remembered (keyed by its text, its name, the runtime API it
// imports and the TypeScript and tfjs versions), so recompiling unchanged specs skips the
// type-checker; ts-morph is only loaded when something must be checked.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ts as TS } from 'ts-morph';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where verified modules are remembered. */
export const VERIFY_CACHE = join(ROOT, 'node_modules', '.cache', 'ganspec-verify');

export interface Emitted {
  /** The spec's name (the module is checked as `<name>.ts`; it imports nothing by relative path). */
  name: string;
  text: string;
}

export interface Verified {
  text: string;
  errors: string[];
}

const OPTIONS = {
  target: 'ES2022',
  module: 'ESNext',
  moduleResolution: 'Bundler',
  strict: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  skipLibCheck: true,
  esModuleInterop: true,
  noEmit: true,
  types: [],
  // The runtime the generated code imports by package name, wherever the module is written.
  paths: { 'ganspec/runtime': ['./runtime/api.ts'] },
};

const FORMAT = { indentSize: 2, tabSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true };

/** What the generated code's types depend on besides its own text. */
function environmentDigest(): string {
  const hash = createHash('sha256');
  const files = ['runtime/api.ts', 'contract/trainer.ts', 'contract/data.ts', ...readdirSync(join(ROOT, 'runtime/ops')).map((f) => `runtime/ops/${f}`)];
  for (const f of files.sort()) hash.update(f).update(readFileSync(join(ROOT, f)));
  for (const pkg of ['typescript', 'ts-morph', '@tensorflow/tfjs']) hash.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}`);
  return hash.update(JSON.stringify(OPTIONS)).update(JSON.stringify(FORMAT)).digest('hex');
}

/**
 * Formats and (unless typeCheck is false) type-checks the modules in one program. With a cache
 * folder, modules verified before without errors are not checked again.
 */
export function verifyModules(modules: Emitted[], typeCheck = true, cacheDir?: string): Verified[] {
  const env = cacheDir ? environmentDigest() : '';
  const keyOf = (m: Emitted) => createHash('sha256').update(env).update(m.name).update('\0').update(m.text).update(String(typeCheck)).digest('hex');
  const cached = modules.map((m) => {
    if (!cacheDir) return undefined;
    try {
      return { text: readFileSync(join(cacheDir, `${keyOf(m)}.ts`), 'utf8'), errors: [] } as Verified;
    } catch {
      return undefined;
    }
  });
  const missing = modules.filter((_, i) => cached[i] === undefined);
  const fresh = missing.length > 0 ? check(missing, typeCheck) : [];
  if (cacheDir) {
    mkdirSync(cacheDir, { recursive: true });
    missing.forEach((m, i) => fresh[i].errors.length === 0 && writeFileSync(join(cacheDir, `${keyOf(m)}.ts`), fresh[i].text));
  }
  let next = 0;
  return cached.map((c) => c ?? fresh[next++]);
}

function check(modules: Emitted[], typeCheck: boolean): Verified[] {
  const { Project, ts } = require('ts-morph') as typeof import('ts-morph');
  const compilerOptions = ts.convertCompilerOptionsFromJson(OPTIONS, ROOT).options as TS.CompilerOptions;
  const project = new Project({ compilerOptions, skipAddingFilesFromTsConfig: true });
  const files = modules.map((m, i) => {
    const sf = project.createSourceFile(join(ROOT, '.verify', String(i), `${m.name}.ts`), m.text, { overwrite: true });
    sf.formatText(FORMAT);
    return sf;
  });
  return files.map((sf) => ({
    text: sf.getFullText().replace(/\r\n/g, '\n'),
    errors: typeCheck
      ? sf.getPreEmitDiagnostics().map((d) => {
          const line = d.getLineNumber();
          const message = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ');
          return `${sf.getBaseName()}${line ? `:${line}` : ''}: ${message}`;
        })
      : [],
  }));
}

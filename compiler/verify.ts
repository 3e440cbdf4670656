// Stage 7, verify: formats each emitted module with ts-morph and type-checks it, with the
// runtime and @tensorflow/tfjs it imports, under the project's strict compiler options.
import { Project, ts } from 'ts-morph';

export interface Emitted {
  /** Absolute path the module will have (imports resolve from there). */
  path: string;
  text: string;
}

export interface Verified {
  text: string;
  errors: string[];
}

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  skipLibCheck: true,
  esModuleInterop: true,
  noEmit: true,
  types: [],
};

const FORMAT = { indentSize: 2, tabSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true };

export function verifyModules(modules: Emitted[], typeCheck = true): Verified[] {
  const project = new Project({ compilerOptions: OPTIONS, skipAddingFilesFromTsConfig: true });
  const files = modules.map((m) => {
    const sf = project.createSourceFile(m.path, m.text, { overwrite: true });
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

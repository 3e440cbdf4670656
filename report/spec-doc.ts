// A run's resolved spec document: its spec file (run.json `spec`, relative to the run directory)
// with `extends` merged and the run's `--set` overrides (run.json `overrides`) applied, as the
// compiler's load stage produces it. Read when the report is built: a spec edited since the run
// shows its new text (the hyperparameters table comes from events.jsonl, written at training
// time). Imports compiler/ (load stage only).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSpec } from '../compiler/load';
import type { RunJson } from './run-files';

export interface SpecDoc {
  /** The spec file, absolute; absent when the run was trained from a module. */
  file?: string;
  doc?: Record<string, unknown>;
  /** Why there is no document. */
  error?: string;
}

export function resolvedSpec(runDir: string, info: RunJson): SpecDoc {
  if (info.spec === undefined) return { error: `trained from the module ${info.module ?? '?'}, not from a spec` };
  const file = resolve(runDir, info.spec);
  if (!existsSync(file)) return { file, error: `the spec file ${file} no longer exists` };
  const loaded = loadSpec(file, Array.isArray(info.overrides) ? info.overrides.map(String) : []);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { file, error: `the spec no longer loads: ${errors[0].message}` };
  return { file, doc: loaded.doc };
}

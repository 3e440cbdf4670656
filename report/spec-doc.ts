// A run's resolved spec document: run.json's `specValues` (the spec after `extends` and `--set`,
// recorded when the run started); for runs older than that, its spec file with `extends` merged
// and the `--set` overrides of the command line events.jsonl recorded, loaded as the compiler's
// load stage does (a spec edited since then shows its new text). Imports compiler/ (load only).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSpec } from '../compiler/load';
import type { RunJson } from './run-files';

export interface SpecDoc {
  /** The spec file, absolute; absent when the run was trained from a module. */
  file?: string;
  /** The `--set` overrides applied (run.json's, else those of the recorded command line). */
  overrides?: string[];
  doc?: Record<string, unknown>;
  /** Why there is no document. */
  error?: string;
}

/**
 * The `--set` values of a recorded command line, parsed as gan-train's yargs does: `--set a=1`,
 * `--set=a=1`, and `--set a=1 b=2` (an array option takes the words up to the next option).
 */
export function setOverrides(command: readonly string[]): string[] {
  const out: string[] = [];
  let taking = false;
  for (const word of command) {
    if (word === '--set') taking = true;
    else if (word.startsWith('--set=')) {
      out.push(word.slice('--set='.length));
      taking = true;
    } else if (word.startsWith('-')) taking = false;
    else if (taking) out.push(word);
  }
  return out;
}

/** The spec document of a run; `command` (the first session's) gives the overrides when run.json has none. */
export function resolvedSpec(runDir: string, info: RunJson, command?: readonly string[]): SpecDoc {
  if (info.spec === undefined) return { error: `trained from the module ${info.module ?? '?'}, not from a spec` };
  const file = resolve(runDir, info.spec);
  const overrides = info.overrides?.set ?? setOverrides(command ?? []);
  // Recorded by gan-train since run.json has specValues: the spec as the run compiled it.
  if (info.specValues !== undefined) return { file, overrides, doc: info.specValues };
  if (!existsSync(file)) return { file, error: `the spec file ${file} no longer exists` };
  const loaded = loadSpec(file, overrides);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { file, error: `the spec no longer loads: ${errors[0].message}` };
  return { file, overrides, doc: loaded.doc };
}

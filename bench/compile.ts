// The compile benchmark: every spec of specs/ compiled, formatted and type-checked, as
// `gan-compile specs/*.yaml --check` does (check mode: nothing is written; it compares with
// generated/). The first run pays for loading TypeScript; later runs show the steady cost.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileToModules } from '../compiler/index';
import { median } from './measure';

export interface CompileBench {
  kind: 'compile';
  specs: number;
  runs_ms: number[];
  first_ms: number;
  median_ms: number;
  /** False when a spec failed or a module of generated/ is stale (the time is still valid). */
  ok: boolean;
  stale: string[];
}

export function benchCompile(root: string, runs: number): CompileBench {
  const specDir = join(root, 'specs');
  const specs = readdirSync(specDir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(specDir, f));
  const times: number[] = [];
  let ok = false;
  let stale: string[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const compiled = compileToModules(specs);
    times.push(performance.now() - t0);
    ok = compiled.every((c) => c.text !== undefined);
    stale = compiled.filter((c) => c.text !== undefined && readOr(join(root, 'generated', `${c.name}.ts`)) !== c.text).map((c) => c.file);
  }
  return {
    kind: 'compile',
    specs: specs.length,
    runs_ms: times,
    first_ms: times[0],
    median_ms: median(times.slice(runs > 1 ? 1 : 0)),
    ok: ok && stale.length === 0,
    stale,
  };
}

function readOr(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

// The compile benchmark: every spec of specs/ compiled, formatted and type-checked, as
// `gan-compile specs/*.yaml --check` does (check mode: nothing is written; it compares with
// generated/). The first run pays for loading TypeScript; later runs show the steady cost.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCompile } from '../cli/compile';
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
  let last: ReturnType<typeof runCompile> | undefined;
  const messages: string[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = runCompile(specs, { out: resolve(root, 'generated'), check: true, set: [], log: (s) => messages.push(s), typeCheck: true });
    times.push(performance.now() - t0);
  }
  return {
    kind: 'compile',
    specs: specs.length,
    runs_ms: times,
    first_ms: times[0],
    median_ms: median(times.slice(runs > 1 ? 1 : 0)),
    ok: last?.ok ?? false,
    stale: last?.stale ?? [],
  };
}

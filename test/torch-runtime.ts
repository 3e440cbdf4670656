// The torch tests' Python: the interpreter runtime/torch-python.ts finds, and running a Python script of
// runtime-torch/ with the package on its path and one torch thread. Without torch a test skips
// saying why (and fails with that reason when CI is set).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { findTorchPython, NO_TORCH } from '../runtime/torch-python';

export { NO_TORCH } from '../runtime/torch-python';

/** $GANSPEC_PYTHON, then python3 on PATH, then /usr/bin/python3: the first with torch (runtime/torch-python.ts). */
export function torchPython(): string | null {
  return findTorchPython();
}

/** A test that needs torch: skipped without it, or failed with the reason when CI is set. */
export function torchTest(name: string, fn: (python: string) => void | Promise<void>): void {
  const python = torchPython();
  if (python === null && !process.env.CI) {
    test(name, { skip: NO_TORCH }, () => {});
    return;
  }
  test(name, async () => {
    if (python === null) throw new Error(NO_TORCH);
    await fn(python);
  });
}

/** The environment of the torch tests' Python: runtime-torch/ on PYTHONPATH, one torch thread, and
 *  unless GLIBC_TUNABLES is set, glibc's malloc on transparent huge pages (as `npm test` sets for
 *  the whole suite; see README). Without them torch's large temporaries are fresh mmaps whose every
 *  4 KiB page faults on first write: torch_cycle.py took 6.8M minor faults and 134 s (51 s of it
 *  system time) on a 2-core AMD EPYC, against 0.11-0.24M and 33-37 s with them. */
export function pythonEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: resolve('runtime-torch'), OMP_NUM_THREADS: '1', GLIBC_TUNABLES: process.env.GLIBC_TUNABLES ?? 'glibc.malloc.hugetlb=1' };
}

/** Runs `python args...` from the repository root in pythonEnv() (and `input` on its stdin). */
export function runPython(python: string, args: string[], timeoutMs = 120_000, input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(python, args, {
    encoding: 'utf8',
    input,
    timeout: timeoutMs,
    env: pythonEnv(),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

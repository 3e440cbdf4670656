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

/** Runs `python args...` from the repository root with runtime-torch/ on PYTHONPATH (and `input` on its stdin). */
export function runPython(python: string, args: string[], timeoutMs = 120_000, input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(python, args, {
    encoding: 'utf8',
    input,
    timeout: timeoutMs,
    env: { ...process.env, PYTHONPATH: resolve('runtime-torch'), OMP_NUM_THREADS: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

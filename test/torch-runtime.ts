// The torch tests' Python: finding an interpreter that imports torch (in one function, so it
// can follow cli/torch-python.ts once that lands), and running a Python script of
// runtime-torch/ with the package on its path and one torch thread. Without torch a test skips
// saying why (and fails with that reason when CI is set).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';

export const NO_TORCH = 'no Python with torch (apt-get install python3-torch, or set GANSPEC_PYTHON)';

const imports = (python: string): boolean => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

let found: string | null | undefined;

/** $GANSPEC_PYTHON, then python3 on PATH, then /usr/bin/python3: the first that imports torch. */
export function torchPython(): string | null {
  if (found === undefined) found = [process.env.GANSPEC_PYTHON, 'python3', '/usr/bin/python3'].find((p) => p !== undefined && p !== '' && imports(p)) ?? null;
  return found;
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

/** Runs `python args...` from the repository root with runtime-torch/ on PYTHONPATH. */
export function runPython(python: string, args: string[], timeoutMs = 120_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(python, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, PYTHONPATH: resolve('runtime-torch'), OMP_NUM_THREADS: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

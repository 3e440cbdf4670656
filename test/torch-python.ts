// Finds the Python that runs the torch target's tests: $GANSPEC_PYTHON, else `python3` on PATH if
// it can import torch, else /usr/bin/python3 if it can. Without one, a torch test skips with
// NO_TORCH locally and fails with it when CI is set (.ci/run installs python3-torch).
// (A minimal stand-in until cli/torch-python.ts lands; the lead folds the two.)
import { spawnSync } from 'node:child_process';

export const NO_TORCH = 'no Python with torch (apt-get install python3-torch, or set GANSPEC_PYTHON)';

function importsTorch(python: string): boolean {
  const r = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
  return r.status === 0;
}

let found: string | null | undefined;

/** The interpreter to use, or null when none can import torch. */
export function torchPython(): string | null {
  if (found !== undefined) return found;
  const given = process.env.GANSPEC_PYTHON;
  if (given) found = importsTorch(given) ? given : null;
  else found = ['python3', '/usr/bin/python3'].find(importsTorch) ?? null;
  return found;
}

/**
 * The node:test `skip` option of a torch test: NO_TORCH where there is no torch and CI is not
 * set; false otherwise (under CI the test runs and `requireTorchPython` fails it).
 */
export function skipWithoutTorch(): string | false {
  return torchPython() === null && !process.env.CI ? NO_TORCH : false;
}

/** The interpreter, or an error saying NO_TORCH. */
export function requireTorchPython(): string {
  const python = torchPython();
  if (python === null) throw new Error(NO_TORCH);
  return python;
}

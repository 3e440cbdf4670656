// The Python that runs the torch target (gan-train --target torch, gan-bench's PyTorch baselines,
// and the torch tests through test/torch-runtime.ts): $GANSPEC_PYTHON, then `python3` on PATH if it has torch, then
// /usr/bin/python3 (Debian's python3-torch) if it has. Whether an interpreter has torch is asked
// without importing it (importlib's find_spec: instant, where `import torch` takes seconds).
// Imports node and ./errors only.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from './errors';

const GET_TORCH = '(apt-get install python3-torch, or set GANSPEC_PYTHON)';
export const NO_TORCH = `no Python with torch ${GET_TORCH}`;

/** runtime-torch/, the folder that holds the ganspec_torch package (for PYTHONPATH). */
export const RUNTIME_TORCH = join(dirname(dirname(fileURLToPath(import.meta.url))), 'runtime-torch');

const HAS_TORCH = "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('torch') else 3)";

/** `python args` started with SIGINT and SIGTERM ignored, which Python keeps (it installs its
 *  KeyboardInterrupt only over SIGINT's default): a Ctrl-C or kill to the process group in its
 *  first milliseconds cannot end it before it has put its own handlers in place (ganspec_torch's
 *  stop.py, which reads the request from gan-train's stop file), or end a probe. */
export function stopSignalsIgnored(python: string, args: string[]): [string, string[]] {
  return ['/bin/sh', ['-c', 'trap "" INT TERM; exec "$0" "$@"', python, ...args]];
}

function hasTorch(python: string): boolean {
  // 0: torch is there; 3: it is not; anything else (a SIGTERM, a crash as it started) says nothing: asked again.
  for (let tries = 0; tries < 2; tries++) {
    const probe = spawnSync(...stopSignalsIgnored(python, ['-c', HAS_TORCH]), { stdio: 'ignore' });
    if (probe.status === 0 || probe.status === 3) return probe.status === 0;
  }
  return false;
}

let found: string | null | undefined;

/** The first of $GANSPEC_PYTHON, python3 and /usr/bin/python3 that has torch; null when none has. */
export function findTorchPython(): string | null {
  if (found === undefined) {
    found = [process.env.GANSPEC_PYTHON, 'python3', '/usr/bin/python3'].find((p): p is string => p !== undefined && p !== '' && hasTorch(p)) ?? null;
  }
  return found;
}

/** The Python to train with, or a one-line UserError saying how to get one. */
export function torchPython(): string {
  const python = findTorchPython();
  if (python === null) {
    const given = process.env.GANSPEC_PYTHON;
    const none = given ? `GANSPEC_PYTHON=${given} cannot import torch, and neither can python3 nor /usr/bin/python3` : 'neither python3 nor /usr/bin/python3 can import torch';
    throw new UserError(`PyTorch is needed here, but ${none} ${GET_TORCH}`);
  }
  return python;
}

/** The CPU threads each of `nproc` torch processes gets: OMP_NUM_THREADS when set, else an equal share of the cores. */
export function torchThreads(nproc: number): number {
  const given = Number(process.env.OMP_NUM_THREADS);
  return Number.isInteger(given) && given > 0 ? given : Math.max(1, Math.floor(availableParallelism() / nproc));
}

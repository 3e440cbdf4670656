// The layout of a run's checkpoints/ directory (step-000123 dirs, the `latest` pointer, the
// per-checkpoint file names and crash-leftover `.tmp-` entries) shared by save, load and pruning.

export const CHECKPOINTS_DIR = 'checkpoints';
export const LATEST_FILE = 'latest';
export const STATE_FILE = 'state.json';
export const OPTIMIZERS_JSON = 'optimizers.json';
export const OPTIMIZERS_BIN = 'optimizers.bin';
/** The spec the run trains (its values after `extends` and `--set`) and their hash; absent for a run of a module without a spec. */
export const SPEC_FILE = 'spec.json';
export { TEMP_PREFIX, tempSibling } from '../atomic-write';

const STEP_DIR = /^step-(\d+)$/;

export function stepDirName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/** The step of a `step-000123` directory name, or null for anything else. */
export function parseStepDirName(name: string): number | null {
  const m = STEP_DIR.exec(name);
  return m ? Number(m[1]) : null;
}

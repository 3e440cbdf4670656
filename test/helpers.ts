// Shared by the training tests: temporary run directories, the wasm backend once per process,
// and loading a generated trainer by name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { selectBackend } from '../runtime/backend/select';
import type { AnyTrainer } from '../runtime/trainer';

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ganspec-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  await selectBackend(name);
}

export async function generatedTrainer(name: string): Promise<AnyTrainer> {
  const mod = (await import(`../generated/${name}`)) as { trainer: AnyTrainer };
  return mod.trainer;
}

// Shared by the tests: the project's spec files and the warnings some of them are known to give,
// temporary directories, choosing the backend, loading a generated or freshly compiled trainer,
// running the CLIs and waiting on what they write, and a tiny spec on a folder of images.
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import { compileToModule } from '../compiler/index';
import { importTrainer } from '../runtime/trainer-module';
import { selectBackend } from '../runtime/backend/select';
import type { AnyTrainer } from '../contract/trainer';
import type { Diagnostic } from '../compiler/diagnostics';

/** Where the project's specs live and where their modules are committed: specs/ compiles to
 *  generated/, specs/variants/ to generated/variants/ (see package.json's golden:update). */
export const SPEC_FOLDERS = [
  { specs: 'specs', generated: 'generated' },
  { specs: 'specs/variants', generated: 'generated/variants' },
] as const;

/** Every spec file of the project, sorted within its folder, with the folder of its module. */
export function projectSpecs(): { spec: string; generated: string }[] {
  return SPEC_FOLDERS.flatMap(({ specs, generated }) =>
    readdirSync(specs)
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .sort()
      .map((f) => ({ spec: `${specs}/${f}`, generated })),
  );
}

/**
 * The only diagnostics the project's specs give, as `code pointer`: Keras-GAN's WGAN critic keeps
 * its batch norms under the clip, as Keras-GAN has it, and both specs that train it are warned
 * (GS184); specs/variants/wgan-nobn-critic.yaml is the one without.
 */
export const KNOWN_SPEC_WARNINGS: Readonly<Record<string, readonly string[]>> = {
  'specs/wgan.yaml': ['GS184 /schedule/phases/0/clip'],
  'specs/variants/wgan-fast.yaml': ['GS184 /schedule/phases/0/clip'],
};

/** A project spec's diagnostics other than its known warnings. */
export function unexpectedDiagnostics(spec: string, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const known = KNOWN_SPEC_WARNINGS[spec] ?? [];
  return diagnostics.filter((d) => !(d.severity === 'warning' && known.includes(`${d.code} ${d.pointer}`)));
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ganspec-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  await selectBackend(name);
}

export async function generatedTrainer(name: string): Promise<AnyTrainer> {
  const folder = SPEC_FOLDERS.map((f) => f.generated).find((dir) => existsSync(join(dir, `${name}.ts`))) ?? 'generated';
  const mod = (await import(`../${folder}/${name}`)) as { trainer: AnyTrainer };
  return mod.trainer;
}

/** Compiles a spec (with --set style overrides) into `dir` and imports its trainer. */
export async function compiledTrainer(spec: string, overrides: string[], dir: string): Promise<AnyTrainer> {
  const compiled = compileToModule(spec, { overrides, typeCheck: false });
  if (!compiled.text || !compiled.name) throw new Error(compiled.diagnostics.map((d) => d.message).join('; '));
  const file = join(dir, `${compiled.name}.mts`);
  writeFileSync(file, compiled.text);
  return importTrainer(file);
}

/** Runs one of the package's CLIs (bin/<name>.js) to completion, on wasm unless `env` says
 *  otherwise; a process that has not exited after two minutes is killed (status null). */
export function runCli(name: string, args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [join('bin', `${name}.js`), ...args], {
    encoding: 'utf8',
    env: { ...process.env, GANSPEC_BACKEND: 'wasm', ...env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A finished process's status and output. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((done) => {
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** A checkpoint's state.json without its training seconds (a wall time), to compare two runs by. */
export function untimedState(text: Buffer | string): object {
  return { ...(JSON.parse(text.toString()) as object), trainSeconds: undefined };
}

/** A TCP port free on this machine now (the system's pick), for a test's server. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => {
    server.listen(0, done);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => {
    server.close(() => done());
  });
  return port;
}

/** The pixels of tinyFolderSpec's side x side images: image i all 40 * i, but pixel 0 of the last one, `last`. */
export function tinyFolderPixels(last: number, side = 4): Buffer[] {
  return [0, 1, 2, 3].map((i) => {
    const pixels = Buffer.alloc(side * side, 40 * i);
    if (i === 3) pixels[0] = last;
    return pixels;
  });
}

/** The identity (runtime/data/identity.ts) of tinyFolderSpec's data, computed here by its definition. */
export function tinyFolderSha256(last: number): string {
  return createHash('sha256').update('uint8[4, 4, 4, 1];').update(Buffer.concat(tinyFolderPixels(last))).digest('hex');
}

/**
 * A tiny spec (a dense GAN, 2 steps at batch 8) in `folder` on its images/: four side x side grey
 * PNGs of tinyFolderPixels(last, side) (28 for images the MNIST evaluator scores).
 */
export async function tinyFolderSpec(folder: string, last: number, side = 4): Promise<string> {
  mkdirSync(join(folder, 'images'), { recursive: true });
  for (const [i, pixels] of tinyFolderPixels(last, side).entries()) {
    await sharp(pixels, { raw: { width: side, height: side, channels: 1 } }).png().toFile(join(folder, 'images', `${i}.png`));
  }
  return writeTinyFolderSpec(folder, side);
}

/** tinyFolderSpec's spec alone, `name`.yaml in `folder`, on side x side grey images in its images/; its path. */
export function writeTinyFolderSpec(folder: string, side: number, name = 'tiny-folder'): string {
  const spec = join(folder, `${name}.yaml`);
  writeFileSync(spec, `name: ${name}
data: { source: folder, path: images, image: [${side}, ${side}, 1], range: [-1, 1] }
sample: { z: normal(4) }
networks:
  G: { inputs: { z: [4] }, layers: [{ dense: { units: ${side * side}, activation: tanh } }, { reshape: [${side}, ${side}, 1] }] }
  D: { inputs: { img: image }, layers: [flatten, { dense: { units: 1 } }] }
losses: { D: 'mse(D(x), 1) + mse(D(G(z)), 0)', G: 'mse(D(G(z)), 1)' }
preview: { show: [G(z)], rows: 2, cols: 2 }
schedule: { batch: 8, steps: 2, phases: [{ update: D, optimizer: { adam: { lr: 0.01 } } }, { update: G, optimizer: { adam: { lr: 0.01 } } }] }
`);
  return spec;
}

/** The step records of a run's losses.jsonl (its provenance headers left out); none before the file exists. */
export function lossRecords(run: string): Record<string, number>[] {
  const file = join(run, 'losses.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>).filter((r) => 'step' in r);
}

/** Waits, looking every 50 ms, until `done()` holds; fails with `what()` once `ms` have passed. */
export async function until(done: () => boolean, ms: number, what: () => string): Promise<void> {
  for (let waited = 0; !done(); waited += 50) {
    assert.ok(waited < ms, what());
    await delay(50);
  }
}

/** Waits until the run's losses.jsonl holds `steps` steps (at most `ms`). */
export function untilTrained(run: string, steps: number, ms: number): Promise<void> {
  return until(() => lossRecords(run).length >= steps, ms, () => `${run} never trained ${steps} steps`);
}

// gan-compile: compiles spec files into typed trainer modules (default generated/<name>.ts; with
// --target torch, PyTorch modules, default generated-torch/<name>.py).
// Errors are printed compiler-style with code frames, all of a file at once; exit code 1 and
// nothing written when any spec has an error (a warning too, with --strict). --check writes nothing and names stale modules.
// --explain SPEC writes nothing and prints one training cycle of the spec (compiler/explain/).
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { compileToModules } from '../compiler/index';
import { writeFileAtomic } from '../runtime/atomic-write';
import { UserError } from '../runtime/errors';
import { printDiagnostics } from './output';
import { explainText } from './explain';
import { usageError } from './options';

export interface CompileRun {
  ok: boolean;
  /** Files whose content differs from what the compiler emits now (--check). */
  stale: string[];
  written: string[];
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export type Target = 'tfjs' | 'torch';

/** Where each target's modules go by default, and their file extension. */
export const TARGETS: Record<Target, { out: string; ext: string }> = { tfjs: { out: 'generated', ext: 'ts' }, torch: { out: 'generated-torch', ext: 'py' } };

export async function runCompile(
  specs: string[],
  opts: { out: string; check: boolean; set: string[]; log: (s: string) => void; typeCheck?: boolean; strict?: boolean; target?: Target },
): Promise<CompileRun> {
  const outDir = resolve(opts.out);
  const target = opts.target ?? 'tfjs';
  const results = compileToModules(specs, { overrides: opts.set, typeCheck: opts.typeCheck ?? true, strict: opts.strict ?? false, target });
  let ok = results.map((r) => printDiagnostics(r, opts.log)).every(Boolean);
  const names = new Map<string, string>();
  for (const r of results) {
    if (!r.name) continue;
    const other = names.get(r.name);
    if (other) {
      opts.log(`${r.file}: error: the name '${r.name}' is also the name of ${other}; each spec needs its own name`);
      ok = false;
    }
    names.set(r.name, r.file);
  }
  if (!ok) return { ok, stale: [], written: [] };

  const modules = results.map((r) => ({ path: join(outDir, `${r.name}.${TARGETS[target].ext}`), text: r.text! }));
  const changed = modules.filter((m) => readOrNull(m.path) !== m.text);
  if (opts.check) {
    const command = `npx gan-compile ${specs.join(' ')}${target === 'torch' ? ' --target torch' : ''}`;
    for (const m of changed) opts.log(`stale: ${m.path} differs from what gan-compile emits now (run: ${command})`);
    return { ok: changed.length === 0, stale: changed.map((m) => m.path), written: [] };
  }
  mkdirSync(outDir, { recursive: true });
  for (const m of changed) await writeFileAtomic(m.path, m.text);
  return { ok: true, stale: [], written: changed.map((m) => m.path) };
}

export async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('gan-compile')
    .usage('$0 <spec...> [--out DIR] [--target tfjs|torch] [--check] [--strict] [--set key=value ...]\n$0 --explain <spec> [--json] [--set key=value ...]\n\nCompiles GAN specs (YAML or JSON) into typed TensorFlow.js trainer modules <out>/<name>.ts (--target torch: PyTorch modules <out>/<name>.py).\nWith --explain, writes nothing and explains one training step of the spec instead.')
    .positional('spec', { type: 'string', describe: 'spec files' })
    .option('out', { type: 'string', describe: 'folder of the generated modules (default generated/, or generated-torch/ for --target torch)' })
    .option('target', { choices: ['tfjs', 'torch'] as const, default: 'tfjs' as const, describe: 'what to emit: a TensorFlow.js module, or a PyTorch module for ganspec_torch (runtime-torch/)' })
    .option('check', { type: 'boolean', default: false, describe: 'write nothing; exit 1 naming each module that is stale' })
    .option('set', { type: 'string', array: true, default: [] as string[], describe: 'override a spec value, e.g. --set schedule.batch=64' })
    .option('strict', { type: 'boolean', default: false, describe: 'warnings are errors: exit 1 and write nothing when a spec has one (a spec can say strict: true)' })
    .option('explain', { type: 'boolean', default: false, describe: 'write nothing; print one training step of the spec: phases, gradients, optimizers, parameters, multiply-adds, data' })
    .option('json', { type: 'boolean', default: false, describe: 'with --explain: the explanation as JSON' })
    .example('$0 specs/*.yaml', 'compile every spec into generated/')
    .example('$0 --explain specs/wgan-gp.yaml', 'what one training step of WGAN-GP does')
    .example('$0 specs/*.yaml --check', 'fail when generated/ is stale')
    .example('$0 specs/dcgan.yaml --target torch', 'write generated-torch/dcgan.py')
    .demandCommand(1, 'name at least one spec file')
    .strict()
    .fail(usageError('gan-compile'))
    .wrap(100)
    .help()
    .parseAsync();
  const specs = argv._.map(String);
  if (argv.explain || argv.json) {
    if (!argv.explain) throw new UserError('--json goes with --explain');
    if (specs.length !== 1) throw new UserError(`--explain takes one spec, got ${specs.length}`);
    if (argv.target !== 'tfjs') throw new UserError('--explain explains the spec, not a target: leave out --target');
    const out = explainText(specs[0], { json: argv.json, set: argv.set.map(String) });
    if (out === undefined) process.exitCode = 1;
    else process.stdout.write(out);
    return;
  }
  const started = performance.now();
  const out = argv.out ?? TARGETS[argv.target].out;
  const run = await runCompile(specs, { out, check: argv.check, strict: argv.strict, set: argv.set.map(String), target: argv.target, log: (s) => console.error(s) });
  const ms = Math.round(performance.now() - started);
  if (!run.ok) {
    process.exitCode = 1;
    return;
  }
  if (argv.check) console.log(`gan-compile: ${specs.length} module(s) up to date (${ms} ms)`);
  else console.log(`gan-compile: ${specs.length} spec(s) compiled, ${run.written.length} module(s) written to ${out}/ (${ms} ms)`);
}

// gan-compile: compiles spec files into typed trainer modules (default generated/<name>.ts).
// Errors are printed compiler-style with code frames, all of a file at once; exit code 1 and
// nothing written when any spec has an error. --check writes nothing and names stale modules.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { renderDiagnostic } from '../compiler/diagnostics';
import { compileSpec } from '../compiler/index';
import { VERIFY_CACHE, verifyModules } from '../compiler/verify';

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

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function runCompile(specs: string[], opts: { out: string; check: boolean; set: string[]; log: (s: string) => void; typeCheck?: boolean }): CompileRun {
  const outDir = resolve(opts.out);
  const results = specs.map((file) => ({ file, ...compileSpec(file, { overrides: opts.set, outDir }) }));
  let ok = true;
  for (const r of results) {
    for (const d of r.diagnostics) opts.log(renderDiagnostic(d, r.texts.get(d.file)));
    if (r.diagnostics.some((d) => d.severity === 'error')) ok = false;
  }
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

  const emitted = results.map((r) => ({ path: join(outDir, `${r.name}.ts`), text: r.text! }));
  const verified = verifyModules(emitted, opts.typeCheck ?? true, VERIFY_CACHE);
  verified.forEach((v, i) => {
    if (v.errors.length === 0) return;
    ok = false;
    opts.log(`${results[i].file}: internal error: the generated module does not type-check (please report this):\n  ${v.errors.join('\n  ')}`);
  });
  if (!ok) return { ok, stale: [], written: [] };

  const changed = emitted.filter((m, i) => readOrNull(m.path) !== verified[i].text).map((m) => m.path);
  if (opts.check) {
    for (const file of changed) opts.log(`stale: ${file} differs from what gan-compile emits now (run: npx gan-compile ${specs.join(' ')})`);
    return { ok: changed.length === 0, stale: changed, written: [] };
  }
  mkdirSync(outDir, { recursive: true });
  emitted.forEach((m, i) => {
    if (changed.includes(m.path)) writeAtomic(m.path, verified[i].text);
  });
  return { ok: true, stale: [], written: changed };
}

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('gan-compile')
    .usage('$0 <spec...> [--out DIR] [--check] [--set key=value ...]\n\nCompiles GAN specs (YAML or JSON) into typed TensorFlow.js trainer modules <out>/<name>.ts.')
    .positional('spec', { type: 'string', describe: 'spec files' })
    .option('out', { type: 'string', default: 'generated', describe: 'folder of the generated modules' })
    .option('check', { type: 'boolean', default: false, describe: 'write nothing; exit 1 naming each module that is stale' })
    .option('set', { type: 'string', array: true, default: [] as string[], describe: 'override a spec value, e.g. --set schedule.batch=64' })
    .example('$0 specs/*.yaml', 'compile every spec into generated/')
    .example('$0 specs/*.yaml --check', 'fail when generated/ is stale')
    .demandCommand(1, 'name at least one spec file')
    .strict()
    .wrap(100)
    .help()
    .parseAsync();
  const specs = argv._.map(String);
  const started = performance.now();
  const run = runCompile(specs, { out: argv.out, check: argv.check, set: argv.set.map(String), log: (s) => console.error(s) });
  const ms = Math.round(performance.now() - started);
  if (!run.ok) {
    process.exitCode = 1;
    return;
  }
  if (argv.check) console.log(`gan-compile: ${specs.length} module(s) up to date (${ms} ms)`);
  else console.log(`gan-compile: ${specs.length} spec(s) compiled, ${run.written.length} module(s) written to ${argv.out}/ (${ms} ms)`);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('gan-compile.js') || process.argv[1]?.endsWith('gan-compile')) {
  main().catch((err: unknown) => {
    console.error(`gan-compile: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}

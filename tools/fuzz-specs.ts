// The spec fuzzer at scale: mutations of every spec in specs/ (test/fuzz/mutate.ts, seeded), each
// compiled by the gan-compile CLI in a child process with a CPU-time limit (ulimit -t, so that a
// loaded machine does not turn slow cases into failures; a wall-clock limit of four times as much
// backs it) and a heap limit (--max-old-space-size). A case
// passes when gan-compile exits 0 having written a module, or exits 1 printing at least one
// located diagnostic (file:line:col inside the file) and no internal error or stack trace. Prints
// a summary line with counts; every failing case is saved (with the specs it may extend and a
// JSON note of what happened) for reproduction. Exit code 1 when any case failed.
//
//   node --import tsx tools/fuzz-specs.ts --cases 5000 --seed 7 [--jobs 2] [--cpu 30]
//        [--memory 512] [--out fuzz-failures] [--avoid deep-expression,infinite-literal] [--case 1234]
//
// --cpu is in CPU seconds. A case that ends in errors takes 1-3 s of it (mostly the start of node
// and tsx); a case that compiles is also formatted and type-checked by ts-morph, 5-8 s more.
// Needs a POSIX shell (ulimit). Modules that compile are remembered in gan-compile's verify cache
// (node_modules/.cache/ganspec-verify); the entries this run adds are removed at the end.
// Imports test/fuzz/mutate.ts and node's standard library only.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { caseSeed, KNOWN_CLASSES, mutate, type KnownClass, type Mutation } from '../test/fuzz/mutate';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VERIFY_CACHE = join(ROOT, 'node_modules', '.cache', 'ganspec-verify');

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '1' },
    cpu: { type: 'string', default: '30' },
    memory: { type: 'string', default: '512' },
    out: { type: 'string', default: 'fuzz-failures' },
    avoid: { type: 'string', default: '' },
    case: { type: 'string' },
    specs: { type: 'string', default: 'specs' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`fuzz-specs: --${name} must be a whole number, got '${value}'`);
    process.exit(2);
  }
  return n;
}
const seed = positive('seed', args.seed);
const jobs = Math.max(1, positive('jobs', args.jobs));
const cpuSeconds = Math.max(1, positive('cpu', args.cpu));
const wallMs = 4 * cpuSeconds * 1000;
const memoryMb = positive('memory', args.memory);
const avoid = new Set(args.avoid.split(',').filter(Boolean) as KnownClass[]);
for (const a of avoid) {
  if (!(KNOWN_CLASSES as readonly string[]).includes(a)) {
    console.error(`fuzz-specs: --avoid takes ${KNOWN_CLASSES.join(', ')}; got '${a}'`);
    process.exit(2);
  }
}
const indices = args.case !== undefined ? [positive('case', args.case)] : Array.from({ length: positive('cases', args.cases) }, (_, i) => i);

const specDir = resolve(args.specs);
const specs = readdirSync(specDir).filter((f) => /\.ya?ml$|\.json$/.test(f)).sort();
if (specs.length === 0) {
  console.error(`fuzz-specs: no specs in ${specDir}`);
  process.exit(2);
}

// Cases are written beside copies of the specs, so that `extends: wgan.yaml` finds its parent.
const work = mkdtempSync(join(tmpdir(), 'ganspec-fuzz-'));
for (const f of specs) copyFileSync(join(specDir, f), join(work, f));
const cacheBefore = new Set(existsSync(VERIFY_CACHE) ? readdirSync(VERIFY_CACHE) : []);
const writtenModules = new Set<string>();
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

type Verdict = 'module' | 'located' | 'timeout' | 'crash' | 'internal' | 'unlocated' | 'no-module' | 'type-error';

interface Result {
  index: number;
  spec: string;
  caseSeed: number;
  mutations: Mutation[];
  verdict: Verdict;
  why?: string;
  status: number | null;
  signal: string | null;
  ms: number;
  stderr: string;
  /** gan-compile printed something on stderr that is not its own (a node warning). */
  strayStderr: boolean;
}

const DIAGNOSTIC = /^(.+?):(\d+):(\d+) (error|warning) (GS\d{3})\b/;

/** Whether a printed file:line:col lies inside that file (or another spec of the chain). */
function locatedIn(line: string): string | undefined {
  const m = DIAGNOSTIC.exec(line);
  if (!m) return 'not a diagnostic';
  const file = resolve(ROOT, m[1]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return `names ${m[1]}, which cannot be read`;
  }
  const lines = text.split('\n');
  const [l, c] = [Number(m[2]), Number(m[3])];
  if (l < 1 || l > lines.length) return `line ${l} of ${lines.length}`;
  if (c < 1 || c > lines[l - 1].length + 1) return `column ${c} of a line of ${lines[l - 1].length} characters`;
  return undefined;
}

function judge(status: number | null, signal: string | null, timedOut: boolean, stderr: string, outDir: string): { verdict: Verdict; why?: string } {
  if (timedOut) return { verdict: 'timeout', why: `killed after ${wallMs / 1000} s of wall-clock time` };
  if (signal === 'SIGXCPU' || signal === 'SIGKILL') return { verdict: 'timeout', why: `over ${cpuSeconds} s of CPU time (${signal})` };
  if (/internal error|^\s+at \S|RangeError|TypeError|ReferenceError/m.test(stderr)) return { verdict: 'internal', why: stderr.split('\n').find((l) => /internal error|Error/.test(l))?.slice(0, 300) };
  if (status === 0) {
    const modules = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith('.ts')) : [];
    if (modules.length !== 1) return { verdict: 'no-module', why: `exit 0 with ${modules.length} modules written` };
    const text = readFileSync(join(outDir, modules[0]), 'utf8');
    if (text.length === 0) return { verdict: 'no-module', why: 'exit 0 with an empty module' };
    writtenModules.add(sha(text));
    return { verdict: 'module' };
  }
  if (status !== 1) return { verdict: 'crash', why: `exit ${status}${signal ? `, signal ${signal}` : ''} (over ${memoryMb} MB of heap?)` };
  const diagnostics = stderr.split('\n').filter((l) => DIAGNOSTIC.test(l));
  if (diagnostics.length === 0) return { verdict: 'unlocated', why: `exit 1 without a file:line:col diagnostic: ${stderr.slice(0, 300)}` };
  if (diagnostics.some((l) => / GS900\b/.test(l))) return { verdict: 'type-error', why: diagnostics.find((l) => / GS900\b/.test(l))!.slice(0, 300) };
  for (const l of diagnostics) {
    const problem = locatedIn(l);
    if (problem) return { verdict: 'unlocated', why: `${l.slice(0, 200)} (${problem})` };
  }
  return { verdict: 'located' };
}

function runCase(index: number): Promise<Result> {
  const spec = specs[index % specs.length];
  const cs = caseSeed(seed, index);
  const { bytes, mutations } = mutate(readFileSync(join(specDir, spec), 'utf8'), cs, { avoid });
  const file = join(work, `${spec.replace(/\.(ya?ml|json)$/, '')}.seed${seed}-case${index}.yaml`);
  writeFileSync(file, bytes);
  const outDir = join(work, `out-${index}`);
  const started = performance.now();
  return new Promise((done) => {
    const command = [process.execPath, `--max-old-space-size=${memoryMb}`, join(ROOT, 'bin', 'gan-compile.js'), file, '--out', outDir];
    const child = spawn('/bin/sh', ['-c', 'ulimit -t "$0" && exec "$@"', String(cpuSeconds), ...command], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, GANSPEC_DEBUG: '' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      // Enough to judge; a flood of diagnostics is not kept whole.
      if (stderr.length < 4_000_000) stderr += s;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, wallMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const { verdict, why } = judge(status, signal, timedOut, stderr, outDir);
      rmSync(outDir, { recursive: true, force: true });
      const failed = verdict !== 'module' && verdict !== 'located';
      if (!failed) rmSync(file, { force: true });
      const strayStderr = /^\(node:\d+\) \w*Warning/m.test(stderr);
      done({ index, spec, caseSeed: cs, mutations, verdict, why, status, signal, ms, stderr: stderr.slice(-4000), strayStderr });
    });
  });
}

const outDir = resolve(args.out);
function save(r: Result): string {
  mkdirSync(outDir, { recursive: true });
  for (const f of specs) if (!existsSync(join(outDir, f))) copyFileSync(join(specDir, f), join(outDir, f));
  const name = `${r.spec.replace(/\.(ya?ml|json)$/, '')}.seed${seed}-case${r.index}.yaml`;
  copyFileSync(join(work, name), join(outDir, name));
  const { stderr, ...note } = r;
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify({ ...note, seed, stderrTail: stderr }, null, 2)}\n`);
  return join(outDir, name);
}

const results: Result[] = [];
const failures: { result: Result; saved: string }[] = [];
const began = performance.now();
let next = 0;
async function worker(): Promise<void> {
  while (next < indices.length) {
    const index = indices[next++];
    const r = await runCase(index);
    results.push(r);
    if (r.verdict !== 'module' && r.verdict !== 'located') {
      const saved = save(r);
      failures.push({ result: r, saved });
      const known = r.mutations.filter((m) => m.known).map((m) => m.known);
      console.log(`FAIL case ${r.index} (${r.spec}): ${r.verdict}: ${r.why ?? ''}${known.length ? ` [known class: ${[...new Set(known)].join(', ')}]` : ''}\n  saved ${saved}`);
    }
    if (results.length % 100 === 0) {
      const perCase = (performance.now() - began) / results.length;
      console.log(`${results.length}/${indices.length} cases, ${failures.length} failing, ~${Math.round(((indices.length - results.length) * perCase) / jobs / 60000)} min left`);
    }
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, indices.length) }, worker));

// The verify-cache entries of the modules this run wrote (others' entries are left alone).
if (existsSync(VERIFY_CACHE)) {
  for (const f of readdirSync(VERIFY_CACHE)) {
    if (cacheBefore.has(f)) continue;
    const p = join(VERIFY_CACHE, f);
    try {
      if (statSync(p).isFile() && writtenModules.has(sha(readFileSync(p, 'utf8')))) rmSync(p);
    } catch {
      // Gone already.
    }
  }
}
rmSync(work, { recursive: true, force: true });

const count = (v: Verdict) => results.filter((r) => r.verdict === v).length;
const byVerdict = (['timeout', 'crash', 'internal', 'unlocated', 'no-module', 'type-error'] as Verdict[]).filter((v) => count(v) > 0).map((v) => `${count(v)} ${v}`);
const knownFailures = failures.filter((f) => f.result.mutations.some((m) => m.known)).length;
const slowest = results.reduce((a, r) => (r.ms > a.ms ? r : a), results[0]);
const stray = results.filter((r) => r.strayStderr).length;
console.log(
  `fuzz-specs: ${results.length} cases (seed ${seed}${avoid.size ? `, avoiding ${[...avoid].join(', ')}` : ''}): ` +
    `${count('module')} modules, ${count('located')} located errors, ${failures.length} failing` +
    (failures.length ? ` (${byVerdict.join(', ')}; ${knownFailures} with a known class)` : '') +
    `; node warnings on stderr in ${stray}; slowest case ${(slowest.ms / 1000).toFixed(1)} s (${slowest.index}); ` +
    `${((performance.now() - began) / 1000).toFixed(0)} s in all` +
    (failures.length ? `; failing cases in ${outDir}/ (rerun one from the repository root: node bin/gan-compile.js ${failures[0].saved} --out /tmp/x)` : ''),
);
process.exitCode = failures.length > 0 ? 1 : 0;

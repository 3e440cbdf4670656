// Bounded input (issue 10, part 2): inputs that crashed or exhausted the machine are refused with a
// located diagnostic or a one-line error: prototype keys in --set and in specs, IDX files that are
// devices or lie about their size, networks and batches that cannot fit in memory, deep or huge
// expressions and non-finite constants, huge or deep spec files, errors and non-specs in `extends`
// bases, gan-eval's --n and --out. Every case runs in a child process under limits (a time limit,
// --max-old-space-size and, without wasm, an address-space limit), so that the bad behaviour each
// test first reproduced (a hang, an unbounded read, an abort, a polluted prototype) stays bounded.
// Imports the compiler's diagnostics and limits, and runs the compiler, runtime and CLIs in children.
import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderDiagnosticLine, type Diagnostic } from '../compiler/diagnostics';
import { formatSize } from '../compiler/limits';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);
const dir = mkdtempSync(join(tmpdir(), 'ganspec-bounded-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

interface Child {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/**
 * node under limits: `seconds` of wall time, 512 MiB of JS heap and 4 GB of address space. No
 * wasm (tsx falls back to its JS lexer; commands run on the cpu backend): wasm reserves more
 * address space than the limit allows.
 */
function bounded(args: string[], seconds = 60): Child {
  const r = spawnSync('bash', ['-c', 'ulimit -v 4000000 && exec "$@"', 'bash', process.execPath, '--no-expose-wasm', '--max-old-space-size=512', ...args], {
    encoding: 'utf8',
    timeout: seconds * 1000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, GANSPEC_BACKEND: 'cpu', GANSPEC_DEBUG: '' },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** A command on the wasm backend: wasm needs its address space, so only time and JS heap are limited. */
function onWasm(args: string[], seconds = 60): Child {
  const r = spawnSync(process.execPath, ['--max-old-space-size=512', ...args], {
    encoding: 'utf8',
    timeout: seconds * 1000,
    env: { ...process.env, GANSPEC_BACKEND: 'wasm', GANSPEC_DEBUG: '' },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs a module script (tsx loaded) in a bounded child; its stdout is JSON. */
function script(code: string, input: unknown, seconds = 60): unknown {
  const r = bounded(['--import', 'tsx', '--input-type=module', '-e', code, JSON.stringify(input)], seconds);
  if (r.status !== 0) assert.fail(`the child ended with status ${r.status}, signal ${r.signal}:\n${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout);
}

/** `text` as a regular expression matching itself. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const url = (file: string) => JSON.stringify(pathToFileURL(join(ROOT, file)).href);

interface Result {
  compiled?: boolean;
  diagnostics?: Diagnostic[];
  /** Files whose text a code frame may show. */
  texts?: string[];
  threw?: string;
  /** Whether Object.prototype gained a property. */
  polluted: boolean;
}

/** Compiles each job (format off) in one bounded child. */
function compile(jobs: { file: string; set?: string[] }[], seconds = 60): Result[] {
  const code = `
    const { compileToModule } = await import(${url('compiler/index.ts')});
    const out = [];
    for (const job of JSON.parse(process.argv[1])) {
      let result;
      try {
        const c = compileToModule(job.file, { overrides: job.set ?? [], format: false });
        result = { compiled: c.text !== undefined, diagnostics: c.diagnostics, texts: [...c.texts.keys()] };
      } catch (err) {
        result = { threw: String(err && err.message) };
      }
      result.polluted = Object.keys(Object.prototype).length > 0;
      out.push(result);
    }
    process.stdout.write(JSON.stringify(out));`;
  return script(code, jobs, seconds) as Result[];
}

/**
 * Compile jobs run together in one child, started by the first test that needs a result (pre-fix,
 * one crash or hang fails every test of its group). `heavy` holds the inputs that exhausted the
 * machine before (huge files, devices) and `polluting` the --set that polluted Object.prototype:
 * each group runs in a child of its own.
 */
class Group {
  readonly #jobs: { file: string; set?: string[] }[] = [];
  #outcome: { results: Result[] } | { error: unknown } | undefined;
  constructor(private readonly seconds: number) {}

  /** Adds a job; call the returned function for its result (the child runs once, whatever it gives). */
  add(file: string, set?: string[]): () => Result {
    const index = this.#jobs.push({ file, set }) - 1;
    return () => {
      this.#outcome ??= this.#run();
      if ('error' in this.#outcome) throw this.#outcome.error;
      return this.#outcome.results[index];
    };
  }

  #run(): { results: Result[] } | { error: unknown } {
    try {
      return { results: compile(this.#jobs, this.seconds) };
    } catch (error) {
      return { error };
    }
  }
}
const quick = new Group(60);
const heavy = new Group(60);
/** Before the fix, --set __proto__ polluted the child's Object.prototype and broke every later job. */
const polluting = new Group(60);

/** The diagnostics as `CODE file:line:col pointer: message (hint)`, or what went wrong instead. */
function lines(r: Result): string[] {
  if (r.threw !== undefined) return [`threw: ${r.threw}`];
  return r.diagnostics!.map((d) => `${d.code} ${renderDiagnosticLine(d)}`);
}

const SMALL = `name: small
data: { source: mnist, image: [28, 28, 1] }
sample:
  z: normal(64)
networks:
  G:
    inputs: { z: [64] }
    layers:
      - dense: { units: 784, activation: tanh }
      - reshape: [28, 28, 1]
  D:
    inputs: { img: image }
    layers:
      - flatten
      - dense: { units: 1, activation: sigmoid }
losses:
  D: bce(D(x), 1) + bce(D(G(z)), 0)
  G: bce(D(G(z)), 1)
schedule:
  batch: 32
  steps: 100
  phases:
    - { update: D, optimizer: { adam: { lr: 0.0002 } } }
    - { update: G, optimizer: { adam: { lr: 0.0002 } } }
preview: { show: [G(z)] }
`;

/** Writes `text` as `name` in the temporary folder; returns its path. */
function spec(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** SMALL with one substring replaced (it must occur). */
function small(from: string, to: string): string {
  assert.ok(SMALL.includes(from), from);
  return SMALL.replace(from, to);
}

const PROTO = "cannot be a key: it names a part of every JavaScript object (__proto__, constructor and prototype are refused)";

// ---- 6: prototype keys ------------------------------------------------------------------------

const setSpec = spec('set.yaml', SMALL);
const setProto = polluting.add(setSpec, ['__proto__.polluted=1', 'networks.G.__proto__.polluted=1', 'schedule.constructor.x=1', 'networks.G.layers.prototype=1', 'data={__proto__: {polluted: 1}}']);
const setList = quick.add(setSpec, ['schedule.phases.length=1000000000', 'schedule.phases.3.repeat=2', 'toString.x=1', 'schedule.phases.2={ update: G, optimizer: { sgd: { lr: 0.1 } } }']);

test('--set paths and values with __proto__, constructor or prototype are refused at --set; Object.prototype stays clean', () => {
  const r = setProto();
  assert.deepEqual(lines(r), [
    `GS161 --set:1:1 --set __proto__.polluted: '__proto__' ${PROTO}`,
    `GS161 --set:1:2 --set networks.G.__proto__.polluted: '__proto__' ${PROTO}`,
    `GS161 --set:1:3 --set schedule.constructor.x: 'constructor' ${PROTO}`,
    `GS161 --set:1:4 --set networks.G.layers.prototype: 'prototype' ${PROTO}`,
    `GS161 --set:1:5 --set data: the value's '__proto__' ${PROTO}`,
  ]);
  assert.equal(r.polluted, false);
});

test('--set reaches only what the spec holds: no list length, no item past the end, no inherited member', () => {
  assert.deepEqual(lines(setList()), [
    "GS001 --set:1:1 --set schedule.phases.length: 'length' is not an item of a list of 2",
    "GS001 --set:1:2 --set schedule.phases.3.repeat: '3' is not an item of a list of 2",
    "GS001 --set:1:3 --set toString.x: 'toString' is not a section of the spec",
  ]);
});

const protoYaml = spec('proto-keys.yaml', small('  z: normal(64)\n', '  z: normal(64)\n  __proto__: { polluted: 1 }\n').replace('name: small', 'name: small\nconstructor: 1').replace('      - flatten', '      - { flatten: null, prototype: 3 }'));
const protoJson = spec('proto-keys.json', JSON.stringify({ name: 'j', __proto__x: 1 }).replace('__proto__x', '__proto__'));
const protoKeys = [quick.add(protoYaml), quick.add(protoJson)];

test('__proto__, constructor and prototype as spec keys are located errors naming the key', () => {
  const [file, json] = [protoYaml, protoJson];
  const [yaml, fromJson] = protoKeys.map((r) => r());
  assert.deepEqual(lines(yaml), [
    `GS161 ${file}:2:1 /constructor: 'constructor' ${PROTO} (rename the key)`,
    `GS161 ${file}:6:3 /sample/__proto__: '__proto__' ${PROTO} (rename the key)`,
    `GS161 ${file}:16:26 /networks/D/layers/0/prototype: 'prototype' ${PROTO} (rename the key)`,
  ]);
  assert.deepEqual(lines(fromJson), [`GS161 ${json}:1:13 /__proto__: '__proto__' ${PROTO} (rename the key)`]);
  assert.equal(yaml.polluted || fromJson.polluted, false);
});

// ---- 7: IDX files -----------------------------------------------------------------------------

test('IDX: devices, pipes, folders and headers that lie about the size are one-line errors, read no further', () => {
  const fifo = join(dir, 'fifo');
  spawnSync('mkfifo', [fifo]);
  const header = (dims: number[]) => Buffer.concat([Buffer.from([0, 0, 8, dims.length]), ...dims.map((d) => Buffer.from([d >>> 24, (d >>> 16) & 255, (d >>> 8) & 255, d & 255]))]);
  const liar = join(dir, 'liar.idx');
  writeFileSync(liar, Buffer.concat([header([4000000000, 28, 28]), Buffer.alloc(100)]));
  const short = join(dir, 'short.idx');
  writeFileSync(short, Buffer.concat([header([10, 28, 28]), Buffer.alloc(100)]));
  // A small gzip file that decompresses to 50 MB behind a header promising 10 bytes.
  const bomb = join(dir, 'bomb.idx.gz');
  spawnSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(bomb)}, require('zlib').gzipSync(Buffer.concat([Buffer.from([0, 0, 8, 1, 0, 0, 0, 10]), Buffer.alloc(50e6)])))`]);
  const code = `
    const { readIdx } = await import(${url('runtime/data/idx.ts')});
    const { loadData } = await import(${url('runtime/data/index.ts')});
    const out = [];
    const paths = JSON.parse(process.argv[1]);
    for (const path of paths) await readIdx(path).then(() => out.push('read'), (e) => out.push(e.constructor.name + ': ' + e.message));
    await loadData({ source: 'idx', path: '/dev/zero', image: [28, 28, 1], range: [-1, 1] }, '.').then(() => out.push('read'), (e) => out.push(e.constructor.name + ': ' + e.message));
    process.stdout.write(JSON.stringify(out));`;
  const out = script(code, ['/dev/zero', fifo, dir, liar, short, bomb], 30) as string[];
  // An IDX file may hold one Node buffer, and at most half of the machine's memory.
  const max = Math.min(constants.MAX_LENGTH, Math.floor(totalmem() / 2));
  assert.deepEqual(out, [
    'UserError: /dev/zero: not a regular file (a device, pipe or socket), so not an IDX file',
    `UserError: ${fifo}: not a regular file (a device, pipe or socket), so not an IDX file`,
    `UserError: ${dir}: a folder, not an IDX file`,
    `UserError: ${liar}: its IDX header [4000000000, 28, 28] declares 3136000000016 bytes, more than the ${max} an IDX file may hold here`,
    `UserError: ${short}: truncated IDX file (header [10, 28, 28] needs 7856 bytes, file has 116)`,
    `UserError: ${bomb}: corrupt IDX file (header [10] needs 18 bytes, the gzip data holds more)`,
    'UserError: /dev/zero: not a regular file (a device, pipe or socket), so not an IDX file',
  ]);
});

// ---- 8: memory ---------------------------------------------------------------------------------

const MACHINE = `this machine's ${formatSize(totalmem())} of memory`;

const maxima = spec('maxima.yaml', small('units: 784, activation: tanh', 'units: 2000000, activation: tanh').replace('batch: 32', 'batch: 1000000000').replace('steps: 100', 'steps: 10000000000').replace('image: [28, 28, 1]', 'image: [28, 28, 100000]'));
const maximaResult = quick.add(maxima);

test('schema maxima: absurd sizes, batches and steps are out-of-range errors at the value', () => {
  const file = maxima;
  assert.deepEqual(lines(maximaResult()), [
    `GS005 ${file}:2:40 /data/image/2: must be <= 16384 (got 100000)`,
    `GS005 ${file}:9:25 /networks/G/layers/0/dense/units: must be <= 1048576 (got 2000000)`,
    `GS005 ${file}:20:10 /schedule/batch: must be <= 1048576 (got 1000000000)`,
    `GS005 ${file}:21:10 /schedule/steps: must be <= 1000000000 (got 10000000000)`,
  ]);
});

// Two dense layers of 2^20 units: 2^40 weights, terabytes whatever the machine.
const huge = spec('huge-layer.yaml', small('      - dense: { units: 1, activation: sigmoid }', '      - dense: { units: 1048576 }\n      - dense: { units: 1048576 }\n      - dense: { units: 1, activation: sigmoid }'));
// 8 million values per example: one example fits anywhere, 2^20 of them nowhere.
const wide = spec('huge-batch.yaml', small('      - flatten\n', '      - { conv2d: { filters: 16, kernel: 3 } }\n      - flatten\n').replace('image: [28, 28, 1]', 'image: [512, 512, 1]').replace('units: 784', 'units: 262144').replace('reshape: [28, 28, 1]', 'reshape: [512, 512, 1]').replace('batch: 32', 'batch: 1048576'));
const memoryResults = [quick.add(huge), quick.add(wide)];

test('networks that cannot fit in memory are refused at compile time: at the layer, or at /schedule/batch', () => {
  const [a, b] = memoryResults.map((r) => r());
  // 4 bytes a float; weights, gradients and adam's two slots; every value and its gradient per example.
  const need = (parameters: number, values: number, batch: number) =>
    `training at batch ${batch} needs about ${formatSize(4 * (4 * parameters + 2 * batch * values))} (${formatSize(16 * parameters)} for ${parameters} parameters with their gradients and optimizer state, ${formatSize(8 * batch * values)} for ${values} values per example and their gradients), more than 80 % of ${MACHINE}`;
  // G: 64 -> 784 -> reshape; D: 784 -> 2^20 -> 2^20 -> 1 (weights and biases; inputs and outputs).
  const p1 = 65 * 784 + 785 * 1048576 + 1048577 * 1048576 + 1048577;
  const v1 = 64 + 784 + 784 + 784 + 784 + 1048576 + 1048576 + 1;
  const layer = `this layer has ${1048577 * 1048576} parameters and 1048576 values per example: make it smaller`;
  assert.deepEqual(lines(a), [`GS164 ${huge}:16:9 /networks/D/layers/2: ${need(p1, v1, 32)}; even one example does not fit (${layer})`]);
  // G: 64 -> 262144 -> reshape; D: 512x512 -> conv 16 filters -> flatten -> 1.
  const p2 = 65 * 262144 + 10 * 16 + 4194305;
  const v2 = 64 + 262144 + 262144 + 262144 + 4194304 + 4194304 + 1;
  const fits = Math.floor((0.8 * totalmem() - 16 * p2) / (8 * v2));
  assert.deepEqual(lines(b), [`GS164 ${wide}:21:10 /schedule/batch: ${need(p2, v2, 1048576)} (at most batch ${fits} fits)`]);
});

test('gan-train refuses a --batch that cannot fit, in one line, before writing anything (spec or module)', () => {
  for (const input of ['specs/ring.yaml', 'generated/ring.ts']) {
    const out = join(dir, `run-${input.replace(/\W/g, '-')}`);
    const r = bounded(['bin/gan-train.js', input, '--batch', '1000000000', '--steps', '1', '--out', out]);
    assert.equal(r.status, 1, `${input}: status ${r.status}, signal ${r.signal}: ${r.stderr.slice(-1000)}`);
    const last = r.stderr.trim().split('\n').at(-1)!;
    assert.match(last, new RegExp(`^gan-train: ${literal(input)}: training at batch 1000000000 needs about [0-9.]+ TiB \\([0-9.]+ KiB for 35971 parameters with their gradients and optimizer state, [0-9.]+ TiB for 537 values per example and their gradients\\), more than 80 % of ${literal(MACHINE)}; nothing was trained$`));
    assert.equal(existsSync(out), false, `${input}: ${out} was created`);
  }
});

test("on wasm, gan-train measures against the backend's 4 GiB heap, whatever the machine has", () => {
  // ring at batch 10^6: 537 values per example, about 4.0 GiB; it would fit the machine's memory, not the heap.
  const out = join(dir, 'run-wasm');
  const r = onWasm(['bin/gan-train.js', 'specs/ring.yaml', '--batch', '1000000', '--steps', '1', '--out', out]);
  const heap = 4294901760;
  const limit = totalmem() > heap ? `the wasm backend's ${formatSize(heap)} heap` : MACHINE;
  const need = formatSize(4 * (4 * 35971 + 2 * 1e6 * 537));
  assert.equal(`${r.status} ${r.stderr.trim().split('\n').at(-1)}`, `1 gan-train: specs/ring.yaml: training at batch 1000000 needs about ${need} (${formatSize(16 * 35971)} for 35971 parameters with their gradients and optimizer state, ${formatSize(8e6 * 537)} for 537 values per example and their gradients), more than 80 % of ${limit}; nothing was trained`);
  assert.equal(existsSync(out), false);
});

test("the estimate gan-train reads from a module's built networks equals the compiler's, for every spec", () => {
  const code = `
    const { compileToModule } = await import(${url('compiler/index.ts')});
    const { networksMemory } = await import(${url('runtime/memory.ts')});
    const { buildNetworks } = await import(${url('runtime/loop/train.ts')});
    const { selectBackend } = await import(${url('runtime/backend/select.ts')});
    await selectBackend('cpu');
    const out = [];
    for (const file of JSON.parse(process.argv[1])) {
      const compiled = compileToModule(file, { format: false });
      const name = compiled.name;
      const { trainer } = await import(${url('generated')} + '/' + name + '.ts');
      const nets = buildNetworks(trainer);
      out.push([name, compiled.memory.estimate, networksMemory(trainer, nets)]);
      for (const net of Object.values(nets)) net.dispose();
    }
    process.stdout.write(JSON.stringify(out));`;
  const specs = readdirSync('specs').filter((f) => f.endsWith('.yaml')).map((f) => `specs/${f}`);
  const results = script(code, specs, 120) as [string, object, object][];
  assert.equal(results.length, 11);
  for (const [name, compiled, built] of results) assert.deepEqual(built, compiled, name);
  // infogan updates D.code, a head, with its own optimizer: only those layers' slots count twice.
  assert.deepEqual(results.find(([n]) => n === 'infogan')![1], { parameters: 2500108, optimizerState: 5527340, perExample: 475195 });
});

// ---- 9: expressions ----------------------------------------------------------------------------

const loss = (name: string, expr: string) => spec(name, small('  G: bce(D(G(z)), 1)', `  G: ${expr}`));
const term = 'bce(D(G(z)), 1)';
const exprJobs = [
  loss('parens.yaml', '('.repeat(5000) + term + ')'.repeat(5000)),
  loss('minus.yaml', '-'.repeat(5000) + term),
  loss('heads.yaml', `bce(D(G(z))${'.a'.repeat(5000)}, 1)`),
  loss('terms.yaml', Array(3000).fill(term).join(' + ')),
  loss('huge.yaml', `${term} * 1e400`),
  loss('div0.yaml', `${term} + 1/0`),
  loss('nan.yaml', `${term} * (0 / 0)`),
  loss('f32.yaml', `${term} * 1e39`),
  // Within the limits: 200 levels and 1000 operators compile.
  loss('deep-ok.yaml', '('.repeat(197) + term + ')'.repeat(197)),
  loss('long-ok.yaml', Array(1001).fill(term).join(' + ')),
];
const exprResults = exprJobs.map((file) => quick.add(file));

test('deep nesting, long sums and non-finite constants in expressions are located errors, never a crash', () => {
  const jobs = exprJobs;
  const results = exprResults.map((r) => r());
  const nested = 'the expression is nested more than 200 levels deep (parentheses, calls, unary minus and heads each add one)';
  const constant = (what: string, value: string) => `${what} is not a finite float32 number (${value}): constants must lie within about ±3.4e38 (write a smaller constant)`;
  const at = (i: number, col: number) => `${jobs[i]}:18:${col} /losses/G`;
  assert.deepEqual(results.map(lines), [
    [`GS162 ${at(0, 206)}: ${nested}`],
    [`GS162 ${at(1, 206)}: ${nested}`],
    [`GS162 ${at(2, 415)}: ${nested}`],
    [`GS162 ${at(3, 18022)}: the expression has more than 1000 operators (+ - * /)`],
    [`GS163 ${at(4, 24)}: ${constant('this number', 'Infinity')}`],
    [`GS163 ${at(5, 25)}: ${constant('1 / 0', 'Infinity')}`],
    [`GS163 ${at(6, 27)}: ${constant('0 / 0', 'NaN')}`],
    [`GS163 ${at(7, 24)}: ${constant('this number', '1e+39')}`],
    [],
    [],
  ]);
  assert.deepEqual(results.map((r) => r.compiled), [false, false, false, false, false, false, false, false, true, true]);
});

const blocks = (name: string, defs: string, use: string) =>
  spec(name, small('networks:\n', `blocks:\n${defs}networks:\n`).replace('      - dense: { units: 784, activation: tanh }', `      - ${use}\n      - dense: { units: 784, activation: tanh }`));
const cycle = blocks('cycle.yaml', '  a: { layers: [{ use: b }] }\n  b: { layers: [{ use: a }] }\n', 'use: a');
const explode = blocks('explode.yaml', '  b0: { layers: [{ use: b1, repeat: 1000 }] }\n  b1: { layers: [{ use: b2, repeat: 1000 }] }\n  b2: { layers: [relu] }\n', 'use: b0');
const blockResults = [quick.add(cycle), quick.add(explode)];

test('blocks that use themselves or expand past 2000 layers are located errors', () => {
  const [a, b] = blockResults.map((r) => r());
  assert.deepEqual(lines(a), [`GS107 ${cycle}:7:24 /blocks/b/layers/0/use: block 'a' uses itself: a -> b -> a`]);
  assert.deepEqual(lines(b), [`GS165 ${explode}:13:9 /networks/G/layers/0: the network expands to more than 2000 layers (blocks and repeats included) (use fewer or smaller blocks)`]);
});

// ---- 10: spec size ----------------------------------------------------------------------------

const big = spec('big.yaml', SMALL + `description: ${'x'.repeat(20 * 1024 * 1024)}\n`);
const keys = spec('keys.yaml', SMALL + Array.from({ length: 20000 }, (_, i) => `k${i}: 1\n`).join(''));
const flow = spec('flow.yaml', SMALL + `deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
const block = spec('block.yaml', SMALL + 'deep:\n' + Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 1)}k${i}:\n`).join(''));
const laughs = spec('laughs.yaml', SMALL + ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`)].join('\n') + '\n');
const sizeResults = [big, keys, flow, block, laughs].map((file) => heavy.add(file));

test('spec files too large, with too many nodes, too deep or with too many aliases are refused at once', () => {
  const results = sizeResults.map((r) => r());
  assert.deepEqual(results.map(lines), [
    [`GS001 ${big}:1:1 ${big} is 20.0 MiB: a spec file may be at most 1.0 MiB`],
    [`GS160 ${keys}:2486:1 the spec holds more than 5000 YAML nodes (keys, values, list items): too many to be a spec`],
    [`GS160 ${flow}:26:70 the spec nests lists and mappings more than 64 levels deep: too deep to be a spec`],
    [`GS160 ${block}:90:65 the spec nests lists and mappings more than 64 levels deep: too deep to be a spec`],
    [`GS160 ${laughs}:1:1 the spec's aliases (*name) expand more than 100 times: too many to be a spec`],
  ]);
  // No code frame of a file that was refused unread or unparsed.
  assert.deepEqual(results.map((r) => r.texts), [[], [], [], [], []]);
});

// ---- 11: extends -------------------------------------------------------------------------------

mkdirSync(join(dir, 'ext'), { recursive: true });
const base = spec('ext/base.yaml', small('      - flatten', '      - { flatten: null, bogus: 3 }'));
const child = spec('ext/child.yaml', 'extends: base.yaml\nname: child\nnetworks:\n  D:\n    inputs: { img: image }\n');
spec('ext/list.yaml', '- a\n- b\n');
spec('ext/text.txt', 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
spec('ext/empty.yaml', '');
spec('ext/nul.yaml', 'a: 1\n\0\0\0');
const children = ['list.yaml', 'text.txt', 'empty.yaml', 'nul.yaml', '/dev/zero', '.'].map((b, i) => spec(`ext/child${i}.yaml`, `name: child\nextends: ${b}\n`));
// A chain of 20 files, each extending the next.
for (let i = 0; i < 20; i++) spec(`ext/chain${i}.yaml`, `extends: chain${i + 1}.yaml\nname: chain\n`);
spec('ext/chain20.yaml', SMALL);
const extendsResults = [child, ...children, join(dir, 'ext/chain0.yaml')].map((file) => heavy.add(file));

test('errors in an extends base are reported in the base; a base that is no spec is one error at /extends', () => {
  const results = extendsResults.map((r) => r());
  const e = (name: string) => join(dir, 'ext', name);
  const notSpec = (name: string, what: string) => `${e(name)} is not a spec: ${what}, not a mapping of keys (a YAML or JSON object)`;
  assert.deepEqual(results.map(lines), [
    [`GS002 ${base}:14:26 /networks/D/layers/0: unknown key 'bogus' (a layer without arguments: relu, tanh, sigmoid, softmax, leaky_relu, flatten, batchnorm, instancenorm)`],
    [`GS001 ${children[0]}:2:10 /extends: ${notSpec('list.yaml', 'its top level is a list')}`],
    [`GS001 ${children[1]}:2:10 /extends: ${notSpec('text.txt', 'its top level is a single value')}`],
    [`GS001 ${children[2]}:2:10 /extends: ${notSpec('empty.yaml', 'it is empty')}`],
    [`GS001 ${children[3]}:2:10 /extends: ${e('nul.yaml')} is not a text file (it holds NUL bytes), so not a YAML or JSON spec`],
    [`GS001 ${children[4]}:2:10 /extends: /dev/zero is not a regular file (a device, pipe or socket), so not a spec`],
    [`GS001 ${children[5]}:2:10 /extends: ${join(dir, 'ext')} is a folder, not a spec file`],
    [`GS001 ${e('chain16.yaml')}:1:10 /extends: 'extends' goes more than 16 files deep: ${Array.from({ length: 18 }, (_, i) => e(`chain${i}.yaml`)).join(' -> ')}`],
  ]);
  // Code frames show only files that parsed as specs: never the list, the text file, the device...
  assert.deepEqual(results[0].texts, [child, base]);
  results.slice(1, 7).forEach((r, i) => assert.deepEqual(r.texts, [children[i]]));
});

// ---- 12: gan-eval ------------------------------------------------------------------------------

test('gan-eval: --n is bounded (stated in --help) and --out is checked before anything is read or evaluated', () => {
  // A run directory whose module does not exist: a check made after the run is read would fail on that instead.
  const run = join(dir, 'run');
  mkdirSync(run, { recursive: true });
  writeFileSync(join(run, 'run.json'), JSON.stringify({ name: 'x', module: 'x.mts', dataDir: '.', seed: 0, batch: 1, steps: 1, backend: 'cpu' }));
  const evalLine = (args: string[]) => {
    const r = bounded(['bin/gan-eval.js', ...args], 60);
    return `${r.status} ${r.stderr.trim()}`;
  };
  assert.equal(evalLine([run, '--n', '1e9']), '1 gan-eval: --n must be an integer from 2 to 100000, got 1000000000');
  assert.equal(evalLine([run, '--out', '/proc/x']), '1 gan-eval: --out /proc/x: /proc is a system folder, not a place for results');
  const help = bounded(['bin/gan-eval.js', '--help'], 60);
  assert.match(help.stdout, /-n +samples per preview band \(2 to 100000\)/);
});

test("gan-eval's --out check: a folder, a missing folder or a system path is refused; a new or an existing regular file passes", () => {
  const code = `
    const { checkOutFile } = await import(${url('cli/eval.ts')});
    const out = [];
    for (const path of JSON.parse(process.argv[1])) {
      try { checkOutFile(path); out.push('ok'); } catch (e) { out.push(e.constructor.name + ': ' + e.message); }
    }
    process.stdout.write(JSON.stringify(out));`;
  const existing = join(dir, 'metrics.json');
  writeFileSync(existing, '{}');
  const paths = [dir, join(dir, 'no/such/metrics.json'), '/dev/stdout', '/sys/kernel/x', join(dir, 'new.json'), existing];
  assert.deepEqual(script(code, paths), [
    `UserError: --out ${dir}: is a folder; name a file to write the JSON to`,
    `UserError: --out ${join(dir, 'no/such/metrics.json')}: the folder ${join(dir, 'no/such')} does not exist`,
    'UserError: --out /dev/stdout: /dev is a system folder, not a place for results',
    'UserError: --out /sys/kernel/x: /sys/kernel is a system folder, not a place for results',
    'ok',
    'ok',
  ]);
});

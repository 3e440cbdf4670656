// The commands' options (cli/options.ts): one rule and one message for whole numbers and seeds,
// and one line for a usage mistake, from every command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkInteger, checkOutExtension } from '../cli/options';
import { UserError } from '../runtime/errors';
import { tempDir } from './helpers';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const CASES: { name: string; given: [number | undefined, number, number?]; want: string | undefined }[] = [
  { name: 'an option not given passes', given: [undefined, 1], want: undefined },
  { name: 'the bounds themselves pass', given: [16, 1, 16], want: undefined },
  { name: 'zero where a count must be positive', given: [0, 1], want: '--x must be a positive integer, got 0' },
  { name: 'a fraction', given: [2.5, 1], want: '--x must be a positive integer, got 2.5' },
  { name: 'NaN (yargs reads a word as NaN)', given: [NaN, 0], want: '--x must be an integer of at least 0, got NaN' },
  { name: 'below a minimum other than 1', given: [1, 2], want: '--x must be an integer of at least 2, got 1' },
  { name: 'above a maximum', given: [1e9, 2, 100000], want: '--x must be an integer from 2 to 100000, got 1000000000' },
];

for (const c of CASES) {
  test(`checkInteger: ${c.name}`, () => {
    const run = () => checkInteger('x', ...c.given);
    if (c.want === undefined) assert.doesNotThrow(run);
    else assert.throws(run, (err: unknown) => err instanceof UserError && err.message === c.want);
  });
}

/** A command's exit status and stderr (it must fail). */
async function failing(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, args, { cwd, timeout: 120_000 }).then(
    (r) => assert.fail(`${args.join(' ')} exited 0: ${r.stdout}`),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

const COMMANDS = ['train', 'compile', 'sample', 'eval', 'report', 'export', 'diff', 'bench'];

test('every command answers an unknown option with one line naming it and its --help, not the whole help, and exits 1 (gan-diff 2)', async () => {
  await Promise.all(
    COMMANDS.map(async (c) => {
      const specs = c === 'diff' ? ['specs/gan.yaml', 'specs/dcgan.yaml'] : c === 'export' ? ['runs/x', '--out', 'web/x'] : ['specs/gan.yaml'];
      const r = await failing([`bin/gan-${c}.js`, ...specs, '--stpes', '3']);
      assert.equal(r.code, c === 'diff' ? 2 : 1, c);
      assert.equal(r.stderr, `gan-${c}: Unknown argument: stpes (gan-${c} --help lists the options)\n`);
      assert.equal(r.stdout, '');
    }),
  );
});

test("a missing operand, a failed check and a choice not offered are one line too (yargs' messages, on one line)", async () => {
  assert.equal((await failing(['bin/gan-eval.js'])).stderr, 'gan-eval: name a run directory or a checkpoint (or --samples DIR) (gan-eval --help lists the options)\n');
  assert.equal((await failing(['bin/gan-export.js', 'runs/x'])).stderr, 'gan-export: Missing required argument: out (gan-export --help lists the options)\n');
  assert.equal((await failing(['bin/gan-sample.js', 'runs/x', '--format', 'jpg'])).stderr, 'gan-sample: Invalid values: Argument: format, Given: "jpg", Choices: "grid", "png" (gan-sample --help lists the options)\n');
});

test('gan-train, gan-sample, gan-eval and gan-export load TensorFlow.js and the compiler only with their work (cli/*-run.ts): gan-train answers a usage mistake without them', async () => {
  // In a fresh process: the modules of tfjs, ts-morph and TypeScript loaded after each step.
  const script = `
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(process.cwd() + '/').cache).filter((k) => /node_modules\\/(@tensorflow|ts-morph|typescript)\\//.test(k)).length;
    const { main } = await import('./cli/train.ts');
    for (const command of ['sample', 'eval', 'export']) await import('./cli/' + command + '.ts');
    const refused = await main(['specs/gan.yaml', '--steps', '0']).then(() => 'trained', (err) => err.message);
    const before = loaded();
    await import('./cli/train-run.ts');
    console.log(JSON.stringify({ refused, before, after: loaded() }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, timeout: 120_000 });
  const r = JSON.parse(stdout) as { refused: string; before: number; after: number };
  assert.deepEqual([r.refused, r.before], ['--steps must be a positive integer, got 0', 0]);
  assert.ok(r.after > 0, 'cli/train-run.ts loads TensorFlow.js and the compiler');
});

test('--seed that is not a whole number is refused before anything is written', async () => {
  const out = join(tempDir('seed'), 'run');
  const r = await failing(['bin/gan-train.js', 'specs/gan.yaml', '--seed', '1.5', '--steps', '1', '--out', out]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'gan-train: --seed must be an integer, got 1.5\n');
  assert.equal(r.stdout, '');
  assert.equal(existsSync(out), false);
  assert.equal((await failing(['bin/gan-sample.js', 'runs/x', '--seed', 'abc'])).stderr, 'gan-sample: --seed must be an integer, got NaN\n');
});

test("gan-compile . names the folder '.' (its path relative to the working directory is empty)", async () => {
  const r = await failing([join(ROOT, 'bin/gan-compile.js'), '.'], tempDir('dot'));
  assert.match(r.stderr, /^\.:1:1 error GS001: \. is a folder, not a spec file$/m);
});

test('checkOutExtension: an --out file must end in its extension, in any case; an option not given passes', () => {
  assert.doesNotThrow(() => checkOutExtension(undefined, ['.png'], 'the PNG file of the grid'));
  assert.doesNotThrow(() => checkOutExtension('runs/Grid.PNG', ['.png'], 'the PNG file of the grid'));
  assert.doesNotThrow(() => checkOutExtension('a.htm', ['.html', '.htm'], 'the HTML file of the report'));
  assert.throws(() => checkOutExtension('grid.jpg', ['.png'], 'the PNG file of the grid'), (err: unknown) => err instanceof UserError && err.message === '--out is the PNG file of the grid: give it a name ending in .png, got grid.jpg');
  assert.throws(() => checkOutExtension('report.pdf', ['.html', '.htm'], 'the HTML file of the report'), (err: unknown) => err instanceof UserError && err.message === '--out is the HTML file of the report: give it a name ending in .html or .htm, got report.pdf');
});

test('gan-sample refuses a grid --out that is not .png and gan-report one that is not .html, before reading the run', async () => {
  assert.equal((await failing(['bin/gan-sample.js', 'runs/x', '--out', 'grid.jpg'])).stderr, 'gan-sample: --out is the PNG file of the grid: give it a name ending in .png, got grid.jpg\n');
  assert.equal((await failing(['bin/gan-report.js', 'runs/x', '--out', 'report.pdf'])).stderr, 'gan-report: --out is the HTML file of the report: give it a name ending in .html or .htm, got report.pdf\n');
});

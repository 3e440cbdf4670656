// gan-eval --samples (eval/folder.ts, cli/eval-samples.ts): a folder of real MNIST test digits
// scores as real digits (ten classes, labels read right, a small FID), a folder of one repeated
// digit as a collapsed generator; labels.csv is read strictly; progress goes to stderr.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { progressMeter } from '../cli/progress';
import { evaluateFolder, readLabels } from '../eval';
import { UserError } from '../runtime/errors';
import { encodePng } from '../runtime/images/png';
import { mnistDir, readMnistLayout } from '../runtime/data/mnist';
import { runCli, tempDir, useBackend } from './helpers';

const N = 300;

/** A folder of N MNIST test digits (`pick(i)` is the index of the i-th) and labels.csv with `label(i)`. */
async function digitFolder(dir: string, pick: (i: number) => number, label: (i: number, digit: number) => number): Promise<void> {
  const { images, labels } = await readMnistLayout(mnistDir(), 'test', 'MNIST');
  mkdirSync(dir);
  const rows = ['file,label'];
  for (let i = 0; i < N; i++) {
    const k = pick(i);
    const name = `${String(i).padStart(6, '0')}.png`;
    writeFileSync(join(dir, name), await encodePng({ data: images.pixels.subarray(k * 784, (k + 1) * 784), width: 28, height: 28, channels: 1 }));
    rows.push(`${name},${label(i, labels[k])}`);
  }
  writeFileSync(join(dir, 'labels.csv'), rows.join('\n') + '\n');
}

test('real test digits cover the ten classes with their labels; one repeated digit covers one', async () => {
  await useBackend('wasm');
  const root = tempDir('eval-samples');
  const real = join(root, 'real');
  const repeated = join(root, 'repeated');
  await digitFolder(real, (i) => i, (_, digit) => digit);
  // Test image 0 is a 7; its labels.csv claims classes 0..9 in turn, so a tenth of them are right.
  await digitFolder(repeated, () => 0, (i) => i % 10);
  const a = (await evaluateFolder(real, { referenceN: 1000 })).bands[0];
  const b = (await evaluateFolder(repeated, { referenceN: 1000 })).bands[0];
  assert.equal(a.n, N);
  assert.equal(a.classes.covered, 10);
  assert.ok(a.labels![0].accuracy >= 0.97, `accuracy on real digits ${a.labels![0].accuracy}`);
  assert.equal(b.classes.covered, 1);
  assert.equal(b.labels![0].accuracy, 0.1);
  assert.ok(b.fid.x > 20 * a.fid.x, `FID of one repeated digit ${b.fid.x} against real digits ${a.fid.x}`);
  assert.ok(b.kid.x.mean > 20 * Math.max(a.kid.x.mean, 1e-4), `KID ${b.kid.x.mean} against ${a.kid.x.mean}`);

  const cli = runCli('gan-eval', ['--samples', real, '--json', '--quiet', '--reference-n', '500']);
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(cli.stderr, '', '--quiet: nothing on stderr');
  const json = JSON.parse(cli.stdout) as { samples: string; results: { metrics: { kind: string; n: number; bands: typeof a[] } }[] };
  assert.equal(json.samples, real);
  assert.equal(json.results[0].metrics.kind, 'folder');
  assert.equal(json.results[0].metrics.n, N);
  assert.equal(json.results[0].metrics.bands[0].classes.covered, 10);
  assert.equal(json.results[0].metrics.bands[0].labels![0].accuracy, a.labels![0].accuracy, 'the same images and labels, the same accuracy');
});

test('labels.csv: a header is optional, every image needs its row, labels are class numbers', () => {
  assert.deepEqual(readLabels('file,label\n1.png,3\n0.png,7\n', ['/x/0.png', '/x/1.png']), Int32Array.of(7, 3));
  assert.deepEqual(readLabels('0.png,2\r\n', ['0.png']), Int32Array.of(2));
  assert.throws(() => readLabels('file,label\n0.png,1\n', ['0.png', '1.png']), (e: unknown) => e instanceof UserError && e.message === 'labels.csv has no row for 1.png');
  assert.throws(() => readLabels('file,label\n0.png,seven\n', ['0.png']), (e: unknown) => e instanceof UserError && e.message === "labels.csv line 2: the label must be a class number, got 'seven'");
});

test('progress: a line per task start and end, at most one a second between; --quiet prints nothing', () => {
  const lines: string[] = [];
  let t = 0;
  const meter = progressMeter({ stream: { write: (s: string) => lines.push(s) }, now: () => t });
  meter('features', 0, 100);
  t = 500;
  meter('features', 50, 100);
  t = 1600;
  meter('features', 60, 100);
  meter('features', 100, 100);
  meter('writing', 0, 2);
  assert.deepEqual(lines, ['features 0/100\n', 'features 60/100\n', 'features 100/100\n', 'writing 0/2\n']);
  const tty: string[] = [];
  const onTty = progressMeter({ stream: { write: (s: string) => tty.push(s), isTTY: true }, now: () => 0 });
  onTty('a', 0, 2);
  onTty('a', 2, 2);
  assert.deepEqual(tty, ['\r\x1b[Ka 0/2', '\r\x1b[Ka 2/2\n']);
  const quiet: string[] = [];
  progressMeter({ quiet: true, stream: { write: (s: string) => quiet.push(s) } })('a', 1, 1);
  assert.deepEqual(quiet, []);
});

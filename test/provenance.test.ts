// Provenance on every number: gan-train records the spec hash (one definition, cli/run-dir.ts
// specSha256) in run.json, as a header record of losses.jsonl and metrics.jsonl (once per change
// of spec, module or ganspec; skipped by gan-report's reader and kept by a resume's trimming while
// a record follows it), and as tEXt chunks of every sample grid. gan-train runs in this process
// (cli/train.ts main) on a tiny specs/gan.yaml at batch 8 on wasm.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { main } from '../cli/train';
import { readRun } from '../report/run-files';
import { crc32, encodePng, pngText, readPng } from '../runtime/images/png';
import { trimRecords } from '../runtime/loop/jsonl';
import { tempDir, useBackend } from './helpers';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

const TINY = [
  'networks.G.layers.0.dense.units=8', 'networks.G.layers.3.dense.units=8', 'networks.G.layers.6.dense.units=8',
  'networks.D.layers.1.dense.units=8', 'networks.D.layers.3.dense.units=8', 'preview.every=2', 'checkpoint.every=2',
].flatMap((s) => ['--set', s]);

async function gan(args: string[]): Promise<void> {
  await main(['specs/gan.yaml', '--batch', '8', '--backend', 'wasm', '--no-report', '--quiet', '--eval-every', '2', '--eval-n', '20', ...TINY, ...args], () => {});
}

before(async () => {
  await useBackend('wasm');
});

test("crc32 gives the PNG specification's check value; tEXt chunks written by encodePng read back, the pixels unchanged", async () => {
  assert.equal(crc32(Buffer.from('123456789', 'latin1')), 0xcbf43926);
  const data = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
  const png = await encodePng({ data, width: 2, height: 2, channels: 3 }, { Software: 'ganspec 9.9.9', 'ganspec:specSha256': 'ab'.repeat(32) });
  assert.deepEqual(pngText(png), { Software: 'ganspec 9.9.9', 'ganspec:specSha256': 'ab'.repeat(32) });
  // The chunk sits right after IHDR: length 13 + 12 bytes of framing after the 8-byte signature.
  assert.equal(png.toString('latin1', 33 + 4, 33 + 8), 'tEXt');
  const file = join(tempDir('png-text'), 'x.png');
  writeFileSync(file, png);
  assert.deepEqual(Array.from((await readPng(file)).data), Array.from(data));
  const bad = Buffer.from(png);
  bad[33 + 9] ^= 1;
  assert.throws(() => pngText(bad), /^Error: PNG tEXt chunk at byte 33 has a bad CRC$/);
});

test('trimming a log keeps a provenance header while a kept record follows it', async () => {
  const file = join(tempDir('trim-header'), 'losses.jsonl');
  const a = '{"provenance":{"specSha256":"a","moduleSha256":"m","ganspec":"1"}}';
  const b = '{"provenance":{"specSha256":"b","moduleSha256":"m","ganspec":"1"}}';
  const text = [a, '{"step":1}', '{"step":2}', b, '{"step":3}', '{"step":4}'].join('\n') + '\n';
  writeFileSync(file, text);
  assert.equal(await trimRecords(file, 4), undefined);
  assert.equal(readFileSync(file, 'utf8'), text, 'nothing to drop: unchanged');
  assert.equal(await trimRecords(file, 3), 'losses.jsonl: dropped 1 record after step 3');
  assert.equal(readFileSync(file, 'utf8'), [a, '{"step":1}', '{"step":2}', b, '{"step":3}'].join('\n') + '\n');
  assert.equal(await trimRecords(file, 2), 'losses.jsonl: dropped 1 record after step 2');
  assert.equal(readFileSync(file, 'utf8'), [a, '{"step":1}', '{"step":2}'].join('\n') + '\n');
});

test('gan-train: run.json, the losses.jsonl and metrics.jsonl headers and the grids carry the spec hash; a changed spec on resume adds a header', async () => {
  const dir = join(tempDir('provenance'), 'run');
  await gan(['--steps', '4', '--out', dir]);
  const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { specValues: unknown; specSha256: string; moduleSha256: string };
  const specA = sha(JSON.stringify(run.specValues));
  const moduleA = sha(readFileSync(join(dir, 'gan.mts'), 'utf8'));
  assert.deepEqual([run.specSha256, run.moduleSha256], [specA, moduleA]);
  const headerA = { provenance: { specSha256: specA, moduleSha256: moduleA, ganspec: VERSION } };
  assert.deepEqual(lines(join(dir, 'losses.jsonl')).map((r) => r.provenance ? r : r.step), [headerA, 1, 2, 3, 4]);
  assert.deepEqual(lines(join(dir, 'metrics.jsonl')).map((r) => r.provenance ? r : r.step), [headerA, 0, 2, 4], 'step 0 (untrained) is scored on a fresh run');
  assert.deepEqual(pngText(readFileSync(join(dir, 'samples', 'step-000004.png'))), {
    Software: `ganspec ${VERSION}`, 'ganspec:specSha256': specA, 'ganspec:moduleSha256': moduleA,
  });

  // The same spec: no second header. Another learning rate (--allow-changes): a new one.
  await gan(['--steps', '6', '--out', dir, '--resume']);
  await gan(['--steps', '8', '--out', dir, '--resume', '--allow-changes', '--set', 'schedule.phases.1.optimizer.adam.lr=0.001']);
  const changed = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { specValues: unknown; specSha256: string };
  const specB = sha(JSON.stringify(changed.specValues));
  const moduleB = sha(readFileSync(join(dir, 'gan.mts'), 'utf8'));
  assert.notEqual(specB, specA);
  assert.equal(changed.specSha256, specB);
  const headerB = { provenance: { specSha256: specB, moduleSha256: moduleB, ganspec: VERSION } };
  assert.deepEqual(lines(join(dir, 'losses.jsonl')).map((r) => r.provenance ? r : r.step), [headerA, 1, 2, 3, 4, 5, 6, headerB, 7, 8]);
  assert.deepEqual(lines(join(dir, 'metrics.jsonl')).map((r) => r.provenance ? r : r.step), [headerA, 0, 2, 4, 6, headerB, 8]);
  assert.equal(pngText(readFileSync(join(dir, 'samples', 'step-000008.png')))['ganspec:specSha256'], specB);
  assert.equal(pngText(readFileSync(join(dir, 'samples', 'step-000006.png')))['ganspec:specSha256'], specA);

  // gan-report's reader sees records only.
  const files = readRun(dir);
  assert.deepEqual(files.losses.map((r) => r.step), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(files.metrics.map((m) => m.step), [0, 2, 4, 6, 8]);
  assert.deepEqual(files.problems, []);
});

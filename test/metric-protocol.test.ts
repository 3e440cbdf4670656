// The metric protocol (eval/protocol.ts): gan-eval's JSON records the evaluator weights' hash,
// the samples per band, each reference's split and size and the KID block; two results made under
// different protocols are told apart phrase by phrase, and gan-report's summary table marks such
// a run's metrics and says why instead of setting them silently side by side.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { protocolDifferences, type MetricProtocol } from '../eval/protocol';
import { loadRuns, reportHtml } from '../report';
import { runCli, tempDir } from './helpers';

const HASH = createHash('sha256').update(readFileSync('models/mnist-evaluator/weights.bin')).digest('hex');
const P: MetricProtocol = { evaluatorSha256: HASH, samples: 2000, references: { x: { split: 'test', n: 10000 } }, kidBlock: 1000 };

test('protocolDifferences names each difference of evaluator, samples, references and KID block; none for equal protocols', () => {
  assert.deepEqual(protocolDifferences({ protocol: P }, { protocol: structuredClone(P) }), []);
  assert.deepEqual(protocolDifferences({}, {}), []);
  const other: MetricProtocol = { evaluatorSha256: 'f'.repeat(64), samples: 500, references: { x: { split: 'train', n: 10000 }, y: { split: 'test', n: 100 } }, kidBlock: 250 };
  assert.deepEqual(protocolDifferences({ protocol: P }, { protocol: other }), [
    `evaluator ${HASH.slice(0, 12)} vs evaluator ffffffffffff`,
    '2000 samples vs 500',
    'reference x: 10000 test images vs 10000 train images',
    'reference y: none vs 100 test images',
    'KID block 1000 vs 250',
  ]);
  assert.deepEqual(protocolDifferences({ protocol: P }, {}), ['the second records no protocol (evaluated before ganspec recorded it)']);
});

test("gan-eval's JSON carries the protocol: the evaluator weights' SHA-256, the samples, the reference split and count", () => {
  const out = join(tempDir('protocol-eval'), 'run');
  const tiny = ['networks.G.layers.0.dense.units=8', 'networks.G.layers.3.dense.units=8', 'networks.G.layers.6.dense.units=8', 'networks.D.layers.1.dense.units=8', 'networks.D.layers.3.dense.units=8'];
  const trained = runCli('gan-train', ['specs/gan.yaml', '--steps', '1', '--batch', '8', '--no-report', '--out', out, ...tiny.flatMap((s) => ['--set', s])]);
  assert.equal(trained.status, 0, trained.stderr);
  const r = runCli('gan-eval', [out, '--n', '30', '--reference-n', '200', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { results: { metrics: { protocol: MetricProtocol } }[] };
  assert.deepEqual(report.results.map((x) => x.metrics.protocol), report.results.map(() => ({ evaluatorSha256: HASH, samples: 30, references: { x: { split: 'test', n: 200 } }, kidBlock: 1000 })));
});

function metrics(step: number, protocol: MetricProtocol): object {
  return {
    model: 'gan', step, kind: 'generator', n: protocol.samples, seed: 0, seconds: 1, references: protocol.references, evaluator: { testAccuracy: 0.99 }, protocol,
    bands: [{ band: 'G(z)', role: 'generated', n: protocol.samples, fid: { x: 50 }, kid: { x: { mean: 0.05, std: 0 } }, classes: { histogram: [], covered: 9, entropyBits: 3, inceptionScore: 5 } }],
  };
}

function writeRun(dir: string, name: string, protocol: MetricProtocol): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ name }));
  const header = { provenance: { specSha256: 'a'.repeat(64), moduleSha256: 'b'.repeat(64), ganspec: '0.1.0' } };
  writeFileSync(join(dir, 'losses.jsonl'), [header, { step: 1, D: 1, G: 2 }].map((r) => JSON.stringify(r) + '\n').join(''));
  writeFileSync(join(dir, 'metrics.jsonl'), [header, metrics(1, protocol)].map((r) => JSON.stringify(r) + '\n').join(''));
}

test("gan-report marks the metrics of a run evaluated under another protocol and says how it differs", () => {
  const root = tempDir('protocol-report');
  writeRun(join(root, 'a'), 'gan-a', P);
  writeRun(join(root, 'b'), 'gan-b', P);
  writeRun(join(root, 'c'), 'gan-c', { ...P, samples: 500 });
  const html = reportHtml(loadRuns([join(root, 'a'), join(root, 'b'), join(root, 'c')]), { now: new Date(0) });
  const notes = [...html.matchAll(/<p class="note warn">(.*?)<\/p>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
  assert.deepEqual(notes, ["≠ gan-c's metrics are not comparable with gan-a's: another metric protocol (2000 samples vs 500)."]);
  // The summary's rows, by run: only gan-c's metric cells (FID, KID, classes) carry the mark.
  const rows = html.split('<section id="summary">')[1]!.split('</section>')[0]!.split('<tr').slice(2);
  assert.deepEqual(rows.map((row) => [...row.matchAll(/title="another metric protocol">≠</g)].length), [0, 0, 3]);
});

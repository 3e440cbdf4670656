// gan-report from the command line, and gan-train's report.html: a tiny ring run gets its report
// at every checkpoint; gan-report compares two runs into one file with progress on stderr (none
// with --quiet); a folder that is no run, or a run named twice, is one line and exit 1.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir } from './helpers';

test('gan-train writes report.html; gan-report compares runs; mistakes are one line', () => {
  const dir = tempDir('report-cli');
  const run = join(dir, 'ring');
  const trained = runCli('gan-train', ['specs/ring.yaml', '--steps', '4', '--batch', '16', '--out', run, '--set', 'checkpoint.every=2', '--set', 'preview.every=2']);
  assert.equal(trained.status, 0, trained.stderr);
  const own = readFileSync(join(run, 'report.html'), 'utf8');
  assert.match(own, /<title>ganspec report: ring<\/title>/);
  assert.match(own, /data-chart="loss-D-steps"/);
  assert.match(own, /data-series="ring D raw" data-run="ring" data-points="4"/, 'the last checkpoint (step 4) is in the report');
  assert.match(own, /<th>command line<\/th><td><code>gan-train specs\/ring.yaml --steps 4 --batch 16 --out [^<]+ --set checkpoint.every=2 --set preview.every=2<\/code>/);
  assert.match(own, /<th>spec<\/th><td>[^<]*specs\/ring.yaml <code>--set checkpoint.every=2 --set preview.every=2<\/code>/);

  const other = join(dir, 'ring-copy');
  cpSync(run, other, { recursive: true });
  const out = join(dir, 'compare.html');
  const report = runCli('gan-report', [run, other, '--out', out]);
  assert.equal(report.status, 0, report.stderr);
  assert.equal(report.stdout, `wrote ${out} (${Math.round(readFileSync(out).length / 1024)} KB, 2 runs)\n`);
  assert.match(report.stderr, /^reading runs 1\/2\nreading runs 2\/2\nembedding sample grids 0\/4\nembedding sample grids 4\/4\n$/);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /<title>ganspec report: ring, ring \(ring-copy\)<\/title>/);
  assert.match(html, /The resolved specs are identical\./);

  const quiet = runCli('gan-report', [run, '--quiet']);
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stderr, '');
  assert.ok(existsSync(join(run, 'report.html')));

  const none = runCli('gan-report', [join(dir, 'nothing')]);
  assert.deepEqual([none.status, none.stderr], [1, `gan-report: ${join(dir, 'nothing')} is not a run directory (no run.json, losses.jsonl or events.jsonl)\n`]);
  const twice = runCli('gan-report', [run, `${run}/`]);
  assert.deepEqual([twice.status, twice.stderr], [1, `gan-report: ${run}/ is named twice\n`]);
});

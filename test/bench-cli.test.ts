// gan-bench prints one JSON object per line with the documented fields (no timing assertions:
// benchmarks are never tests). The ring spec is small: three steps take seconds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from './helpers';

test('gan-bench --json prints a JSON line per spec and backend with the documented fields', () => {
  const r = runCli('gan-bench', ['specs/ring.yaml', '--steps', '3', '--warmup', '1', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, r.stdout);
  const row = JSON.parse(lines[0]) as Record<string, unknown>;
  for (const field of ['spec', 'backend', 'batch', 'ms_per_step', 'samples_per_s', 'peak_rss_mb', 'phases', 'tensors_leaked']) {
    assert.ok(field in row, `field ${field} in ${lines[0]}`);
  }
  assert.equal(row.spec, 'ring');
  assert.equal(row.backend, 'wasm');
  assert.match(String(row.backend_line), /^wasm \(tfjs [\d.]+, \d+ threads?, (OpenBLAS \w+ for matrix products|no OpenBLAS: .+|OpenBLAS off .+)\)$/);
  assert.equal(row.batch, 128);
  for (const field of ['ms_per_step', 'samples_per_s', 'peak_rss_mb']) assert.equal(typeof row[field], 'number', field);
  assert.equal(row.tensors_leaked, 0);
  const phases = row.phases as Record<string, { repeat: number; ms: number }>;
  assert.deepEqual(Object.keys(phases), ['D', 'G']);
  for (const p of Object.values(phases)) assert.ok(p.repeat === 1 && typeof p.ms === 'number');
});

test('gan-bench refuses the DCGAN baseline for another spec, naming the reason', () => {
  const r = runCli('gan-bench', ['specs/ring.yaml', '--steps', '1', '--baseline', '--json']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--baseline is Keras-GAN's DCGAN/);
});

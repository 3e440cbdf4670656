// Do two backends train alike? Trains one spec for a few steps from the same seed on each backend
// named (gan-train, one process each, GANSPEC_BACKEND), then prints every step's losses side by
// side and, per loss, the largest difference from the first backend's, absolute and relative to
// its size. The check a new backend (webgpu on a GPU machine) gets against cpu, where no test can
// run it. Imports node only; runs bin/gan-train.js.
//
//   node --import tsx bench/agree.ts specs/dcgan.yaml cpu webgpu [--steps 3] [--batch 4] [--seed 7]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

type Losses = Record<string, number>[];

function train(spec: string, backend: string, steps: string, batch: string, seed: string): Losses {
  const out = mkdtempSync(join(os.tmpdir(), `agree-${backend}-`));
  try {
    const args = ['bin/gan-train.js', spec, '--steps', steps, '--batch', batch, '--seed', seed, '--out', out];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, GANSPEC_BACKEND: backend } });
    if (r.status !== 0) throw new Error(`gan-train on ${backend} exited with ${r.status}: ${r.stderr.trim().split('\n').at(-1)}`);
    console.log(`${backend}: ${/backend: (.*)/.exec(r.stdout)?.[1] ?? '?'}`);
    const records = readFileSync(join(out, 'losses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    return records.filter((r) => typeof r.step === 'number');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { steps: { type: 'string', default: '3' }, batch: { type: 'string', default: '4' }, seed: { type: 'string', default: '7' } },
});
const [spec, ...backends] = positionals;
if (spec === undefined || backends.length < 2) throw new Error('usage: bench/agree.ts SPEC BACKEND BACKEND... [--steps N] [--batch N] [--seed N]');
let runs: Losses[];
try {
  runs = backends.map((b) => train(spec, b, values.steps, values.batch, values.seed));
} catch (e) {
  console.error(`agree: ${(e as Error).message}`);
  process.exit(1);
}
const [first] = runs;
for (const [i, record] of first.entries()) {
  const names = Object.keys(record).filter((k) => k !== 'step');
  console.log(`step ${record.step}: ` + names.map((n) => `${n} ${runs.map((r) => r[i][n].toFixed(6)).join(' | ')}`).join('   '));
}
for (const [b, run] of runs.entries()) {
  if (b === 0) continue;
  const worst: Record<string, { abs: number; rel: number }> = {};
  for (const [i, record] of first.entries()) {
    for (const name of Object.keys(record).filter((k) => k !== 'step')) {
      const abs = Math.abs(run[i][name] - record[name]);
      const w = (worst[name] ??= { abs: 0, rel: 0 });
      w.abs = Math.max(w.abs, abs);
      w.rel = Math.max(w.rel, abs / Math.max(Math.abs(record[name]), 1e-12));
    }
  }
  const said = Object.entries(worst).map(([n, w]) => `${n} ${w.abs.toExponential(2)} (relative ${w.rel.toExponential(1)})`);
  console.log(`${backends[b]} against ${backends[0]}, largest difference: ${said.join(', ')}`);
}

// --weights of gan-sample, gan-eval and gan-export on a run whose spec has an EMA copy G_ema of G
// and a preview of both, G(z) and G_ema(z): by default (ema) G is drawn with G_ema's weights, so
// the G(z) band equals the G_ema(z) band as the spec writes it; raw draws G's trained weights;
// spec draws each band as written. Each command says which weights it drew with.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir } from './helpers';

const SPEC = `
name: tiny-ema
data: { source: mnist, image: [28, 28, 1] }
sample: { z: normal(8) }
networks:
  G:
    inputs: { z: [8] }
    layers:
      - dense: { units: 16 }
      - batchnorm: { momentum: 0.8 }
      - relu
      - dense: { units: 784, activation: tanh }
      - reshape: [28, 28, 1]
  D:
    inputs: { img: image }
    layers: [flatten, { dense: { units: 1, activation: sigmoid } }]
  G_ema: { ema: { of: G, decay: 0.5 } }
losses:
  D: bce(D(x), 1) + bce(D(G(z)), 0)
  G: bce(D(G(z)), 1)
schedule:
  batch: 4
  steps: 3
  phases:
    - { update: D, optimizer: { adam: { lr: 0.01 } } }
    - { update: G, optimizer: { adam: { lr: 0.01 } } }
preview: { every: 100, show: [G(z), G_ema(z)], rows: 2, cols: 2 }
`;

const dir = tempDir('cli-ema');
const run = join(dir, 'run');

function trainOnce(): void {
  if (readdirSync(dir).includes('run')) return;
  writeFileSync(join(dir, 'tiny-ema.yaml'), SPEC);
  const trained = runCli('gan-train', [join(dir, 'tiny-ema.yaml'), '--out', run, '--no-report']);
  assert.equal(trained.status, 0, trained.stderr);
}

/** The PNG files gan-sample wrote into `out`, as bytes. */
function folder(out: string): Buffer[] {
  return readdirSync(out).sort().map((f) => readFileSync(join(out, f)));
}

test('gan-sample --weights: ema draws G(z) with G_ema, raw with G, spec as the preview writes it', () => {
  trainOnce();
  const sample = (name: string, band: string, weights?: string) => {
    const r = runCli('gan-sample', [run, '--format', 'png', '--n', '3', '--band', band, '--out', join(dir, name), '--quiet', ...(weights ? ['--weights', weights] : [])]);
    assert.equal(r.status, 0, r.stderr);
    return { stdout: r.stdout, files: folder(join(dir, name)) };
  };
  const ema = sample('ema-G', 'G(z)');
  assert.match(ema.stdout, /^weights: G_ema for G, the EMA copies \(--weights raw: the trained weights\)$/m);
  const asWritten = sample('spec-G_ema', 'G_ema(z)', 'spec');
  assert.match(asWritten.stdout, /^weights: each band as the preview writes it \(--weights spec\)$/m);
  assert.deepEqual(ema.files, asWritten.files, 'G(z) drawn with the EMA weights is the G_ema(z) band');
  const raw = sample('raw-G', 'G(z)', 'raw');
  assert.match(raw.stdout, /^weights: G for G_ema, the trained weights \(--weights raw\)$/m);
  assert.deepEqual(raw.files, sample('spec-G', 'G(z)', 'spec').files, 'raw draws G(z) with G itself');
  assert.notDeepEqual(raw.files, ema.files, "G's and G_ema's samples differ after 3 steps at decay 0.5");
});

test('gan-export exports the EMA weights under the band\'s network name, and records it; --weights raw the trained ones', () => {
  trainOnce();
  const checkpoint = join(run, 'checkpoints', 'step-000003');
  for (const [weights, copy] of [['ema', 'G_ema'], ['raw', 'G']] as const) {
    const out = join(dir, `web-${weights}`);
    const r = runCli('gan-export', [run, '--out', out, '--no-page', '--weights', weights]);
    assert.equal(r.status, 0, r.stderr);
    const model = JSON.parse(readFileSync(join(out, 'models', 'G', 'model.json'), 'utf8')) as { userDefinedMetadata: { ganspec: { network: string; weights?: string } }; weightsManifest: { paths: string[] }[] };
    assert.equal(model.userDefinedMetadata.ganspec.network, 'G');
    assert.equal(model.userDefinedMetadata.ganspec.weights, weights === 'ema' ? 'G_ema' : undefined);
    const shards = Buffer.concat(model.weightsManifest[0].paths.map((p) => readFileSync(join(out, 'models', 'G', p))));
    assert.deepEqual(shards, readFileSync(join(checkpoint, copy, 'weights.bin')), `the exported G holds the checkpoint's ${copy} weights`);
  }
});

test('gan-eval --weights ema scores both bands with G_ema (equal metrics), --weights spec each as written', () => {
  trainOnce();
  const evaluate = (weights: string) => {
    const r = runCli('gan-eval', [run, '--n', '20', '--reference-n', '20', '--json', '--quiet', '--weights', weights]);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { weights: { choice: string; drawnWith: Record<string, string> }; results: { metrics: { bands: { band: string; fid: Record<string, number> }[] } }[] };
  };
  const ema = evaluate('ema');
  assert.deepEqual(ema.weights, { choice: 'ema', drawnWith: { G: 'G_ema' } });
  const [g, gEma] = ema.results[0].metrics.bands;
  assert.deepEqual([g.band, gEma.band], ['G(z)', 'G_ema(z)']);
  assert.equal(g.fid.x, gEma.fid.x, 'both bands draw with G_ema');
  const spec = evaluate('spec');
  assert.deepEqual(spec.weights, { choice: 'spec', drawnWith: {} });
  assert.equal(spec.results[0].metrics.bands[1].fid.x, gEma.fid.x, 'the G_ema(z) band is the same either way');
  assert.notEqual(spec.results[0].metrics.bands[0].fid.x, g.fid.x, "G(z) as written draws G's own weights");
});

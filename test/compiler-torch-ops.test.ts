// The torch target's layout mapping, checked by value: a spec whose losses reduce an image
// [4, 3, 2] (h, w, c: all sizes distinct, so a wrong axis cannot go unnoticed) along its axes,
// combine per-example and batch-wide reductions with the image, and use onehot, detach and
// normal_like, compiled with --target torch and run in Python: each loss equals the same formula
// computed with plain torch on the image in NHWC (tfjs's axes, numpy broadcasting), and the
// normal_like draw is asked for in NCHW.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { renderDiagnosticLine } from '../compiler/diagnostics';
import { compileToModule } from '../compiler/index';
import { tempDir } from './helpers';
import { runPython, torchTest } from './torch-runtime';

const PROBES: Record<string, { loss: string; nhwc: string }> = {
  // [B, w, c] (tfjs order after the reduction) times [w, c] (batch and h reduced)
  kept: { loss: 'mean(mean(I(z), 1) * mean(I(z), 0, 1))', nhwc: '(i.mean(1) * i.mean((0, 1))).mean()' },
  // an image times its batch mean [h, w, c], its per-channel mean [c] and, per example, its norm
  image: { loss: 'mean(I(z) * mean(I(z), 0)) + mean(I(z) * mean(I(z), 0, 1, 2)) + mean(I(z) * norm(I(z)))', nhwc: '(i * i.mean(0)).mean() + (i * i.mean((0, 1, 2))).mean() + (i * torch.sqrt((i * i).sum((1, 2, 3)) + 1e-12).view(-1, 1, 1, 1)).mean()' },
  // std along w: [B, h, c]
  std: { loss: 'sum(std(I(z), 2) * mean(I(z), 0, 2))', nhwc: '(i.std(2, unbiased=False) * i.mean((0, 2))).sum()' },
  other: { loss: 'mean(onehot(y, 10) * 2) + mean(normal_like(I(z), 0, 1)) + mse(D(detach(I(z))), 0)', nhwc: '0.2 + 1.0 + (d ** 2).mean()' },
};

function spec(): Record<string, unknown> {
  return {
    name: 'ops',
    data: { source: 'mnist', image: [28, 28, 1] },
    sample: { z: 'normal(8)' },
    networks: {
      I: { inputs: { z: [8] }, layers: [{ dense: { units: 24, activation: 'tanh' } }, { reshape: [4, 3, 2] }] },
      D: { inputs: { img: [4, 3, 2] }, layers: ['flatten', { dense: { units: 1 } }] },
      G: { inputs: { z: [8] }, layers: [{ dense: { units: 784, activation: 'tanh' } }, { reshape: [28, 28, 1] }] },
    },
    losses: Object.fromEntries(Object.entries(PROBES).map(([k, v]) => [k, v.loss])),
    schedule: { batch: 3, steps: 1, phases: Object.keys(PROBES).map((k) => ({ name: k, update: k === 'other' ? 'D' : 'I', loss: k, optimizer: { sgd: { lr: 0.1 } } })) },
    preview: { show: ['G(z)'] },
  };
}

torchTest("reductions along an image's axes, broadcasts with it, onehot, detach and normal_like compute tfjs's values in torch", (python) => {
  const dir = tempDir('torch-ops');
  const file = join(dir, 'ops.yaml');
  writeFileSync(file, stringify(spec()));
  const r = compileToModule(file, { target: 'torch' });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map(renderDiagnosticLine), []);
  writeFileSync(join(dir, 'ops.py'), r.text!);
  const script = [
    'import importlib.util, json, sys, torch',
    'import ganspec_torch as gs',
    'spec = importlib.util.spec_from_file_location("m", sys.argv[1]); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
    'model = gs.build(m.TRAINER, 1)',
    'torch.manual_seed(0)',
    'z = torch.randn(3, 8); y = torch.tensor([1, 4, 9])',
    'drawn = []',
    'gs.set_draw_hook(lambda kind, shape, params: drawn.append([kind, shape]) or torch.ones(shape))',
    'with torch.no_grad():',
    '    i = gs.call(model.nets["I"], z, training=False).permute(0, 2, 3, 1)  # NHWC, as tfjs holds it',
    '    d = gs.call(model.nets["D"], i.permute(0, 3, 1, 2), training=True)',
    'out = {"drawn": drawn}',
    'for name, want in json.loads(sys.argv[2]).items():',
    '    fn = getattr(m, "loss_" + name)',
    '    got = fn(model.nets, {"y": y}, {"z": z}).item()',
    '    out[name] = [got, eval(want).item() if torch.is_tensor(eval(want)) else eval(want)]',
    'print(json.dumps(out))',
  ].join('\n');
  const nhwc = Object.fromEntries(Object.entries(PROBES).map(([k, v]) => [k, v.nhwc]));
  const p = runPython(python, ['-c', script, join(dir, 'ops.py'), JSON.stringify(nhwc)]);
  assert.equal(p.status, 0, p.stderr);
  const out = JSON.parse(p.stdout) as Record<string, unknown>;
  for (const name of Object.keys(PROBES)) {
    const [got, want] = out[name] as [number, number];
    assert.ok(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)), `${name}: torch ${got}, NHWC formula ${want}`);
  }
  assert.deepEqual(out.drawn, [['normal', [3, 2, 4, 3]]]);
  // The emitted statements carry the mapping: w (tfjs 2) is torch 3; kept (w, c) are permuted back.
  assert.match(r.text!, /gs\.reduce\("mean", t\d+, \[2\]\)\.permute\(0, 2, 1\)/);
  assert.match(r.text!, /gs\.nchw_operand\(t\d+\)/);
});

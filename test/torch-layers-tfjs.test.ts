// ganspec_torch's conv2d_transpose against tfjs's own conv2dTranspose (no spec in specs/ uses
// one, so the equivalence test does not reach it): for kernels larger than, equal to and smaller
// than the stride, 'same' and 'valid', the same input and kernel (converted by the contract's
// layouts) give the same output shape and values within 1e-6.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from './helpers';
import { runPython, torchTest } from './torch-runtime';

const CASES = [
  [4, 2, 'same'],
  [3, 2, 'same'],
  [3, 2, 'valid'],
  [1, 2, 'same'],
  [1, 3, 'valid'],
  [5, 3, 'same'],
] as const;

torchTest("conv2d_transpose gives tfjs conv2dTranspose's outputs ('same' and 'valid', kernel above, at and below the stride)", async (python) => {
  await useBackend('cpu');
  const cases = CASES.map(([k, s, padding], i) => {
    const layer = tf.layers.conv2dTranspose({ filters: 2, kernelSize: k, strides: s, padding, useBias: false, inputShape: [3, 2, 3] });
    const x = tf.randomNormal([1, 3, 2, 3], 0, 1, 'float32', i + 1);
    const y = layer.apply(x) as tf.Tensor;
    const kernel = layer.getWeights()[0];
    return { k, s, padding, x: Array.from(x.dataSync()), kernel: Array.from(kernel.dataSync()), kshape: kernel.shape, y: Array.from(y.dataSync()), yshape: y.shape };
  });
  const script = [
    'import json, sys, torch',
    'import ganspec_torch as gs',
    'out = []',
    'for d in json.loads(sys.stdin.read()):',
    '    layer = gs.Conv2dTranspose(3, 2, [d["k"]] * 2, [d["s"]] * 2, d["padding"], use_bias=False, name="t")',
    '    with torch.no_grad():',
    '        layer.weight.copy_(torch.tensor(d["kernel"]).reshape(d["kshape"]).permute(3, 2, 0, 1))  # [kh, kw, out, in] -> [in, out, kh, kw]',
    '    y = layer(torch.tensor(d["x"]).reshape(1, 3, 2, 3).permute(0, 3, 1, 2)).permute(0, 2, 3, 1)',
    '    want = torch.tensor(d["y"]).reshape(d["yshape"])',
    '    out.append([list(y.shape), (y - want).abs().max().item() if list(y.shape) == d["yshape"] else None])',
    'print(json.dumps(out))',
  ].join('\n');
  const r = runPython(python, ['-c', script], 60_000, JSON.stringify(cases));
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as [number[], number | null][];
  out.forEach(([shape, diff], i) => {
    const { k, s, padding, yshape } = cases[i];
    assert.deepEqual(shape, yshape, `kernel ${k} stride ${s} ${padding}`);
    assert.ok(diff !== null && diff <= 1e-6, `kernel ${k} stride ${s} ${padding}: max |diff| ${diff}`);
  });
});

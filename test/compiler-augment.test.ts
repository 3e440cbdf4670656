// The `augment` option (compiler/lower/augment.ts): every training call of a listed network in
// the losses gets a DiffAugment statement before each image input, real and generated alike, in
// both phases, and the preview none; a label input is left alone; a listed network never called
// in a loss is warned about (GS117). The golden: specs/dcgan.yaml with augment, its loss and
// preview functions as emitted, exactly. Imports the compiler and the test helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleIR, Stmt } from '../compiler/ir';
import { compileToModule } from '../compiler/index';
import { contextOf, lines, through } from './unit-helpers';
import { tempDir } from './helpers';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const show = (s: Stmt): string => {
  switch (s.op) {
    case 'input':
      return `${s.id} = ${s.source}.${s.name}`;
    case 'apply':
      return `${s.id} = ${s.net}(${s.args.join(', ')})${s.training ? '' : ' not training'}`;
    case 'augment':
      return `${s.id} = augment(${s.arg}, ${s.policy.join(' ')})`;
    case 'loss':
      return `${s.id} = ${s.fn}(${s.args.map((a) => ('ref' in a ? a.ref : a.num)).join(', ')})`;
    default:
      return `${s.id} = ${s.op}`;
  }
};
const stmts = (ir: ModuleIR, phase: string): string[] => ir.phases.find((p) => p.name === phase)!.stmts.map(show);
const augmentDiagnostics = (ctx: ReturnType<typeof contextOf>) => lines(ctx.report.all.filter((d) => /^GS11[567]$/.test(d.code)));

test('augment goes before every training call of D, on real and generated images, in both phases; the preview has none', () => {
  const ctx = contextOf({ augment: { policy: ['translation', 'cutout'], networks: ['D'] } });
  const { ir } = through(ctx, 'lower');
  assert.deepEqual(lines(ctx.report.all), []);
  assert.deepEqual(stmts(ir, 'D'), [
    't0 = real.x', 'a0 = augment(t0, translation cutout)', 't1 = D(a0)', 't2 = bce(t1, 1)',
    't3 = sampled.z', 't4 = G(t3)', 'a1 = augment(t4, translation cutout)', 't5 = D(a1)', 't6 = bce(t5, 0)', 't7 = binary',
  ]);
  assert.deepEqual(stmts(ir, 'G'), ['t0 = sampled.z', 't1 = G(t0)', 'a0 = augment(t1, translation cutout)', 't2 = D(a0)', 't3 = bce(t2, 1)']);
  assert.deepEqual(ir.preview.stmts.map(show), ['t0 = sampled.z', 't1 = G(t0) not training']);
  // The result and the inputs a phase reads are unchanged.
  assert.deepEqual([ir.phases[0]!.result, ir.phases[0]!.real, ir.phases[0]!.sampled], ['t7', ['x'], ['z']]);
});

test('a conditional D: only its image input is augmented, not its label', () => {
  const ctx = contextOf({
    sample: { c: 'label(10)' },
    networks: { D: { inputs: { img: 'image', c: 'label' }, layers: [{ from: 'img', flatten: null }, { dense: { units: 1, activation: 'sigmoid' } }] } },
    losses: { D: 'bce(D(x, y), 1)', G: 'bce(D(G(z), c), 1)' },
    augment: { policy: ['color'], networks: ['D'] },
  });
  const { ir } = through(ctx, 'lower');
  assert.deepEqual(lines(ctx.report.all), []);
  assert.deepEqual(stmts(ir, 'D'), ['t0 = real.x', 't1 = real.y', 't2 = column', 'a0 = augment(t0, color)', 't3 = D(a0, t2)', 't4 = bce(t3, 1)']);
});

test('GS117: a listed network no loss calls gets a warning, not an error', () => {
  const ctx = contextOf({
    networks: { D2: { inputs: { img: 'image' }, layers: ['flatten', { dense: { units: 1 } }] } },
    augment: { policy: ['cutout'], networks: ['D', 'D2'] },
  });
  through(ctx, 'lower');
  assert.deepEqual(augmentDiagnostics(ctx), ['GS117 /augment/networks/1: no loss calls D2, so augment changes nothing for it (augment applies to D2(...) in the losses)']);
  assert.equal(ctx.report.all.find((d) => d.code === 'GS117')!.severity, 'warning');
  assert.equal(ctx.report.hasErrors, false);
});

test('the schema refuses an unknown policy and a missing networks list', () => {
  const bad = compileToModule(writeSpec('bad-policy', 'augment: { policy: [rotate] }'), { format: false });
  assert.deepEqual(bad.diagnostics.map((d) => `${d.code} ${d.pointer}: ${d.message}`).sort(), [
    "GS003 /augment: missing key 'networks'",
    "GS006 /augment/policy/0: unknown value 'rotate'",
  ].sort());
});

const dir = tempDir('compiler-augment');
function writeSpec(name: string, extra: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `extends: ${resolve('specs/dcgan.yaml')}\nname: ${name}\n${extra}\n`);
  return file;
}

test('golden: DCGAN with augment: [color, translation, cutout] on D emits these loss and preview functions', () => {
  const compiled = compileToModule(writeSpec('dcgan-aug', 'augment: { policy: [color, translation, cutout], networks: [D] }'));
  assert.deepEqual(compiled.diagnostics, []);
  const text = compiled.text!;
  const from = text.indexOf('export function lossD');
  const to = text.indexOf('/** Everything the runtime needs');
  const body = text.slice(from, to).replace(/\(.*dcgan-aug\.yaml#/g, '(dcgan-aug.yaml#');
  assert.equal(body, `export function lossD(nets: Networks, real: RealBatch, sampled: Sampled): tf.Scalar {
  const t0 = real.x; // x
  const a0 = gs.diffAugment(t0, ["color", "translation", "cutout"]); // augment(x)
  const t1 = nets.D.apply(a0, { training: true }) as tf.Tensor; // D(augment(x))
  const t2 = gs.bce(t1, 1); // bce(D(augment(x)), 1)
  const t3 = sampled.z; // z
  const t4 = nets.G.apply(t3, { training: true }) as tf.Tensor; // G(z)
  const a1 = gs.diffAugment(t4, ["color", "translation", "cutout"]); // augment(G(z))
  const t5 = nets.D.apply(a1, { training: true }) as tf.Tensor; // D(augment(G(z)))
  const t6 = gs.bce(t5, 0); // bce(D(augment(G(z))), 0)
  const t7 = tf.add(t2, t6); // (bce(D(augment(x)), 1) + bce(D(augment(G(z))), 0))
  const t8 = tf.mul(0.5, t7); // (0.5 * (bce(D(augment(x)), 1) + bce(D(augment(G(z))), 0)))
  return gs.asScalar(t8);
}

/** Loss G (dcgan-aug.yaml#/losses/G): bce(D(G(z)), 1) */
export function lossG(nets: Networks, _real: RealBatch, sampled: Sampled): tf.Scalar {
  const t0 = sampled.z; // z
  const t1 = nets.G.apply(t0, { training: true }) as tf.Tensor; // G(z)
  const a0 = gs.diffAugment(t1, ["color", "translation", "cutout"]); // augment(G(z))
  const t2 = nets.D.apply(a0, { training: true }) as tf.Tensor; // D(augment(G(z)))
  const t3 = gs.bce(t2, 1); // bce(D(augment(G(z))), 1)
  return t3;
}

/** The sample grid: each band is one row expression (dcgan-aug.yaml#/preview). */
export function preview(nets: Networks, _real: RealBatch, sampled: Sampled): tf.Tensor[] {
  const t0 = sampled.z; // z
  const t1 = nets.G.apply(t0, { training: false }) as tf.Tensor; // G(z)
  return [t1];
}

`);
  assert.doesNotMatch(text.slice(text.indexOf('export function preview')), /diffAugment/);
});

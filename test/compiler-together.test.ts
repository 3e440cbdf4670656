// Which calls of one network a tfjs loss makes as one batch (compiler/emit/together.ts), and the
// order of the statements around them. Statements and networks built by hand as IR, one condition
// at a time; the batched call itself is checked against separate calls in test/ops-together.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callsTogether, type Row } from '../compiler/emit/together';
import { renderTogether } from '../compiler/emit/statements';
import type { LayerIR, NetworkIR, Stmt } from '../compiler/ir';
import { operands } from '../compiler/lower/reach';

function net(name: string, factories: string[] = ['conv2d', 'leakyReLU', 'dropout', 'flatten', 'dense']): NetworkIR {
  const layers: LayerIR[] = factories.map((factory, i) => ({ variable: `l${i}`, layerName: `${name}_l${i}`, namespace: 'tf.layers', factory, config: {}, inputs: [i === 0 ? 'x' : `l${i - 1}`], shape: [], pointer: '', label: '' }));
  return { name, pointer: '', inputs: [{ name: 'x', variable: 'x', shape: [4], dtype: 'float32' }], layers, outputs: [{ name: '', variable: `l${layers.length - 1}`, shape: [1] }], headLayers: {} };
}

const input = (id: string, source: 'real' | 'sampled', name: string): Stmt => ({ id, op: 'input', source, name });
const apply = (id: string, n: string, args: string[], training = true): Stmt => ({ id, op: 'apply', net: n, args, training, heads: 1 });
const mean = (id: string, arg: string): Stmt => ({ id, op: 'reduce', fn: 'mean', arg });
const sub = (id: string, a: string, b: string): Stmt => ({ id, op: 'binary', fn: 'sub', a: { ref: a }, b: { ref: b } });

/** mean(D(G(z))) - mean(D(x)), as the lowering writes it. */
const CRITIC: Stmt[] = [input('t0', 'sampled', 'z'), apply('t1', 'G', ['t0']), apply('t2', 'D', ['t1']), mean('t3', 't2'), input('t4', 'real', 'x'), apply('t5', 'D', ['t4']), mean('t6', 't5'), sub('t7', 't3', 't6')];

/** Each row as text: a statement's id, or the ids of the calls made together in brackets. */
const shape = (rows: Row[]): string[] => rows.map((r) => ('stmt' in r ? r.stmt.id : `[${r.together.members.map((m) => m.id).join(' ')}]`));

/** Every statement once, each after everything it reads. */
function assertOrdered(rows: Row[], stmts: Stmt[]): void {
  const done = new Set<string>();
  for (const r of rows) {
    const ss = 'stmt' in r ? [r.stmt] : r.together.members;
    for (const s of ss) for (const o of operands(s)) assert.ok(done.has(o), `${s.id} reads ${o} before it is computed`);
    for (const s of ss) done.add(s.id);
  }
  assert.deepEqual([...done].sort(), stmts.map((s) => s.id).sort());
}

test("a critic's calls on fakes and on reals are made as one batch, after both inputs and before what reads them", () => {
  const rows = callsTogether(CRITIC, [net('G'), net('D')]);
  assert.deepEqual(shape(rows), ['t0', 't1', 't4', '[t2 t5]', 't3', 't6', 't7']);
  assertOrdered(rows, CRITIC);
  const t = rows.flatMap((r) => ('together' in r ? [r.together] : []))[0];
  assert.equal(renderTogether(t), 'gs.applyTogether(nets.D, [t1, t4], { training: true })');
});

test('no batch is shared by a network with batch norm or spectral norm, whose calls depend on the batch', () => {
  for (const coupled of ['batchNormalization', 'spectralNorm']) {
    const rows = callsTogether(CRITIC, [net('G'), net('D', ['conv2d', coupled, 'flatten', 'dense'])]);
    assert.deepEqual(shape(rows), CRITIC.map((s) => s.id), coupled);
  }
});

test('calls in different training modes, or of different networks, stay apart', () => {
  const modes = CRITIC.map((s) => (s.id === 't5' ? apply('t5', 'D', ['t4'], false) : s));
  assert.deepEqual(shape(callsTogether(modes, [net('G'), net('D')])), modes.map((s) => s.id));
  const two = CRITIC.map((s) => (s.id === 't5' ? apply('t5', 'E', ['t4']) : s));
  assert.deepEqual(shape(callsTogether(two, [net('G'), net('D'), net('E')])), two.map((s) => s.id));
});

test('a call that reads another call of the same network is not made with it', () => {
  const stmts = [input('t0', 'real', 'x'), apply('t1', 'F', ['t0']), apply('t2', 'F', ['t1']), sub('t3', 't1', 't2')];
  assert.deepEqual(shape(callsTogether(stmts, [net('F')])), ['t0', 't1', 't2', 't3']);
});

test('two groups that would wait on each other keep one call apart (cycle consistency)', () => {
  // B(b), A(a), B(A(a)), A(B(b)): A(B(b)) joining A(a) would need B's batch before A's and A's before B's.
  const stmts = [input('t0', 'real', 'b'), apply('t1', 'B', ['t0']), input('t2', 'real', 'a'), apply('t3', 'A', ['t2']), apply('t4', 'B', ['t3']), apply('t5', 'A', ['t1']), sub('t6', 't4', 't5')];
  const rows = callsTogether(stmts, [net('A'), net('B')]);
  assert.deepEqual(shape(rows), ['t0', 't2', 't3', '[t1 t4]', 't5', 't6']);
  assertOrdered(rows, stmts);
});

test('three calls share one batch; a network of two inputs passes each call its list, one of two heads calls the Heads form', () => {
  const three = [input('t0', 'real', 'x'), input('t1', 'sampled', 'z'), apply('t2', 'D', ['t0']), apply('t3', 'D', ['t1']), apply('t4', 'D', ['t0'], true), sub('t5', 't2', 't3')];
  // t4 repeats t2 (the lowering shares such calls; built by hand here, it is a third call).
  assert.deepEqual(shape(callsTogether(three, [net('D')])), ['t0', 't1', '[t2 t3 t4]', 't5']);
  const pair: Stmt[] = [input('t0', 'real', 'x'), input('t1', 'real', 'y'), input('t2', 'sampled', 'z'), { id: 't3', op: 'apply', net: 'D', args: ['t0', 't1'], training: true, heads: 2 }, { id: 't4', op: 'apply', net: 'D', args: ['t2', 't1'], training: true, heads: 2 }];
  const t = callsTogether(pair, [net('D')]).flatMap((r) => ('together' in r ? [r.together] : []))[0];
  assert.equal(renderTogether(t), 'gs.applyTogetherHeads(nets.D, [[t0, t1], [t2, t1]], { training: true })');
});

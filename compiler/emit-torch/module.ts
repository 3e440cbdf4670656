// Stage 6, emit for the torch target: renders a module's IR (the same IR as the tfjs target) as
// one Python module through templates/module.py.hbs: an nn.Module per network, a loss function
// per phase, the preview function and the trainer as typed data (ganspec_torch's dataclasses).
// This file only turns IR values into quoted Python fragments; the template lays them out and
// decides nothing. Imports the IR, the tfjs emitter's statement texts and this folder.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { ModuleIR, OptimizerIR, Stmt } from '../ir';
import { describeStmts } from '../emit/statements';
import { sampleText } from '../lower/samples';
import { layerCall } from './layers';
import { foldedUpsamplings, upsampledConvolutions } from '../emit/fold';
import { statementRanks } from './layout';
import { tfjsLayerOrder } from './order';
import { pyComment, pyDoc, pyFloat, pyIdent, pyLit, pyStr } from './quote';
import { stmtLines } from './statements';

const template = Handlebars.compile(readFileSync(new URL('./templates/module.py.hbs', import.meta.url), 'utf8'), { noEscape: true, strict: true });

const INDENT = '    ';

function statements(ir: ModuleIR, stmts: Stmt[]): string[] {
  return stmtLines(stmts, { ranks: statementRanks(ir, stmts), text: describeStmts(stmts) }, INDENT);
}

/** `gs.OptimizerSettings(kind="adam", lr=0.0002, ...)`: floats as floats, absent fields left out. */
function optimizerSettings(o: OptimizerIR): string {
  const fields: [string, string | undefined][] = [
    ['kind', pyStr(o.kind)],
    ['lr', pyFloat(o.lr)],
    ['beta1', o.beta1 === undefined ? undefined : pyFloat(o.beta1)],
    ['beta2', o.beta2 === undefined ? undefined : pyFloat(o.beta2)],
    ['rho', o.rho === undefined ? undefined : pyFloat(o.rho)],
    ['momentum', o.momentum === undefined ? undefined : pyFloat(o.momentum)],
    ['epsilon', o.epsilon === undefined ? undefined : pyFloat(o.epsilon)],
    ['decay', o.decay === undefined ? undefined : `gs.LinearDecay(kind=${pyStr(o.decay.kind)}, start=${pyLit(o.decay.start)}, end=${pyLit(o.decay.end)})`],
  ];
  return `gs.OptimizerSettings(${fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join(', ')})`;
}

function networkView(n: ModuleIR['networks'][number]) {
  const shapes = new Map<string, number[]>([...n.inputs.map((i) => [i.variable, i.shape] as [string, number[]]), ...n.layers.map((l) => [l.variable, l.shape] as [string, number[]])]);
  const byVariable = new Map(n.layers.map((l) => [l.variable, l]));
  const ordered = tfjsLayerOrder(n).flatMap((v) => byVariable.get(v) ?? []);
  const folds = upsampledConvolutions(n);
  const folded = foldedUpsamplings(folds);
  return {
    name: pyIdent(n.name),
    key: pyStr(n.name),
    pointer: pyDoc(n.pointer),
    layers: ordered.map((l) => ({
      variable: pyIdent(l.variable),
      call: layerCall(l, l.inputs.map((i) => shapes.get(i)!)),
      comment: pyComment(`${l.pointer}: ${l.label} -> [${l.shape.join(', ')}]`),
    })),
    params: n.inputs.map((i) => `${pyIdent(i.variable)}: Tensor`).join(', '),
    returns: n.outputs.length === 1 ? 'Tensor' : `tuple[${n.outputs.map(() => 'Tensor').join(', ')}]`,
    forward: n.layers.flatMap((l) => {
      const up = folds.get(l.variable);
      if (up !== undefined) return [`${pyIdent(l.variable)} = self.${pyIdent(l.variable)}.forward_upsampled(${pyIdent(up.inputs[0]!)})  # ${pyComment(`${pyIdent(up.variable)} (nearest x2) folded in: one convolution per output phase, at ${pyIdent(up.inputs[0]!)}'s resolution`)}`];
      return folded.has(l.variable) ? [] : [`${pyIdent(l.variable)} = self.${pyIdent(l.variable)}(${l.inputs.map(pyIdent).join(', ')})`];
    }),
    result: n.outputs.length === 1 ? pyIdent(n.outputs[0].variable) : `(${n.outputs.map((o) => pyIdent(o.variable)).join(', ')})`,
  };
}

/** A loss's value: the loss functions and the penalty give one number; other results are checked (gs.as_scalar). */
function scalarResult(stmts: Stmt[], result: string): string {
  const op = stmts.find((s) => s.id === result)!.op;
  return op === 'loss' || op === 'penalty' ? pyIdent(result) : `gs.as_scalar(${pyIdent(result)})`;
}

export function emitTorchModule(ir: ModuleIR): string {
  const view = {
    source: pyComment(ir.source),
    title: pyDoc(`${ir.name}${ir.description ? `: ${ir.description}` : ''}.${ir.paper ? ` Paper: ${ir.paper}` : ''}`),
    batch: pyLit(ir.batch),
    steps: pyLit(ir.steps),
    networks: ir.networks.map((n) => networkView(n)),
    phases: ir.phases.map((p) => ({
      key: pyStr(p.name),
      nameLit: pyStr(p.name),
      settings: `gs.PhaseSettings(repeat=${pyLit(p.repeat)}, clip=${p.clip === null ? 'None' : pyFloat(p.clip)}, optimizer=${optimizerSettings(p.optimizer)})`,
      fn: pyIdent(`loss_${p.name}`),
      lossName: pyDoc(p.loss.name),
      lossPointer: pyDoc(p.loss.pointer),
      lossText: pyDoc(p.loss.text),
      lines: statements(ir, p.stmts),
      result: scalarResult(p.stmts, p.result),
      optimizerName: pyStr(p.optimizerName),
      updates: `[${p.updates.map((u) => `gs.Update(net=${pyStr(u.net)}, layers=${u.head === undefined ? 'None' : pyLit(ir.networks.find((n) => n.name === u.net)!.headLayers[u.head] ?? [])})`).join(', ')}]`,
      realNames: pyLit(p.real),
      sampledNames: pyLit(p.sampled),
    })),
    preview: { lines: statements(ir, ir.preview.stmts), results: ir.preview.bands.map((b) => pyIdent(b.result)).join(', ') },
    nameLit: pyStr(ir.name),
    sourceLit: pyStr(ir.source),
    paperLit: pyStr(ir.paper),
    data: pyLit(ir.data),
    real: ir.real.map((r) => `gs.RealInput(name=${pyStr(r.name)}, shape=${pyLit(r.shape)}, dtype=${pyStr(r.dtype)})`),
    samples: ir.samples.map((s) => {
      const common = `name=${pyStr(s.name)}, kind=${pyStr(s.kind)}, size=${pyLit(s.size)}, shape=${pyLit(s.shape)}`;
      const extra = s.kind === 'normal' ? `, mean=${pyFloat(s.mean)}, std=${pyFloat(s.std)}` : s.kind === 'uniform' ? `, low=${pyFloat(s.low)}, high=${pyFloat(s.high)}` : '';
      return { value: `gs.Sample(${common}${extra})`, comment: pyComment(sampleText(s)) };
    }),
    ema: ir.ema.map((e) => ({
      value: `gs.Ema(name=${pyStr(e.name)}, of=${pyStr(e.of)}, decay=${pyFloat(e.decay)}, start=${pyLit(e.start)})`,
      comment: pyComment(`${e.name}: the moving average of ${e.of}'s weights, decay ${e.decay}, from step ${e.start}`),
    })),
    previewSettings: {
      every: pyLit(ir.preview.every),
      rows: pyLit(ir.preview.rows),
      cols: pyLit(ir.preview.cols),
      perRow: pyLit(ir.preview.perRow),
      perCol: pyLit(ir.preview.perCol),
      bands: ir.preview.bands.map((b) => `gs.PreviewBand(text=${pyStr(b.text)}, real=${pyLit(b.real)}, sampled=${pyLit(b.sampled)}, depth=${pyLit(b.depth)})`),
      real: pyLit(ir.preview.real),
      sampled: pyLit(ir.preview.sampled),
    },
    checkpoint: `gs.CheckpointSettings(every=${pyLit(ir.checkpoint.every)}, keep=${pyLit(ir.checkpoint.keep)})`,
  };
  return template(view);
}

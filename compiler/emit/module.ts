// Stage 6, emit: renders a module's IR through the handlebars template. This file only turns
// IR values into quoted TypeScript fragments; the template lays them out and decides nothing.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { ModuleIR, NetworkIR, Stmt } from '../ir';
import { commentText, ident, key, lit, member } from './quote';
import { sampleText } from '../lower/samples';
import { describeStmts, renderStmt, renderTogether, stmtComment } from './statements';
import { foldedUpsamplings, upsampledConvolutions } from './fold';
import { callsTogether } from './together';

const template = Handlebars.compile(readFileSync(new URL('./templates/module.hbs', import.meta.url), 'utf8'), {
  noEscape: true,
  strict: true,
});

const tensorType = (rank: number): string => (rank >= 1 && rank <= 4 ? `tf.Tensor${rank}D` : 'tf.Tensor');

/** With `networks`, a loss's calls of one network that can share a batch are made as one (emit/together.ts). */
function statements(stmts: Stmt[], params: { real: string; sampled: string }, networks?: NetworkIR[]) {
  const text = describeStmts(stmts);
  const row = (s: Stmt) => ({ id: ident(s.id), code: renderStmt(s, params, { indent: '  ', text }), comment: stmtComment(text.get(s.id)!) });
  if (networks === undefined) return stmts.map(row);
  return callsTogether(stmts, networks).flatMap((r) => {
    if ('stmt' in r) return [row(r.stmt)];
    const t = r.together;
    const texts = t.members.map((m) => text.get(m.id)!);
    return [
      { id: ident(t.id), code: renderTogether(t), comment: stmtComment(`${texts.join(', ')} as one batch`) },
      ...t.members.map((m, i) => ({ id: ident(m.id), code: `${ident(t.id)}[${i}]`, comment: stmtComment(texts[i]) })),
    ];
  });
}

/** `real` or `_real` when the function does not read it (strict TypeScript rejects unused names). */
function params(real: string[], sampled: string[]) {
  return { real: real.length > 0 ? 'real' : '_real', sampled: sampled.length > 0 ? 'sampled' : '_sampled' };
}

/** The package generated code imports the runtime from, so a module runs wherever it is written. */
export const RUNTIME_MODULE = 'ganspec/runtime';

export function emitModule(ir: ModuleIR): string {
  const view = {
    source: commentText(ir.source),
    title: commentText(`${ir.name}${ir.description ? `: ${ir.description}` : ''}`),
    paper: commentText(ir.paper),
    runtime: lit(RUNTIME_MODULE),
    batch: lit(ir.batch),
    steps: lit(ir.steps),
    real: ir.real.map((x) => ({ name: ident(x.name), type: tensorType(x.shape.length + 1) })),
    samples: ir.samples.map((s) => ({
      name: ident(s.name),
      type: tensorType(s.shape.length + 1),
      comment: commentText(sampleText(s)),
    })),
    networks: ir.networks.map((n) => ({
      name: ident(n.name),
      pointer: commentText(n.pointer),
      modelName: lit(n.name),
      inputs: n.inputs.map((i) => ({ variable: ident(i.variable), shape: lit(i.shape), dtype: lit(i.dtype), layerName: lit(`${n.name}_${i.name}`) })),
      layers: layers(n),
      inputList: `[${n.inputs.map((i) => ident(i.variable)).join(', ')}]`,
      outputList: n.outputs.length === 1 ? ident(n.outputs[0].variable) : `[${n.outputs.map((o) => ident(o.variable)).join(', ')}]`,
    })),
    phases: ir.phases.map((p) => {
      const names = params(p.real, p.sampled);
      return {
        key: key(p.name),
        settingsRef: `hyperparameters.phases${member(p.name)}`,
        nameLit: lit(p.name),
        fn: `loss${ident(p.name)}`,
        settings: lit({ repeat: p.repeat, clip: p.clip, optimizer: p.optimizer }),
        lossName: commentText(p.loss.name),
        lossPointer: commentText(p.loss.pointer),
        lossText: commentText(p.loss.text),
        realParam: names.real,
        sampledParam: names.sampled,
        stmts: statements(p.stmts, names, ir.networks),
        result: scalarResult(p.stmts, p.result),
        optimizerName: lit(p.optimizerName),
        updates: lit(p.updates.map((u) => (u.head === undefined ? { net: u.net } : { net: u.net, layers: headLayers(ir, u.net, u.head) }))),
        realNames: lit(p.real),
        sampledNames: lit(p.sampled),
      };
    }),
    preview: (() => {
      const names = params(ir.preview.real, ir.preview.sampled);
      return {
        realParam: names.real,
        sampledParam: names.sampled,
        stmts: statements(ir.preview.stmts, names),
        results: ir.preview.bands.map((b) => ident(b.result)).join(', '),
      };
    })(),
    nameLit: lit(ir.name),
    sourceLit: lit(ir.source),
    paperLit: lit(ir.paper),
    data: lit(ir.data),
    realList: lit(ir.real),
    sampleList: lit(ir.samples),
    previewSettings: {
      every: lit(ir.preview.every),
      rows: lit(ir.preview.rows),
      cols: lit(ir.preview.cols),
      perRow: lit(ir.preview.perRow),
      perCol: lit(ir.preview.perCol),
      bands: ir.preview.bands.map((b) => lit({ text: b.text, real: b.real, sampled: b.sampled, depth: b.depth })),
      real: lit(ir.preview.real),
      sampled: lit(ir.preview.sampled),
    },
    checkpoint: lit(ir.checkpoint),
    ema: ir.ema.map((e) => ({ value: lit(e), comment: commentText(`${e.name}: the moving average of ${e.of}'s weights, decay ${e.decay}, from step ${e.start}`) })),
  };
  return template(view);
}

/** A network's layers as the template writes them: a folded upsampling and conv2d pair as gs.upsampledConv2d. */
function layers(n: NetworkIR) {
  const folds = upsampledConvolutions(n);
  const folded = foldedUpsamplings(folds);
  return n.layers
    .filter((l) => !folded.has(l.variable))
    .map((l) => {
      const up = folds.get(l.variable);
      const inputs = up === undefined ? l.inputs : up.inputs;
      const what = `${l.pointer}: ${l.label} -> [${l.shape.join(', ')}]`;
      return {
        variable: ident(l.variable),
        factory: up === undefined ? `${l.namespace}.${ident(l.factory)}` : 'gs.upsampledConv2d',
        config: lit(up === undefined ? { ...l.config, name: l.layerName } : { ...l.config, upsampling: { name: up.layerName }, name: l.layerName }),
        inputs: inputs.length === 1 ? ident(inputs[0]) : `[${inputs.map(ident).join(', ')}]`,
        comment: commentText(up === undefined ? what : `${up.pointer}: ${up.label}, folded into ${what}`),
      };
    });
}

/** A loss's value: the loss functions and the penalty are typed scalars; other results are checked. */
function scalarResult(stmts: Stmt[], result: string): string {
  const op = stmts.find((s) => s.id === result)!.op;
  return op === 'loss' || op === 'penalty' ? ident(result) : `gs.asScalar(${ident(result)})`;
}

function headLayers(ir: ModuleIR, net: string, head: string): string[] {
  return ir.networks.find((n) => n.name === net)!.headLayers[head] ?? [];
}

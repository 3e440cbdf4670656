// Stage 5, lower: turns the checked spec into the IR of one trainer module: networks as tfjs
// layer graphs, each phase's loss and the preview as straight-line statements, and the data,
// random inputs, optimizers and intervals as plain values.
import { DATA_SOURCES, realInputNames } from '../../contract/data';
import type { CheckedNetwork } from '../check/networks';
import { LAYER_KINDS } from '../vocabulary/layers';
import type { Expr } from '../expr/ast';
import { isExprError, parseExpr } from '../expr/parse';
import type { LayerIR, ModuleIR, NetworkIR, OptimizerIR, PhaseIR, RealInputIR, SampleIR } from '../ir';
import { join } from '../pointer';
import type { Resolved } from '../resolve';
import { closest } from '../suggest';
import { type Env, ExprError, ExprLowering, StmtBuilder, type Ty } from './expressions';

/** Reports a problem at a pointer, or at a character offset inside the expression there. */
export type Report = (pointer: string, message: string, hint?: string, code?: string, at?: number) => void;

const SAMPLE_FORM = /^\s*(normal|uniform|label|categorical)\s*\(\s*([0-9]+)\s*\)\s*$/;

function realInputs(r: Resolved): RealInputIR[] {
  return realInputNames(r.data).map((name) =>
    name === 'y' ? { name, shape: [], dtype: 'int32' as const } : { name, shape: [...r.data.image], dtype: 'float32' as const },
  );
}

function samples(r: Resolved, report: Report): SampleIR[] {
  return Object.entries(r.spec.sample ?? {}).flatMap(([name, form]) => {
    const m = SAMPLE_FORM.exec(form);
    if (!m || Number(m[2]) < 1) {
      report(join('/sample', name), `cannot read '${form}'`, 'one of normal(N), uniform(N), label(K), categorical(K) with N, K >= 1', 'GS120');
      return [];
    }
    return [{ name, kind: m[1] as SampleIR['kind'], size: Number(m[2]) }];
  });
}

function sampleType(s: SampleIR): Ty & { t: 'tensor' } {
  if (s.kind === 'label') return { t: 'tensor', shape: [], dtype: 'int32', classes: s.size };
  return { t: 'tensor', shape: [s.size], dtype: 'float32' };
}

function realType(x: RealInputIR, r: Resolved): Ty & { t: 'tensor' } {
  const classes = DATA_SOURCES[r.data.source].classes ?? undefined;
  return x.dtype === 'int32' ? { t: 'tensor', shape: [], dtype: 'int32', classes } : { t: 'tensor', shape: x.shape, dtype: 'float32' };
}

function lowerNetwork(net: CheckedNetwork): NetworkIR {
  const variables = new Map<string, string>();
  const inputs = net.inputs.map((i) => {
    const variable = `in_${i.name}`;
    variables.set(i.name, variable);
    return { name: i.name, variable, shape: i.shape, dtype: i.kind === 'label' ? ('int32' as const) : ('float32' as const) };
  });
  const layers: LayerIR[] = [];
  // No prototype: a head may be named like an Object method (toString).
  const headLayers: Record<string, string[]> = Object.create(null);
  for (const node of net.layers) {
    const tfLayers = LAYER_KINDS[node.kind].tf(node.args);
    let from = node.from.map((f) => variables.get(f)!);
    tfLayers.forEach((t, k) => {
      const suffix = k === 0 ? '' : `_${t.factory}`;
      const variable = `h_${node.id}${suffix}`;
      const layerName = `${net.name}_${node.id}${suffix}`;
      layers.push({
        variable,
        layerName,
        namespace: t.namespace,
        factory: t.factory,
        config: t.config,
        inputs: from,
        shape: net.types.get(node.id)!.shape,
        pointer: node.pointer,
        label: node.args === null || node.args === undefined ? node.kind : `${node.kind} ${JSON.stringify(node.args)}`,
      });
      if (node.head) (headLayers[node.head] ??= []).push(layerName);
      from = [variable];
    });
    variables.set(node.id, from[0]);
  }
  return {
    name: net.name,
    pointer: net.pointer,
    inputs,
    layers,
    outputs: net.heads.map((h) => ({ name: h.name, variable: variables.get(h.ref)!, shape: h.type.shape })),
    headLayers,
  };
}

function optimizer(spec: Resolved['phases'][number]['optimizer']): OptimizerIR {
  if (spec.adam) return { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7, ...spec.adam };
  if (spec.rmsprop) return { kind: 'rmsprop', rho: 0.9, momentum: 0, epsilon: 1e-7, ...spec.rmsprop };
  return { kind: 'sgd', lr: spec.sgd!.lr };
}

/** Expression text quoted in a message: one line, whatever line breaks the spec wrote in it. */
const oneLine = (text: string): string => text.trim().replace(/\s+/g, ' ');

/** Parses and lowers one expression; errors become diagnostics at their character. */
function lowerExpression(text: string, pointer: string, lowering: ExprLowering, report: Report): { result: string; ty: Ty } | undefined {
  const parsed = parseExpr(text);
  if (isExprError(parsed)) {
    report(pointer, parsed.code ? parsed.message : `syntax error: ${parsed.message}`, undefined, parsed.code ?? 'GS130', parsed.at);
    return undefined;
  }
  try {
    const v = lowering.lower(parsed as Expr);
    if (!v.operand || !('ref' in v.operand)) {
      report(pointer, `'${oneLine(text)}' is a constant: it has nothing to learn from`, undefined, 'GS131', 0);
      return undefined;
    }
    return { result: v.operand.ref, ty: v.ty };
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    report(pointer, err.message, err.hint, err.code ?? 'GS131', err.at);
    return undefined;
  }
}

function lowerPhases(r: Resolved, networks: Map<string, CheckedNetwork>, env: Omit<Env, 'training'>, report: Report): PhaseIR[] {
  return r.phases.flatMap((ph) => {
    let ok = true;
    for (const u of ph.updates) {
      const net = networks.get(u.net);
      if (!Object.hasOwn(r.spec.networks, u.net)) {
        const best = closest(u.net, Object.keys(r.spec.networks));
        report(u.pointer, `unknown network '${u.net}'`, best ? `did you mean '${best}'?` : undefined, 'GS140');
        ok = false;
      } else if (u.head !== undefined && net && !net.heads.some((h) => h.name === u.head)) {
        const best = closest(u.head, net.heads.map((h) => h.name));
        report(u.pointer, `${u.net} has no head '${u.head}'`, best ? `did you mean '${best}'?` : undefined, 'GS140');
        ok = false;
      } else if (u.head !== undefined && net && !net.layers.some((l) => l.head === u.head)) {
        report(u.pointer, `head '${u.head}' of ${u.net} has no layers of its own to update`, `list its layers under outputs: ${u.head}`, 'GS140');
        ok = false;
      }
    }
    const text = Object.hasOwn(r.spec.losses, ph.loss) ? r.spec.losses[ph.loss] : undefined;
    if (text === undefined) {
      // A loss named after an unknown network was only guessed from it: that error says it all.
      if (!ok && ph.updates.some((u) => u.net === ph.loss)) return [];
      const best = closest(ph.loss, Object.keys(r.spec.losses));
      report(join(ph.pointer, 'loss'), `no loss named '${ph.loss}' in losses`, best ? `did you mean '${best}'?` : `name one with loss: <name>`, 'GS141');
      return [];
    }
    const lossPointer = join('/losses', ph.loss);
    const builder = new StmtBuilder();
    const lowered = lowerExpression(text, lossPointer, new ExprLowering({ ...env, training: true }, builder), report);
    if (!lowered || !ok) return [];
    if (lowered.ty.t !== 'scalar') {
      report(lossPointer, `the loss must be a single number, but '${oneLine(text)}' gives ${lowered.ty.t === 'tensor' ? `a tensor of [${lowered.ty.shape.join(', ')}] per example` : 'no number'}`, 'wrap it in mean(...) or a loss function', 'GS132', 0);
      return [];
    }
    return [
      {
        name: ph.name,
        pointer: ph.pointer,
        loss: { name: ph.loss, text: text.trim(), pointer: lossPointer },
        updates: ph.updates.map((u) => ({ net: u.net, head: u.head })),
        repeat: ph.repeat,
        clip: ph.clip,
        optimizer: optimizer(ph.optimizer),
        stmts: builder.stmts,
        result: lowered.result,
        real: [...builder.real],
        sampled: [...builder.sampled],
      },
    ];
  });
}

export function lowerModule(r: Resolved, checked: CheckedNetwork[], source: string, report: Report): ModuleIR {
  const real = realInputs(r);
  const sampleList = samples(r, report);
  for (const s of sampleList) {
    if (real.some((x) => x.name === s.name)) report(join('/sample', s.name), `'${s.name}' is already the name of real data from ${r.data.source}`, 'rename the random input', 'GS121');
  }
  const networks = new Map(checked.map((n) => [n.name, n]));
  const env = {
    real: new Map(real.map((x) => [x.name, realType(x, r)])),
    sampled: new Map(sampleList.map((s) => [s.name, sampleType(s)])),
    networks,
  };
  const phases = lowerPhases(r, networks, env, report);

  const builder = new StmtBuilder();
  const lowering = new ExprLowering({ ...env, training: false }, builder);
  const bands = r.preview.show.flatMap((text, i) => {
    const pointer = join('/preview/show', i);
    const lowered = lowerExpression(text, pointer, lowering, report);
    if (!lowered) return [];
    const ty = lowered.ty;
    const points = ty.t === 'tensor' && ty.shape.join() === '1,1,2';
    if (ty.t !== 'tensor' || ty.shape.length !== 3 || (ty.shape[2] !== 1 && ty.shape[2] !== 3 && !points)) {
      report(pointer, `preview shows images ([h, w, 1 or 3]) or 2-D points ([1, 1, 2]), but '${oneLine(text)}' is ${ty.t === 'tensor' ? `[${ty.shape.join(', ')}]` : 'not a tensor'}`, 'show a generator call such as G(z)', 'GS150', 0);
      return [];
    }
    return [{ text, result: lowered.result }];
  });
  for (const [key, names] of [['per_row', r.preview.perRow], ['per_col', r.preview.perCol]] as const) {
    names.forEach((n, i) => {
      if (!env.sampled.has(n)) {
        const best = closest(n, [...env.sampled.keys()]);
        report(join('/preview', key, i), `'${n}' is not a random input`, best ? `did you mean '${best}'?` : undefined, 'GS151');
      }
    });
  }

  return {
    name: r.spec.name,
    source,
    paper: r.spec.paper ?? '',
    description: r.spec.description ?? '',
    data: { source: r.data.source, image: r.data.image, range: r.data.range, ...(r.data.path ? { path: r.data.path } : {}), ...(r.data.labels ? { labels: r.data.labels } : {}), ...(r.data.limit ? { limit: r.data.limit } : {}) },
    real,
    samples: sampleList,
    networks: checked.map(lowerNetwork),
    phases,
    batch: r.spec.schedule.batch,
    steps: r.spec.schedule.steps,
    preview: { every: r.preview.every, rows: r.preview.rows, cols: r.preview.cols, perRow: r.preview.perRow, perCol: r.preview.perCol, stmts: builder.stmts, bands, real: [...builder.real], sampled: [...builder.sampled] },
    checkpoint: r.checkpoint,
  };
}

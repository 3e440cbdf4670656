// Stage 5, lower: turns the checked spec into the IR of one trainer module: networks as tfjs
// layer graphs, each phase's loss and the preview as straight-line statements, and the data,
// random inputs, optimizers and intervals as plain values.
import { DATA_SOURCES, realInputNames } from '../../contract/data';
import type { CheckedNetwork } from '../check/networks';
import type { Context } from '../context';
import { LAYER_KINDS } from '../vocabulary/layers';
import type { Expr } from '../expr/ast';
import { isExprError, parseExpr } from '../expr/parse';
import type { LayerIR, ModuleIR, NetworkIR, OptimizerIR, PhaseIR, RealInputIR, SampleIR, Stmt } from '../ir';
import { join } from '../pointer';
import type { Reporter } from '../report';
import type { Resolved } from '../resolve';
import type { DecaySpec } from '../spec';
import { isSafeName } from '../emit/quote';
import { describe } from '../vocabulary/functions/index';
import { type Env, ExprError, ExprLowering, StmtBuilder, type Ty } from './expressions';
import { needed, reach } from './reach';
import { lowerSamples, sampleType } from './samples';
import { range, type Range } from '../vocabulary/ranges';
import { Augmenter } from './augment';

function realInputs(r: Resolved): RealInputIR[] {
  return realInputNames(r.data).map((name) =>
    name === 'y' ? { name, shape: [], dtype: 'int32' as const } : { name, shape: [...r.data.image], dtype: 'float32' as const },
  );
}

function realType(x: RealInputIR, r: Resolved): Ty & { t: 'tensor' } {
  const classes = DATA_SOURCES[r.data.source].classes ?? undefined;
  return x.dtype === 'int32' ? { t: 'tensor', shape: [], dtype: 'int32', classes } : { t: 'tensor', shape: x.shape, dtype: 'float32' };
}

/** The range of each real image and random input: the data's scale, uniform's [low, high), codes' [0, 1]. */
export function inputRanges(r: Resolved, samples: SampleIR[]): Map<string, Range> {
  const [lo, hi] = r.data.range;
  const ranges = new Map<string, Range>(realInputNames(r.data).filter((n) => n !== 'y').map((n) => [n, range(lo, hi, `the data, scaled to [${lo}, ${hi}]`)]));
  for (const s of samples) {
    if (s.kind === 'normal') ranges.set(s.name, range(-Infinity, Infinity, 'normal noise'));
    if (s.kind === 'uniform') ranges.set(s.name, range(s.low, s.high, `uniform noise in [${s.low}, ${s.high})`));
    if (s.kind === 'categorical') ranges.set(s.name, range(0, 1, 'one-hot codes'));
  }
  return ranges;
}

/** Module-level names of a trainer module (module.hbs) that a network's variables leave alone. */
function moduleNames(r: Resolved): Set<string> {
  return new Set(['tf', 'gs', 'hyperparameters', 'trainer', 'preview', ...r.networks.map((n) => `build${n.name}`), ...r.phases.map((p) => `loss${p.name}`)]);
}

/**
 * A network's variables: inputs are `in_<name>`; a layer's output is named by its id (`trunk`,
 * `d1`, auto ids `l7`, `valid_0`); where one spec layer is several tfjs layers (a dense layer
 * with a leaky_relu activation), the last holds the id and those before it add their factory
 * (`l3_dense`). A name that is a reserved word, a module-level name, an input's or taken
 * already gets `_`, then `_2`, `_3`, ... (`class_`, `tf_`). The tfjs layer names stay
 * `<network>_<id>[_<factory>]` whatever the variables are called.
 */
function lowerNetwork(net: CheckedNetwork, outer: ReadonlySet<string>): NetworkIR {
  const variables = new Map<string, string>();
  const inputs = net.inputs.map((i) => {
    const variable = `in_${i.name}`;
    variables.set(i.name, variable);
    return { name: i.name, variable, shape: i.shape, dtype: i.kind === 'label' ? ('int32' as const) : ('float32' as const) };
  });
  const fixed = new Set([...outer, ...inputs.map((i) => i.variable)]);
  // Every layer id is kept for its own layer first, so that no renamed variable takes it.
  const used = new Set([...fixed, ...net.layers.map((n) => n.id)]);
  const named = new Set<string>();
  const fresh = (base: string): string => {
    let name = base;
    for (let k = 1; used.has(name) || !isSafeName(name); k++) name = k === 1 ? `${base}_` : `${base}_${k}`;
    used.add(name);
    return name;
  };
  const natural = (id: string): string => {
    if (!isSafeName(id) || fixed.has(id) || named.has(id)) return fresh(id);
    named.add(id);
    return id;
  };
  const layers: LayerIR[] = [];
  // No prototype: a head may be named like an Object method (toString).
  const headLayers: Record<string, string[]> = Object.create(null);
  for (const node of net.layers) {
    const tfLayers = LAYER_KINDS[node.kind].tf(node.args);
    let from = node.from.map((f) => variables.get(f)!);
    tfLayers.forEach((t, k) => {
      // The tfjs name is the checkpoint's key for the layer's weights: never renamed.
      const layerName = `${net.name}_${node.id}${k === 0 ? '' : `_${t.factory}`}`;
      const variable = k === tfLayers.length - 1 ? natural(node.id) : fresh(`${node.id}_${t.factory}`);
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

/** An optimizer's settings with every default filled in; a decay's end defaults to the schedule's last step. */
function optimizer(spec: Resolved['phases'][number]['optimizer'], steps: number): OptimizerIR {
  const decay = (d: DecaySpec | undefined): Pick<OptimizerIR, 'decay'> =>
    d?.linear ? { decay: { kind: 'linear', start: d.linear.start, end: d.linear.end ?? steps } } : {};
  if (spec.adam) {
    const { decay: d, ...rest } = spec.adam;
    return { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7, ...rest, ...decay(d) };
  }
  if (spec.rmsprop) {
    const { decay: d, ...rest } = spec.rmsprop;
    return { kind: 'rmsprop', rho: 0.9, momentum: 0, epsilon: 1e-7, ...rest, ...decay(d) };
  }
  return { kind: 'sgd', lr: spec.sgd!.lr, ...decay(spec.sgd!.decay) };
}

/** The real and random inputs statements read, in statement order. */
function inputsRead(stmts: readonly Stmt[]): { real: string[]; sampled: string[] } {
  const inputs = stmts.flatMap((s) => (s.op === 'input' ? [s] : []));
  return { real: inputs.filter((s) => s.source === 'real').map((s) => s.name), sampled: inputs.filter((s) => s.source === 'sampled').map((s) => s.name) };
}

/** Expression text quoted in a message: one line, whatever line breaks the spec wrote in it. */
const oneLine = (text: string): string => text.trim().replace(/\s+/g, ' ');

/** Parses and lowers one expression; errors become diagnostics at their character. */
function lowerExpression(text: string, pointer: string, lowering: ExprLowering, report: Reporter): { result: string; ty: Ty } | undefined {
  report.expression(pointer, text);
  const parsed = parseExpr(text);
  if (isExprError(parsed)) {
    report.error(pointer, parsed.code ? parsed.message : `syntax error: ${parsed.message}`, { code: parsed.code ?? 'GS130', at: parsed.at });
    return undefined;
  }
  try {
    const v = lowering.lower(parsed as Expr);
    if (!v.operand || !('ref' in v.operand)) {
      report.error(pointer, `'${oneLine(text)}' is a constant: it has nothing to learn from`, { code: 'GS131', at: 0 });
      return undefined;
    }
    return { result: v.operand.ref, ty: v.ty };
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    const opts = { hint: err.hint, code: err.code ?? ('GS131' as const), at: err.at };
    if (err.lookup) report.unknown(pointer, err.lookup.what, err.lookup.name, err.lookup.candidates, { ...opts, message: err.message });
    else report.error(pointer, err.message, opts);
    return undefined;
  }
}

function lowerPhases(r: Resolved, networks: Map<string, CheckedNetwork>, env: Omit<Env, 'training'>, report: Reporter, augmenter?: Augmenter): PhaseIR[] {
  return r.phases.flatMap((ph) => {
    let ok = true;
    for (const u of ph.updates) {
      const net = networks.get(u.net);
      const ema = r.ema.find((c) => c.name === u.net);
      if (!Object.hasOwn(r.spec.networks, u.net)) {
        report.unknown(u.pointer, 'network', u.net, Object.keys(r.spec.networks), { code: 'GS140' });
        ok = false;
      } else if (ema !== undefined) {
        report.error(u.pointer, `a phase cannot update ${u.net}: it is an EMA copy of ${ema.of}, set from ${ema.of}'s weights after each of ${ema.of}'s updates`, { hint: `update ${ema.of}`, code: 'GS172' });
        ok = false;
      } else if (u.head !== undefined && net && !net.heads.some((h) => h.name === u.head)) {
        report.unknown(u.pointer, 'head', u.head, net.heads.map((h) => h.name), { message: `${u.net} has no head '${u.head}'`, code: 'GS140' });
        ok = false;
      } else if (u.head !== undefined && net && !net.layers.some((l) => l.head === u.head)) {
        report.error(u.pointer, `head '${u.head}' of ${u.net} has no layers of its own to update`, { hint: `list its layers under outputs: ${u.head}`, code: 'GS140' });
        ok = false;
      }
    }
    const text = Object.hasOwn(r.spec.losses, ph.loss) ? r.spec.losses[ph.loss] : undefined;
    if (text === undefined) {
      // A loss named after an unknown network was only guessed from it: that error says it all.
      if (!ok && ph.updates.some((u) => u.net === ph.loss)) return [];
      report.unknown(join(ph.pointer, 'loss'), 'loss', ph.loss, Object.keys(r.spec.losses), { message: `no loss named '${ph.loss}' in losses`, hint: 'name one with loss: <name>', code: 'GS141' });
      return [];
    }
    const lossPointer = join('/losses', ph.loss);
    const builder = new StmtBuilder();
    const lowered = lowerExpression(text, lossPointer, new ExprLowering({ ...env, training: true }, builder), report);
    if (!lowered || !ok) return [];
    if (lowered.ty.t !== 'scalar') {
      const gives = lowered.ty.t === 'tensor' ? describe(lowered.ty) : 'no number';
      report.error(lossPointer, `the loss must be a single number, but '${oneLine(text)}' gives ${gives}`, { hint: 'wrap it in mean(...) or a loss function', code: 'GS132', at: 0 });
      return [];
    }
    // A statement that only a gradient's closure uses is computed there alone.
    const stmts = needed(builder.stmts, [lowered.result]);
    return [
      {
        name: ph.name,
        pointer: ph.pointer,
        loss: { name: ph.loss, text: text.trim(), pointer: lossPointer },
        updates: ph.updates.map((u) => ({ net: u.net, head: u.head })),
        repeat: ph.repeat,
        clip: ph.clip,
        optimizer: optimizer(ph.optimizer, r.spec.schedule.steps),
        optimizerName: ph.optimizerName,
        stmts: augmenter ? augmenter.apply(stmts) : stmts,
        result: lowered.result,
        ...inputsRead(stmts),
      },
    ];
  });
}

/** Stage 5: the module's IR (phases and preview bands with a mistake are reported and left out). */
export function lowerModule(ctx: Context, r: Resolved, checked: CheckedNetwork[]): ModuleIR {
  const { report, source } = ctx;
  const real = realInputs(r);
  const sampleList = lowerSamples(r, report);
  for (const s of sampleList) {
    if (real.some((x) => x.name === s.name)) report.error(join('/sample', s.name), `'${s.name}' is already the name of real data from ${r.data.source}`, { hint: 'rename the random input', code: 'GS121' });
  }
  const networks = new Map(checked.map((n) => [n.name, n]));
  const env = {
    real: new Map(real.map((x) => [x.name, realType(x, r)])),
    sampled: new Map(sampleList.map((s) => [s.name, sampleType(s)])),
    networks,
    ema: new Map(r.ema.map((c) => [c.name, c.of])),
    ranges: inputRanges(r, sampleList),
  };
  // An expression reading a random input whose form has a mistake would only repeat it ("unknown name").
  const broken = sampleList.length < Object.keys(r.spec.sample ?? {}).length;
  const augmenter = Augmenter.of(r.spec, networks, report);
  const phases = broken ? [] : lowerPhases(r, networks, env, report, augmenter);
  augmenter?.finish(report);

  const builder = new StmtBuilder();
  const lowering = new ExprLowering({ ...env, training: false }, builder);
  const bands = (broken ? [] : r.preview.show).flatMap((text, i) => {
    const pointer = join('/preview/show', i);
    const lowered = lowerExpression(text, pointer, lowering, report);
    if (!lowered) return [];
    const ty = lowered.ty;
    const points = ty.t === 'tensor' && ty.shape.join() === '1,1,2';
    if (ty.t !== 'tensor' || ty.batched === false || ty.shape.length !== 3 || (ty.shape[2] !== 1 && ty.shape[2] !== 3 && !points)) {
      const is = ty.t === 'tensor' ? (ty.batched === false ? describe(ty) : `[${ty.shape.join(', ')}]`) : 'not a tensor';
      report.error(pointer, `preview shows images ([h, w, 1 or 3]) or 2-D points ([1, 1, 2]), but '${oneLine(text)}' is ${is}`, { hint: 'show a generator call such as G(z)', code: 'GS150', at: 0 });
      return [];
    }
    return [{ text, result: lowered.result, ...reach(builder.stmts, lowered.result) }];
  });
  for (const [key, names] of [['per_row', r.preview.perRow], ['per_col', r.preview.perCol]] as const) {
    names.forEach((n, i) => {
      if (!env.sampled.has(n) && !Object.hasOwn(r.spec.sample ?? {}, n)) report.unknown(join('/preview', key, i), 'random input', n, env.sampled.keys(), { message: `'${n}' is not a random input`, code: 'GS151' });
    });
  }

  const previewStmts = needed(builder.stmts, bands.map((b) => b.result));
  return {
    name: r.spec.name,
    source,
    paper: r.spec.paper ?? '',
    description: r.spec.description ?? '',
    data: { source: r.data.source, image: r.data.image, range: r.data.range, ...(r.data.path ? { path: r.data.path } : {}), ...(r.data.labels ? { labels: r.data.labels } : {}), ...(r.data.limit ? { limit: r.data.limit } : {}) },
    real,
    samples: sampleList,
    networks: checked.map((net) => lowerNetwork(net, moduleNames(r))),
    ema: r.ema.filter((c) => networks.has(c.name) && networks.has(c.of)).map(({ name, of, decay, start }) => ({ name, of, decay, start })),
    phases,
    batch: r.spec.schedule.batch,
    steps: r.spec.schedule.steps,
    preview: { every: r.preview.every, rows: r.preview.rows, cols: r.preview.cols, perRow: r.preview.perRow, perCol: r.preview.perCol, stmts: previewStmts, bands, ...inputsRead(previewStmts) },
    checkpoint: r.checkpoint,
  };
}

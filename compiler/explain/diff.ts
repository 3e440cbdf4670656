// gan-diff (analysis): the difference of two lowered specs (defaults, extends, blocks and like
// copies already expanded by the compiler) as plain data, said the way the articles say it:
// networks (layers added, removed and changed, aligned by an LCS on each layer's head, kind and
// arguments, with output shapes and parameters), losses term by term, the schedule (batch,
// steps, each EMA copy's source, decay and start, each phase's updates, loss, repeat, clip,
// optimizer kind and every setting), data, sampling, and with `all` the preview and checkpoints, which do not change training. Settings
// the IR holds are compared key by key, so a field added to the IR is compared without a change
// here. render-diff.ts turns it into text. Imports the IR, check's types and this folder.
import type { CheckedNetwork } from '../check/networks';
import type { ModuleIR } from '../ir';
import { optimizerOf } from './explain';
import { align } from './lcs';
import { summarizeNetwork, type LayerSummary, type NetworkSummary } from './networks';
import { lossTerms, type Term } from './terms';

/** A value that differs; null where one side has none. */
export interface Change {
  key: string;
  from: unknown;
  to: unknown;
}

export interface LayerChange {
  change: 'added' | 'removed' | 'changed';
  /** Position (from 1) in B's layer list (A's for a removed layer). */
  at: number;
  from?: LayerBrief;
  to?: LayerBrief;
}

export interface LayerBrief {
  text: string;
  head?: string;
  shape: number[];
  parameters: number;
}

export interface NetworkDiff {
  name: string;
  change: 'added' | 'removed' | 'changed';
  inputs: Change[];
  heads: Change[];
  layers: LayerChange[];
  parameters: { from: number | null; to: number | null };
}

export interface TermChange {
  change: 'added' | 'removed' | 'coefficient';
  term: string;
  from: number | null;
  to: number | null;
}

export interface LossDiff {
  name: string;
  from: string | null;
  to: string | null;
  terms: TermChange[];
}

export interface PhaseDiff {
  name: string;
  change: 'added' | 'removed' | 'changed';
  changes: Change[];
}

export interface SpecDiff {
  a: { name: string; source: string };
  b: { name: string; source: string };
  networks: NetworkDiff[];
  losses: LossDiff[];
  schedule: Change[];
  phases: PhaseDiff[];
  data: Change[];
  sampling: Change[];
  /** Only with `all`. */
  preview?: Change[];
  checkpoint?: Change[];
}

export interface Side {
  ir: ModuleIR;
  networks: CheckedNetwork[];
}

/** Values equal as JSON with keys in any order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

const same = (x: unknown, y: unknown): boolean => canonical(x) === canonical(y);

/** Key by key: every key whose value differs (null for a key one side lacks), in A's order then B's new keys. */
export function compareRecords(a: Record<string, unknown>, b: Record<string, unknown>, prefix = ''): Change[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => !same(a[k], b[k])).map((k) => ({ key: prefix + k, from: a[k] ?? null, to: b[k] ?? null }));
}

function brief(l: LayerSummary): LayerBrief {
  return { text: l.text, ...(l.head === undefined ? {} : { head: l.head }), shape: l.shape, parameters: l.parameters };
}

function layerKey(l: LayerSummary): string {
  return `${l.head ?? ''}|${l.kind}|${canonical(l.args)}`;
}

/** The layer edits; within a run of removals and additions, one of each of the same head and kind is a change. */
function layerChanges(a: NetworkSummary, b: NetworkSummary): LayerChange[] {
  const edits = align(a.layers, b.layers, (x, y) => layerKey(x) === layerKey(y));
  const out: LayerChange[] = [];
  let removed: { l: LayerSummary; i: number }[] = [];
  let added: { l: LayerSummary; i: number }[] = [];
  const flush = () => {
    // Pair removals with additions of the same head and kind, in order (an LCS on head and kind).
    const pairs = align(removed, added, (x, y) => x.l.kind === y.l.kind && x.l.head === y.l.head);
    for (const e of pairs) {
      if (e.op === 'keep') out.push({ change: 'changed', at: e.b.i + 1, from: brief(e.a.l), to: brief(e.b.l) });
      else if (e.op === 'remove') out.push({ change: 'removed', at: e.a.i + 1, from: brief(e.a.l) });
      else out.push({ change: 'added', at: e.b.i + 1, to: brief(e.b.l) });
    }
    removed = [];
    added = [];
  };
  for (const e of edits) {
    if (e.op === 'keep') flush();
    else if (e.op === 'remove') removed.push({ l: e.a, i: e.ai });
    else added.push({ l: e.b, i: e.bi });
  }
  flush();
  return out;
}

function networkDiffs(a: NetworkSummary[], b: NetworkSummary[]): NetworkDiff[] {
  const names = [...new Set([...a.map((n) => n.name), ...b.map((n) => n.name)])];
  return names.flatMap((name): NetworkDiff[] => {
    const x = a.find((n) => n.name === name);
    const y = b.find((n) => n.name === name);
    const io = (n?: NetworkSummary) => ({
      inputs: Object.fromEntries((n?.inputs ?? []).map((i) => [i.name, i.kind === 'shape' ? i.shape : i.kind])),
      heads: Object.fromEntries((n?.heads ?? []).filter((h) => h.name !== '').map((h) => [h.name, h.shape])),
    });
    const inputs = compareRecords(io(x).inputs, io(y).inputs);
    const heads = compareRecords(io(x).heads, io(y).heads);
    const empty: NetworkSummary = { name, inputs: [], heads: [], layers: [], parameters: 0, macs: 0 };
    const layers = layerChanges(x ?? empty, y ?? empty);
    if (x && y && inputs.length === 0 && heads.length === 0 && layers.length === 0) return [];
    return [{ name, change: !x ? 'added' : !y ? 'removed' : 'changed', inputs, heads, layers, parameters: { from: x?.parameters ?? null, to: y?.parameters ?? null } }];
  });
}

function lossDiffs(a: ModuleIR, b: ModuleIR, netsA: Set<string>, netsB: Set<string>): LossDiff[] {
  const losses = (ir: ModuleIR) => new Map(ir.phases.map((p) => [p.loss.name, p.loss.text.replace(/\s+/g, ' ')]));
  const [la, lb] = [losses(a), losses(b)];
  const names = [...new Set([...la.keys(), ...lb.keys()])];
  return names.flatMap((name): LossDiff[] => {
    const [x, y] = [la.get(name) ?? null, lb.get(name) ?? null];
    const ta: Term[] = x === null ? [] : lossTerms(x, netsA);
    const tb: Term[] = y === null ? [] : lossTerms(y, netsB);
    const terms: TermChange[] = [];
    for (const t of ta) {
      const u = tb.find((s) => s.text === t.text);
      if (!u) terms.push({ change: 'removed', term: t.text, from: t.coefficient, to: null });
      else if (u.coefficient !== t.coefficient) terms.push({ change: 'coefficient', term: t.text, from: t.coefficient, to: u.coefficient });
    }
    for (const u of tb) if (!ta.some((t) => t.text === u.text)) terms.push({ change: 'added', term: u.text, from: null, to: u.coefficient });
    if (terms.length === 0 && x !== null && y !== null) return [];
    return [{ name, from: x, to: y, terms }];
  });
}

function phaseRecord(p: ModuleIR['phases'][number]): Record<string, unknown> {
  const { kind, settings } = optimizerOf(p);
  return {
    update: p.updates.map((u) => (u.head === undefined ? u.net : `${u.net}.${u.head}`)),
    loss: p.loss.name,
    repeat: p.repeat,
    clip: p.clip,
    optimizer: kind,
    ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [`${kind}.${k}`, v])),
  };
}

function phaseDiffs(a: ModuleIR, b: ModuleIR): PhaseDiff[] {
  const names = [...new Set([...a.phases.map((p) => p.name), ...b.phases.map((p) => p.name)])];
  return names.flatMap((name): PhaseDiff[] => {
    const x = a.phases.find((p) => p.name === name);
    const y = b.phases.find((p) => p.name === name);
    let changes = compareRecords(x ? phaseRecord(x) : {}, y ? phaseRecord(y) : {});
    // Another optimizer: the whole of each side's optimizer, not changes of one's settings.
    if (x && y && x.optimizer.kind !== y.optimizer.kind) {
      const whole = (p: typeof x) => {
        const { kind, settings } = optimizerOf(p);
        return { [kind]: settings };
      };
      changes = [...changes.filter((c) => c.key !== 'optimizer' && !c.key.startsWith(`${x.optimizer.kind}.`) && !c.key.startsWith(`${y.optimizer.kind}.`)), { key: 'optimizer', from: whole(x), to: whole(y) }];
    }
    if (x && y && changes.length === 0) return [];
    return [{ name, change: !x ? 'added' : !y ? 'removed' : 'changed', changes }];
  });
}

function sampleRecord(ir: ModuleIR): Record<string, unknown> {
  return Object.fromEntries(ir.samples.map((s) => [s.name, Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'name'))]));
}

/** Batch, steps and each EMA copy (`ema G_ema: { of, decay, start }`). */
function scheduleRecord(ir: ModuleIR): Record<string, unknown> {
  return { batch: ir.batch, steps: ir.steps, ...Object.fromEntries(ir.ema.map((e) => [`ema ${e.name}`, { of: e.of, decay: e.decay, start: e.start }])) };
}

export function diffSpecs(a: Side, b: Side, opts: { all?: boolean } = {}): SpecDiff {
  const [na, nb] = [a.networks.map(summarizeNetwork), b.networks.map(summarizeNetwork)];
  const preview = (ir: ModuleIR) => ({
    every: ir.preview.every,
    rows: ir.preview.rows,
    cols: ir.preview.cols,
    per_row: ir.preview.perRow,
    per_col: ir.preview.perCol,
    show: ir.preview.bands.map((band) => band.text),
  });
  return {
    a: { name: a.ir.name, source: a.ir.source },
    b: { name: b.ir.name, source: b.ir.source },
    networks: networkDiffs(na, nb),
    losses: lossDiffs(a.ir, b.ir, new Set(na.map((n) => n.name)), new Set(nb.map((n) => n.name))),
    schedule: compareRecords(scheduleRecord(a.ir), scheduleRecord(b.ir)),
    phases: phaseDiffs(a.ir, b.ir),
    data: compareRecords({ ...a.ir.data }, { ...b.ir.data }),
    sampling: compareRecords(sampleRecord(a.ir), sampleRecord(b.ir)),
    ...(opts.all ? { preview: compareRecords(preview(a.ir), preview(b.ir)), checkpoint: compareRecords({ ...a.ir.checkpoint }, { ...b.ir.checkpoint }) } : {}),
  };
}

/** Whether the two specs differ in anything the diff compared. */
export function differs(d: SpecDiff): boolean {
  return [d.networks, d.losses, d.schedule, d.phases, d.data, d.sampling, d.preview ?? [], d.checkpoint ?? []].some((x) => x.length > 0);
}

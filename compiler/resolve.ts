// Stage 3, resolve: fills defaults, expands `like` copies, `ema` copies (the architecture of the
// network they average) and `use` blocks (with $params and the global $channels/$height/$width),
// turns every network into a flat list of layer nodes whose inputs are explicit ids, and checks
// the names the spec gives (names.ts). Mistakes are reported, never thrown.
import type { Context } from './context';
import { formatValue } from './diagnostics';
import { checkNames } from './names';
import { MAX_NETWORK_LAYERS } from './limits';
import { join } from './pointer';
import type { Reporter } from './report';
import type { LayerEntry, LayerItem, NetworkSpec, OptimizerSpec, Spec } from './spec';

export type InputKind = 'shape' | 'image' | 'label';

export interface LayerNode {
  id: string;
  kind: string;
  args: unknown;
  from: string[];
  pointer: string;
  /** The head whose own layers include this one. */
  head?: string;
  /** Where a block was used, for messages about its layers. */
  usedAt?: string;
}

export interface ResolvedNetwork {
  name: string;
  pointer: string;
  inputs: { name: string; kind: InputKind; shape: number[]; pointer: string }[];
  layers: LayerNode[];
  /** Heads in order; a network without `outputs` has one head named '' (its last layer). */
  outputs: { name: string; ref: string; pointer: string }[];
}

export interface ResolvedPhase {
  name: string;
  pointer: string;
  updates: { net: string; head?: string; pointer: string }[];
  loss: string;
  repeat: number;
  clip: number | null;
  /** The optimizer's settings, its own or the declared one it names ({} for an unknown name, reported). */
  optimizer: OptimizerSpec;
  /**
   * The optimizer instance it steps: the declared name it gives, else the phase's own name
   * (phases naming the same one share it; checkpoints save its state under this name).
   */
  optimizerName: string;
  /** Where the phase says which optimizer. */
  optimizerPointer: string;
  /** Whether it names a declared optimizer. */
  shared: boolean;
}

/** An EMA copy: network `name` averages the weights of network `of` (the runtime's EmaDef). */
export interface ResolvedEma {
  name: string;
  of: string;
  decay: number;
  start: number;
  pointer: string;
}

export interface Resolved {
  spec: Spec;
  /** The EMA copies among `networks`, in spec order. */
  ema: ResolvedEma[];
  data: Required<Pick<Spec['data'], 'source' | 'image' | 'range'>> & Spec['data'];
  networks: ResolvedNetwork[];
  phases: ResolvedPhase[];
  preview: { every: number; show: string[]; rows: number; cols: number; perRow: string[]; perCol: string[]; pointer: string };
  checkpoint: { every: number; keep: number };
}

export const ENTRY_KEYS = new Set(['id', 'from', 'use', 'args', 'repeat']);

function substitute(value: unknown, params: Record<string, unknown>, pointer: string, report: Reporter): unknown {
  if (typeof value === 'string' && value.startsWith('$')) {
    const name = value.slice(1);
    if (Object.hasOwn(params, name)) return params[name];
    report.unknown(pointer, 'parameter', name, Object.keys(params), { message: `unknown parameter ${formatValue(value)}`, show: (n) => `$${n}`, code: 'GS101' });
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, params, join(pointer, i), report));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, params, join(pointer, k), report)]));
  }
  return value;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function isArgument(v: unknown, nested = false): boolean {
  if (Array.isArray(v)) return !nested && v.length > 0 && v.every((x) => isArgument(x, true));
  return (Number.isInteger(v) && (v as number) >= 1) || (typeof v === 'string' && IDENTIFIER.test(v));
}

function refs(x: unknown): string[] {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x.map(String) : [String(x)];
}

/** Expands one network's layer list (trunk or head) into nodes. */
class Expander {
  readonly nodes: LayerNode[] = [];
  /** The blocks being expanded, outermost first: a block met again inside itself would never end. */
  private readonly using: string[] = [];
  /** Set once the network has MAX_NETWORK_LAYERS nodes: nothing more is expanded. */
  private full = false;
  constructor(
    private readonly spec: Spec,
    private readonly globals: Record<string, unknown>,
    private readonly report: Reporter,
  ) {}

  /**
   * Appends `entries`; returns the id of the last node. `prev` is the default input of the
   * first entry; `scope` maps block-local ids to global ones; `prefix` makes ids unique.
   */
  expand(entries: LayerEntry[], pointer: string, prev: string | undefined, opts: { prefix: string; params: Record<string, unknown>; scope: Map<string, string>; head?: string; usedAt?: string; autoId: (i: number) => string }): string | undefined {
    entries.forEach((entry, i) => {
      const at = join(pointer, i);
      if (this.full) return;
      if (this.nodes.length >= MAX_NETWORK_LAYERS) {
        this.full = true;
        this.report.error(opts.usedAt ?? at, `the network expands to more than ${MAX_NETWORK_LAYERS} layers (blocks and repeats included)`, { hint: 'use fewer or smaller blocks', code: 'GS165' });
        return;
      }
      const item: LayerItem = typeof entry === 'string' ? { [entry]: null } : entry;
      const mapRef = (r: string, p: string): string => {
        const s = r.startsWith('$') ? substitute(r, opts.params, p, this.report) : r;
        return typeof s === 'string' ? (opts.scope.get(s) ?? s) : String(s);
      };
      const explicitFrom = item.from === undefined ? undefined : refs(item.from).map((r, k) => mapRef(r, Array.isArray(item.from) ? join(at, 'from', k) : join(at, 'from')));
      const input = explicitFrom ?? (prev === undefined ? [] : [prev]);
      const localId = item.id;
      const id = localId !== undefined ? opts.prefix + localId : opts.prefix + opts.autoId(i);
      if (item.use !== undefined) {
        prev = this.useBlock(item, at, input, id, opts);
      } else {
        const kinds = Object.keys(item).filter((k) => !ENTRY_KEYS.has(k));
        if (kinds.length !== 1) {
          const message = kinds.length === 0 ? 'a layer entry needs a layer kind (e.g. conv2d) or use' : `one layer per entry, found ${kinds.map((k) => `'${k}'`).join(' and ')}`;
          this.report.error(at, message, { code: 'GS102' });
          return;
        }
        for (const key of ['args', 'repeat'] as const) {
          if (item[key] !== undefined) this.report.error(join(at, key), `'${key}' belongs to a block use ('use: <block>')`, { code: 'GS102' });
        }
        const kind = kinds[0];
        let args = substitute(item[kind], { ...this.globals, ...opts.params }, join(at, kind), this.report);
        const extra = args !== null && typeof args === 'object' && !Array.isArray(args) && 'with' in args ? refs((args as { with: unknown }).with).map((r) => mapRef(r, join(at, kind, 'with'))) : [];
        if (extra.length > 0) {
          const rest = { ...(args as Record<string, unknown>) };
          delete rest.with;
          args = rest;
        }
        this.nodes.push({ id, kind, args, from: [...input, ...extra], pointer: at, head: opts.head, usedAt: opts.usedAt });
        prev = id;
      }
      if (localId !== undefined) opts.scope.set(localId, id);
    });
    return prev;
  }

  private useBlock(item: LayerItem, at: string, input: string[], id: string, opts: { prefix: string; params: Record<string, unknown>; head?: string; usedAt?: string }): string | undefined {
    const blocks = this.spec.blocks ?? {};
    const name = item.use as string;
    const block = Object.hasOwn(blocks, name) ? blocks[name] : undefined;
    if (!block) {
      this.report.unknown(join(at, 'use'), 'block', name, Object.keys(blocks), { code: 'GS103' });
      return input[0];
    }
    if (this.using.includes(name)) {
      this.report.error(join(at, 'use'), `block '${name}' uses itself: ${[...this.using.slice(this.using.indexOf(name)), name].join(' -> ')}`, { code: 'GS107' });
      return input[0];
    }
    const declared = block.params ?? [];
    const given = (substitute(item.args ?? {}, { ...this.globals, ...opts.params }, join(at, 'args'), this.report) ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(given)) {
      // (At the args when the key is no name: it would make a pointer of any text.)
      if (!declared.includes(k)) {
        const message = `block '${name}' has no parameter ${formatValue(k)}`;
        this.report.unknown(IDENTIFIER.test(k) ? join(at, 'args', k) : join(at, 'args'), 'parameter', k, declared, { message, code: 'GS104', which: IDENTIFIER.test(k) ? 'key' : 'value' });
      }
      // A parameter stands where the schema allows '$name': a count (integer >= 1) or a layer id.
      else if (!isArgument(given[k])) this.report.error(join(at, 'args', k), `block parameter '${k}' must be a whole number >= 1, a layer id, or a list of those (got ${formatValue(given[k])})`, { code: 'GS104' });
    }
    const missing = declared.filter((k) => !Object.hasOwn(given, k));
    for (const k of missing) this.report.error(join(at, 'args'), `block '${name}' needs parameter '${k}'`, { code: 'GS104' });
    // Expanding without them would only add errors about '$k' inside the block.
    if (missing.length > 0) return input[0];
    // Parameters that name layers refer to the scope of the use site.
    const params: Record<string, unknown> = { ...this.globals, ...given };
    let prev = input.length === 1 ? input[0] : undefined;
    const times = item.repeat ?? 1;
    this.using.push(name);
    for (let r = 0; r < times && !this.full; r++) {
      const prefix = times === 1 ? `${id}_` : `${id}_${r}_`;
      prev = this.expand(block.layers, join('/blocks', name, 'layers'), prev, {
        prefix,
        params,
        scope: new Map(),
        head: opts.head,
        usedAt: opts.usedAt ?? at,
        autoId: (i) => String(i),
      });
    }
    this.using.pop();
    if (prev !== undefined && prev !== id) {
      const last = this.nodes[this.nodes.length - 1];
      if (last && last.id === prev) last.id = id;
      return id;
    }
    return prev;
  }
}

function resolveNetwork(spec: Spec, name: string, net: NetworkSpec, pointer: string, globals: Record<string, unknown>, report: Reporter): ResolvedNetwork {
  const inputs = Object.entries(net.inputs ?? {}).map(([inName, v]) => {
    const p = join(pointer, 'inputs', inName);
    if (v === 'image') return { name: inName, kind: 'image' as const, shape: [...spec.data.image], pointer: p };
    if (v === 'label') return { name: inName, kind: 'label' as const, shape: [1], pointer: p };
    return { name: inName, kind: 'shape' as const, shape: v as number[], pointer: p };
  });
  if (inputs.length === 0) report.error(pointer, `network '${name}' needs inputs`, { code: 'GS105' });
  const ex = new Expander(spec, globals, report);
  const scope = new Map<string, string>();
  const first = inputs.length === 1 ? inputs[0].name : undefined;
  const trunkEnd = ex.expand(net.layers ?? [], join(pointer, 'layers'), first, { prefix: '', params: {}, scope, autoId: (i) => `l${i}` });
  const outputs: ResolvedNetwork['outputs'] = [];
  for (const [head, out] of Object.entries(net.outputs ?? {})) {
    const p = join(pointer, 'outputs', head);
    if (typeof out === 'string') {
      outputs.push({ name: head, ref: scope.get(out) ?? out, pointer: p });
    } else {
      const end = ex.expand(out, p, trunkEnd, { prefix: '', params: {}, scope, head, autoId: (i) => `${head}_${i}` });
      if (end !== undefined) outputs.push({ name: head, ref: end, pointer: p });
    }
  }
  if (outputs.length === 0) {
    const end = trunkEnd ?? first;
    if (end === undefined) report.error(join(pointer, 'layers'), `network '${name}' has no layers and several inputs: it has no output`, { code: 'GS105' });
    else outputs.push({ name: '', ref: end, pointer: join(pointer, 'layers') });
  }
  return { name, pointer, inputs, layers: ex.nodes, outputs };
}

/** Keys that give a network an architecture of its own, which an EMA copy takes from its source. */
const ARCHITECTURE_KEYS = ['like', 'inputs', 'layers', 'outputs'] as const;

/**
 * The architecture of EMA copy `name` (its source's, through a `like`) and where it is written;
 * undefined when the copy is wrong (reported) or its source is a wrong `like` (reported there).
 */
function emaArchitecture(spec: Spec, name: string, net: NetworkSpec, report: Reporter): [NetworkSpec, string] | undefined {
  const at = join('/networks', name);
  const of = net.ema!.of;
  const own = ARCHITECTURE_KEYS.find((k) => net[k] !== undefined);
  if (own !== undefined) {
    report.error(join(at, own), `'${name}' is an EMA copy of '${of}' and has its architecture: it cannot have '${own}' too`, { hint: `remove '${own}', or 'ema' to make ${name} a network of its own`, code: 'GS174', which: 'key' });
    return undefined;
  }
  const sources = Object.keys(spec.networks).filter((n) => n !== name && spec.networks[n].ema === undefined);
  if (of === name) {
    report.error(join(at, 'ema', 'of'), `'${name}' cannot be an EMA copy of itself`, { hint: sources.length > 0 ? `average a trained network, e.g. of: ${sources[0]}` : undefined, code: 'GS170' });
    return undefined;
  }
  const source = Object.hasOwn(spec.networks, of) ? spec.networks[of] : undefined;
  if (!source) {
    report.unknown(join(at, 'ema', 'of'), 'network', of, sources, { message: `'${name}' averages an unknown network '${of}'`, hint: `networks: ${sources.join(', ')}`, code: 'GS170' });
    return undefined;
  }
  if (source.ema !== undefined) {
    report.error(join(at, 'ema', 'of'), `'${of}' is itself an EMA copy (of '${source.ema.of}'): an EMA copy averages a trained network`, { hint: `average ${source.ema.of} itself: of: ${source.ema.of}`, code: 'GS171' });
    return undefined;
  }
  if (source.like === undefined) return [source, join('/networks', of)];
  const base = Object.hasOwn(spec.networks, source.like) ? spec.networks[source.like] : undefined;
  if (!base || base.like !== undefined || base.ema !== undefined) return undefined;
  return [{ ...base, ...source, like: undefined }, join('/networks', source.like)];
}

function networkSpecs(spec: Spec, report: Reporter): [string, NetworkSpec, string][] {
  return Object.entries(spec.networks).flatMap(([name, net]): [string, NetworkSpec, string][] => {
    const pointer = join('/networks', name);
    if (net.ema !== undefined) {
      const copy = emaArchitecture(spec, name, net, report);
      return copy ? [[name, ...copy]] : [];
    }
    if (net.like === undefined) return [[name, net, pointer]];
    const target = Object.hasOwn(spec.networks, net.like) ? spec.networks[net.like] : undefined;
    if (!target || target.like !== undefined || target.ema !== undefined) {
      const message = target ? `'${net.like}' is itself a copy` : undefined;
      report.unknown(join(pointer, 'like'), 'network', net.like, Object.keys(spec.networks).filter((n) => n !== name), { message, code: 'GS106' });
      // Left out: resolving an empty stand-in would only add errors about its inputs.
      return [];
    }
    return [[name, { ...target, ...net, like: undefined }, join('/networks', net.like)]];
  });
}

/** A phase's optimizer: its own, or the declared one its name refers to. */
function phaseOptimizer(spec: Spec, given: OptimizerSpec | string, phase: string, pointer: string, report: Reporter): Pick<ResolvedPhase, 'optimizer' | 'optimizerName' | 'optimizerPointer' | 'shared'> {
  if (typeof given !== 'string') return { optimizer: given, optimizerName: phase, optimizerPointer: pointer, shared: false };
  const declared = spec.optimizers ?? {};
  const found = Object.hasOwn(declared, given) ? declared[given] : undefined;
  if (found === undefined) {
    const names = Object.keys(declared);
    const kinds = ['adam', 'rmsprop', 'sgd'];
    const hint = kinds.includes(given)
      ? `a phase's own optimizer is an object: optimizer: { ${given}: { lr: 0.0002 } }`
      : names.length === 0
        ? "declare it under 'optimizers:' ({ adam: { lr: 0.0002 } }), or give the phase its own"
        : `the declared optimizers are ${names.map((n) => `'${n}'`).join(', ')}`;
    report.unknown(pointer, 'optimizer', given, names, { hint, code: 'GS142' });
  }
  return { optimizer: found ?? {}, optimizerName: given, optimizerPointer: pointer, shared: true };
}

/** Stage 3: the spec resolved, and its names checked. */
export function resolve(ctx: Context): Resolved {
  const resolved = resolveSpec(ctx.spec, ctx.report);
  checkNames(ctx, resolved);
  return resolved;
}

function resolveSpec(spec: Spec, report: Reporter): Resolved {
  const [h, w, c] = spec.data.image;
  const globals = { channels: c, height: h, width: w };
  const networks = networkSpecs(spec, report).map(([name, net, pointer]) => ({
    ...resolveNetwork(spec, name, net, pointer, globals, report),
    name,
  }));

  const phases: ResolvedPhase[] = spec.schedule.phases.map((ph, i) => {
    const pointer = join('/schedule/phases', i);
    const targets = Array.isArray(ph.update) ? ph.update : [ph.update];
    const updates = targets.map((t, k) => {
      const [net, head] = t.split('.');
      return { net, head, pointer: Array.isArray(ph.update) ? join(pointer, 'update', k) : join(pointer, 'update') };
    });
    // Named after its loss when it says one, so two phases of one network (D_real, D_fake) differ.
    const name = ph.name ?? ph.loss ?? (updates.length === 1 && !updates[0].head ? updates[0].net : `phase${i}`);
    const loss = ph.loss ?? name;
    return { name, pointer, updates, loss, repeat: ph.repeat ?? 1, clip: ph.clip ?? null, ...phaseOptimizer(spec, ph.optimizer, name, join(pointer, 'optimizer'), report) };
  });

  const ema = networks.flatMap((n): ResolvedEma[] => {
    const e = spec.networks[n.name].ema;
    return e ? [{ name: n.name, of: e.of, decay: e.decay ?? 0.999, start: e.start ?? 0, pointer: join('/networks', n.name, 'ema') }] : [];
  });

  const pv = spec.preview;
  return {
    spec,
    ema,
    data: { range: [-1, 1], ...spec.data },
    networks,
    phases,
    preview: {
      every: pv.every ?? 200,
      show: pv.show,
      rows: pv.rows ?? 8,
      cols: pv.cols ?? 8,
      perRow: pv.per_row ?? [],
      perCol: pv.per_col ?? [],
      pointer: '/preview',
    },
    checkpoint: { every: spec.checkpoint?.every ?? 1000, keep: spec.checkpoint?.keep ?? 3 },
  };
}

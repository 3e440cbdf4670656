// gan-compile --explain (analysis): one training cycle (one step) of a lowered spec as plain
// data: per phase its repeat count, the forward passes (network, mode, on what), the loss's
// additive terms and which update target each reaches, the optimizer with its settings, the
// clipping, the random and real inputs drawn for every update; per network its parameters and
// multiply-adds (per example, per cycle at the spec's batch); the real images a cycle consumes
// and the steps an epoch of the data takes; the game (expr/game.ts). render.ts turns it into text. Settings the IR holds
// (optimizer, random inputs, data) are carried key by key, so a field added to the IR shows up
// without a change here. Imports the IR, contract/data, the expression analyses and this folder.
import { DATA_SOURCES } from '../../contract/data';
import type { ModuleIR, PhaseIR, Stmt } from '../ir';
import { describeStmts } from '../emit/statements';
import type { CheckedNetwork } from '../check/networks';
import { summarizeNetwork } from './networks';
import { lossTerms, reachesTarget, type Term } from './terms';
import { show } from '../expr/ast';
import { gameOf, pullText, type Verdict } from '../expr/game';
import { isExprError, parseExpr } from '../expr/parse';

export interface ForwardPass {
  net: string;
  mode: 'train' | 'inference';
  /** What it runs on, in the spec's notation: `G(z)`, `x`, `interpolates of x and G(z)`. */
  on: string;
}

export interface PhaseExplanation {
  name: string;
  repeat: number;
  loss: { name: string; text: string };
  terms: (Term & { /** The update targets whose weights get a gradient from this term. */ updates: string[] })[];
  forward: ForwardPass[];
  /** Each update target, the weights the optimizer steps on (trainable parameters) and the terms whose gradient reaches it. */
  updates: { target: string; trainable: number; terms: number[] }[];
  optimizer: { kind: string; settings: Record<string, unknown> };
  clip: number | null;
  /** Random inputs drawn fresh for every update of the phase. */
  sampled: string[];
  /** Real inputs drawn (a fresh random batch) for every update. */
  real: string[];
  /** Real images (x, a, b: not labels) one update reads. */
  realImagesPerUpdate: number;
}

export interface Explanation {
  name: string;
  source: string;
  paper: string;
  batch: number;
  steps: number;
  updatesPerCycle: number;
  phases: PhaseExplanation[];
  networks: { name: string; parameters: number; trainable: number; macsPerExample: number; forwardPerCycle: number; macsPerCycle: number }[];
  macsPerCycle: number;
  samples: { name: string; settings: Record<string, unknown>; drawnBy: string[] }[];
  data: {
    settings: Record<string, unknown>;
    /** Images of the training split (per domain); null where only the data says; 'endless' for a source drawn afresh. */
    trainSize: number | 'endless' | null;
    /** Real images per cycle, by real input (x; a and b). */
    imagesPerCycle: Record<string, number>;
    /** Cycles until the input drawn most has drawn as many images as its training split holds. */
    stepsPerEpoch: number | null;
    epochs: number | null;
  };
  preview: { every: number; fixed: string[]; real: string[] };
  /** The game (expr/game.ts): per critic output, which way each loss pulls it on real and on made data. */
  game: GameExplanation[];
}

export interface GameExplanation {
  /** `D`, `D.valid`, or `dot(E, D.phi)` (a head projected by another network's output: expr/game.ts). */
  output: string;
  /** The critic. */
  net: string;
  /** The critic's own pull on real data: the read as written (`D(x)`) and `up`, `toward 1`, ... */
  real: { read: string; pull: string } | null;
  pairs: { maker: string; read: string; critic: string; makerPull: string | null; verdict: Verdict }[];
}

const IMAGE_INPUTS = new Set(['x', 'a', 'b']);

/** Statement fields that name a network: an `apply`, and anything else that runs one (`penalty`). */
function forwardPasses(stmts: Stmt[]): ForwardPass[] {
  const text = describeStmts(stmts);
  const of = (ref: string) => text.get(ref) ?? ref;
  return stmts.flatMap((s): ForwardPass[] => {
    if (s.op === 'apply') return [{ net: s.net, mode: s.training ? 'train' : 'inference', on: s.args.map(of).join(', ') }];
    if (s.op === 'penalty') return [{ net: s.net, mode: 'train', on: `interpolates of ${of(s.real)} and ${of(s.fake)}` }];
    const net = (s as { net?: unknown }).net;
    return typeof net === 'string' ? [{ net, mode: 'train', on: s.op }] : [];
  });
}

/** An optimizer's kind and its settings, the learning rate first, then the rest as the IR holds them. */
export function optimizerOf(phase: Pick<PhaseIR, 'optimizer'>): PhaseExplanation['optimizer'] {
  const { kind, ...rest } = phase.optimizer as unknown as { kind: string } & Record<string, unknown>;
  const { lr, ...others } = rest;
  return { kind, settings: lr === undefined ? rest : { lr, ...others } };
}

function without<T extends Record<string, unknown>>(o: T, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
}

export function explain(ir: ModuleIR, checked: CheckedNetwork[]): Explanation {
  const nets = checked.map(summarizeNetwork);
  const names = new Set(nets.map((n) => n.name));
  const phases = ir.phases.map((p): PhaseExplanation => {
    const terms = lossTerms(p.loss.text, names);
    const targets = p.updates.map((u) => ({ ...u, target: u.head === undefined ? u.net : `${u.net}.${u.head}` }));
    const net = (name: string) => nets.find((n) => n.name === name);
    return {
      name: p.name,
      repeat: p.repeat,
      loss: { name: p.loss.name, text: p.loss.text.replace(/\s+/g, ' ') },
      terms: terms.map((t) => ({ ...t, updates: targets.filter((u) => reachesTarget(t, u)).map((u) => u.target) })),
      forward: forwardPasses(p.stmts),
      updates: targets.map((u) => ({
        target: u.target,
        trainable: (net(u.net)?.layers ?? []).filter((l) => u.head === undefined || l.head === u.head).reduce((n, l) => n + l.trainable, 0),
        terms: terms.flatMap((t, i) => (reachesTarget(t, u) ? [i] : [])),
      })),
      optimizer: optimizerOf(p),
      clip: p.clip,
      sampled: p.sampled,
      real: p.real,
      realImagesPerUpdate: p.real.filter((r) => IMAGE_INPUTS.has(r)).length * ir.batch,
    };
  });
  const networks = nets.map((n) => {
    const forwardPerCycle = phases.reduce((k, p) => k + p.repeat * p.forward.filter((f) => f.net === n.name).length, 0);
    const trainable = n.layers.reduce((k, l) => k + l.trainable, 0);
    return { name: n.name, parameters: n.parameters, trainable, macsPerExample: n.macs, forwardPerCycle, macsPerCycle: forwardPerCycle * ir.batch * n.macs };
  });
  const imagesPerCycle: Record<string, number> = {};
  for (const p of phases) for (const r of p.real) if (IMAGE_INPUTS.has(r)) imagesPerCycle[r] = (imagesPerCycle[r] ?? 0) + p.repeat * ir.batch;
  const known: number | null = DATA_SOURCES[ir.data.source].trainSize;
  const trainSize = known === null ? null : known === Infinity ? ('endless' as const) : Math.min(known, ir.data.limit ?? Infinity);
  const most = Math.max(0, ...Object.values(imagesPerCycle));
  const stepsPerEpoch = typeof trainSize !== 'number' || most === 0 ? null : trainSize / most;
  return {
    name: ir.name,
    source: ir.source,
    paper: ir.paper,
    batch: ir.batch,
    steps: ir.steps,
    updatesPerCycle: phases.reduce((k, p) => k + p.repeat, 0),
    phases,
    networks,
    macsPerCycle: networks.reduce((k, n) => k + n.macsPerCycle, 0),
    samples: ir.samples.map((s) => ({ name: s.name, settings: without(s as unknown as Record<string, unknown>, 'name'), drawnBy: phases.filter((p) => p.sampled.includes(s.name)).map((p) => p.name) })),
    data: {
      settings: { ...ir.data } as Record<string, unknown>,
      trainSize,
      imagesPerCycle,
      stepsPerEpoch,
      epochs: stepsPerEpoch === null ? null : ir.steps / stepsPerEpoch,
    },
    preview: { every: ir.preview.every, fixed: ir.preview.sampled, real: ir.preview.real },
    game: gameExplanation(ir, names),
  };
}

function gameExplanation(ir: ModuleIR, networks: ReadonlySet<string>): GameExplanation[] {
  const losses = ir.phases.flatMap((p) => {
    const expr = parseExpr(p.loss.text);
    return isExprError(expr) ? [] : [{ loss: p.loss.name, expr, updates: p.updates }];
  });
  return gameOf(losses, networks).map((o) => ({
    output: o.output,
    net: o.net,
    real: o.real ? { read: show(o.real.read), pull: pullText(o.real.pull) } : null,
    pairs: o.pairs.map((p) => ({ maker: p.maker, read: show(p.critic.read), critic: pullText(p.critic.pull), makerPull: p.makerPull ? pullText(p.makerPull.pull) : null, verdict: p.verdict })),
  }));
}

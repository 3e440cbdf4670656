// What gan-train --resume makes of a change of the spec (one place): the checkpoint's spec and the
// one given are compared by gan-diff (compiler/explain), and each change it lists is refused (the
// saved weights or optimizer state would mean nothing: architecture, losses, optimizer kind,
// random inputs' shapes, data), accepted silently (steps, preview, checkpoints) or needs
// --allow-changes (learning rates and other optimizer settings, repeat, clip, batch, EMA decay,
// noise parameters). The table below is the classification; README's "Resuming" section says it
// too. Imports compiler/explain only.
import type { Change, SpecDiff } from '../compiler/explain/diff';
import { flow } from '../compiler/explain/format';

export type Verdict = 'refused' | 'allowed' | 'flag';

/** One change of a SpecDiff, as the table classifies it: where it is, and which setting. */
interface Item {
  section: 'network' | 'loss' | 'schedule' | 'phase' | 'data' | 'random input' | 'preview' | 'checkpoint';
  /** The network, loss, phase or random input, where the section has several. */
  name?: string;
  key: string;
  from: unknown;
  to: unknown;
}

/** The classification, first match wins; a change no row matches needs the flag. */
export const RESUME_TABLE: readonly { section: Item['section']; key: RegExp; verdict: Verdict }[] = [
  { section: 'network', key: /^/, verdict: 'refused' }, // layers, shapes, inputs, heads, networks added or removed
  { section: 'loss', key: /^/, verdict: 'refused' },
  { section: 'schedule', key: /^steps$/, verdict: 'allowed' },
  { section: 'schedule', key: /^batch$/, verdict: 'flag' },
  { section: 'schedule', key: /^ema /, verdict: 'flag' }, // decay, start (an EMA copy added or removed is a network added or removed)
  { section: 'phase', key: /^(added|removed|update|loss|optimizer)$/, verdict: 'refused' }, // `optimizer`: its kind
  { section: 'phase', key: /^(repeat|clip)$/, verdict: 'flag' },
  { section: 'phase', key: /\./, verdict: 'flag' }, // the optimizer's settings: lr, betas, decay, ...
  { section: 'data', key: /^/, verdict: 'refused' },
  { section: 'random input', key: /^(mean|std|low|high)$/, verdict: 'flag' },
  { section: 'random input', key: /^/, verdict: 'refused' }, // kind, size, shape, added or removed
  { section: 'preview', key: /^/, verdict: 'allowed' },
  { section: 'checkpoint', key: /^/, verdict: 'allowed' },
];

export interface Classified {
  verdict: Verdict;
  /** `schedule steps: 2000 -> 6`, `phase D adam.lr: 0.001 -> 0.002`, `network G`. */
  line: string;
}

const value = (v: unknown): string => (v === null || v === undefined ? 'none' : flow(v));

function items(d: SpecDiff): Item[] {
  const changes = (section: Item['section'], cs: Change[], name?: string): Item[] => cs.map((c) => ({ section, ...(name ? { name } : {}), key: c.key, from: c.from, to: c.to }));
  const whole = (section: Item['section'], name: string, key: string): Item => ({ section, name, key, from: null, to: null });
  const sampling = d.sampling.flatMap((c): Item[] => {
    const [a, b] = [c.from as Record<string, unknown> | null, c.to as Record<string, unknown> | null];
    if (a === null || b === null) return [whole('random input', c.key, a === null ? 'added' : 'removed')];
    return Object.keys({ ...a, ...b }).filter((k) => flow(a[k]) !== flow(b[k])).map((k) => ({ section: 'random input', name: c.key, key: k, from: a[k], to: b[k] }));
  });
  return [
    ...d.networks.map((n) => whole('network', n.name, n.change)),
    ...d.losses.map((l) => whole('loss', l.name, l.from === null ? 'added' : l.to === null ? 'removed' : 'terms')),
    ...changes('schedule', d.schedule),
    ...d.phases.flatMap((p) => (p.change === 'changed' ? changes('phase', p.changes, p.name) : [whole('phase', p.name, p.change)])),
    ...changes('data', d.data),
    ...sampling,
    ...changes('preview', d.preview ?? []),
    ...changes('checkpoint', d.checkpoint ?? []),
  ];
}

function line(i: Item): string {
  const where = i.name === undefined ? i.section : `${i.section} ${i.name}`;
  if (i.section === 'network' || i.section === 'loss' || (i.section === 'phase' && (i.key === 'added' || i.key === 'removed'))) {
    return i.key === 'changed' || i.key === 'terms' ? where : `${where} ${i.key}`;
  }
  if (i.key === 'added' || i.key === 'removed') return `${where} ${i.key}`;
  return `${where} ${i.key}: ${value(i.from)} -> ${value(i.to)}`;
}

/** Every change of `d` (a diff made with `all`, so that preview and checkpoints count) with its verdict. */
export function classifyResume(d: SpecDiff): Classified[] {
  return items(d).map((i) => ({ verdict: RESUME_TABLE.find((r) => r.section === i.section && r.key.test(i.key))?.verdict ?? 'flag', line: line(i) }));
}

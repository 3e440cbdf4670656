// gan-diff (text): a SpecDiff (diff.ts) as the articles say it: per network the layers added,
// removed and changed with output shapes and parameters, and the parameter totals; per loss the
// terms added, removed or reweighted; the schedule and each phase; data; sampling; with --all
// the preview and checkpoints. Only what differs is printed. Imports this folder only.
import type { Change, LayerBrief, SpecDiff } from './diff';
import { count, flow, num, shape } from './format';
import { termText } from './terms';

const value = (v: unknown): string => (v === null ? 'none' : flow(v));
const change = (c: Change): string => (c.from === null ? `${c.key}: ${value(c.to)} (added)` : c.to === null ? `${c.key}: ${value(c.from)} (removed)` : `${c.key}: ${value(c.from)} -> ${value(c.to)}`);
const signed = (n: number): string => (n > 0 ? `+${count(n)}` : count(n));
const layer = (l: LayerBrief): string => `${l.head ? `${l.head}: ` : ''}${l.text}`;

function section(title: string, changes: Change[]): string[] {
  return changes.length === 0 ? [] : [`${title}:`, ...changes.map((c) => `  ${change(c)}`), ''];
}

export function renderDiff(d: SpecDiff): string {
  const out = [`--- ${d.a.name} (${d.a.source})`, `+++ ${d.b.name} (${d.b.source})`, ''];
  const before = out.length;
  for (const n of d.networks) {
    const total = n.change === 'added' ? `${count(n.parameters.to!)} parameters (network added)` : n.change === 'removed' ? `${count(n.parameters.from!)} parameters (network removed)` : n.parameters.from === n.parameters.to ? `${count(n.parameters.to!)} parameters (unchanged)` : `${count(n.parameters.from!)} -> ${count(n.parameters.to!)} parameters (${signed(n.parameters.to! - n.parameters.from!)})`;
    out.push(`network ${n.name}: ${total}`);
    for (const c of n.inputs) out.push(`  input ${change(c)}`);
    for (const c of n.heads) out.push(`  head ${change(c)}`);
    for (const l of n.layers) {
      if (l.change === 'added') out.push(`  + ${l.at}. ${layer(l.to!)}  ${shape(l.to!.shape)}, ${count(l.to!.parameters)} parameters`);
      else if (l.change === 'removed') out.push(`  - ${l.at}. ${layer(l.from!)}  ${shape(l.from!.shape)}, ${count(l.from!.parameters)} parameters`);
      else {
        const [a, b] = [l.from!, l.to!];
        const shapes = shape(a.shape) === shape(b.shape) ? shape(b.shape) : `${shape(a.shape)} -> ${shape(b.shape)}`;
        const params = a.parameters === b.parameters ? `${count(b.parameters)} parameters` : `${count(a.parameters)} -> ${count(b.parameters)} parameters`;
        out.push(`  ~ ${l.at}. ${layer(a)} -> ${b.text}  ${shapes}, ${params}`);
      }
    }
    out.push('');
  }
  for (const l of d.losses) {
    out.push(l.from === null ? `loss ${l.name} (added): ${l.to}` : l.to === null ? `loss ${l.name} (removed): ${l.from}` : `loss ${l.name}: ${l.from}`);
    if (l.from !== null && l.to !== null) out.push(`  now: ${l.to}`);
    for (const t of l.terms) {
      const term = { text: t.term, reaches: [] };
      if (t.change === 'added') out.push(`  term added: ${termText({ ...term, coefficient: t.to! }, true)}`);
      else if (t.change === 'removed') out.push(`  term removed: ${termText({ ...term, coefficient: t.from! }, true)}`);
      else out.push(`  term ${t.term}: coefficient ${num(t.from!)} -> ${num(t.to!)}`);
    }
    out.push('');
  }
  out.push(...section('schedule', d.schedule));
  for (const p of d.phases) {
    out.push(`phase ${p.name}${p.change === 'changed' ? '' : ` (${p.change})`}:`, ...p.changes.map((c) => `  ${change(c)}`), '');
  }
  out.push(...section('data', d.data), ...section('sampling', d.sampling), ...section('preview', d.preview ?? []), ...section('checkpoint', d.checkpoint ?? []));
  if (out.length === before) out.push('no difference');
  while (out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

// Text forms of evaluation results: one line per band for the CLI, one short line for a training log.
import type { BandMetrics, Metrics } from './evaluate';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

function refs(values: Record<string, number>, digits: number): string {
  const names = Object.keys(values);
  return names.map((r) => `${names.length > 1 ? `${r}:` : ''}${num(values[r], digits)}`).join(' ');
}

export function bandLine(b: BandMetrics): string {
  const parts: string[] = [];
  if (b.role === 'derived') parts.push(`from ${b.source} (depth ${b.depth})`);
  if (b.role === 'source') parts.push('source (real test images)');
  if (Object.keys(b.fid).length > 0) {
    parts.push(`FID ${refs(b.fid, 2)}`);
    parts.push(`KID ${refs(Object.fromEntries(Object.entries(b.kid).map(([k, v]) => [k, v.mean])), 4)}`);
  }
  const c = b.classes;
  parts.push(`classes ${c.covered}/10`, `H ${num(c.entropyBits)} bits`, `IS ${num(c.inceptionScore)}`);
  for (const l of b.labels ?? []) parts.push(`acc(${l.input}) ${pct(l.accuracy)}`);
  for (const k of b.codes ?? []) parts.push(`code ${k.input}: purity ${pct(k.meanPurity)}, ${k.distinct} distinct classes [${k.majority.join('')}]`);
  if (b.classKept !== undefined) parts.push(`class kept ${pct(b.classKept)}`);
  if (b.l1 !== undefined) parts.push(`L1 ${num(b.l1, 3)}`);
  return `${b.band.padEnd(16)} ${parts.join(', ')}`;
}

export function formatMetrics(m: Metrics, title: string): string {
  const refText = Object.entries(m.references).map(([k, r]) => `${k}: ${r.n} ${r.split}`).join(', ');
  const head = `${title}: ${m.n} samples per band, seed ${m.seed}, references ${refText} (${num(m.seconds, 1)} s)`;
  return [head, ...m.bands.map((b) => `  ${bandLine(b)}`)].join('\n');
}

/** One line for a training log, e.g. "eval step 1000: G(z) FID 12.34 KID 0.0123 classes 10 IS 8.91". */
export function metricsSummary(m: Metrics): string {
  const bands = m.bands.filter((b) => b.role !== 'source').map((b) => {
    const parts = [b.band];
    if (Object.keys(b.fid).length > 0) parts.push(`FID ${refs(b.fid, 2)}`);
    parts.push(`classes ${b.classes.covered}`, `IS ${num(b.classes.inceptionScore)}`);
    for (const l of b.labels ?? []) parts.push(`acc ${pct(l.accuracy)}`);
    for (const k of b.codes ?? []) parts.push(`code purity ${pct(k.meanPurity)} distinct ${k.distinct}`);
    if (b.classKept !== undefined) parts.push(`kept ${pct(b.classKept)}`);
    return parts.join(' ');
  });
  return `eval${m.step !== undefined ? ` step ${m.step}` : ''} (${m.n} samples, ${num(m.seconds, 1)} s): ${bands.join('; ')}`;
}

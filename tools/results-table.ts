// Prints the RESULTS.md table from the eval.json files gan-eval --baseline --out wrote:
//
//   npx tsx tools/results-table.ts runs/results/{gan,cgan,...}/eval.json
//
// One row per model: the first generated or translated band (for a translation model, its first
// derived band, compared with the other domain's reference: a -> b), next to the same numbers for
// the untrained generator (step 0) and for real training images of the reference input.
import { readFileSync } from 'node:fs';
import type { BandMetrics, Metrics } from '../eval';

interface Report {
  model: string;
  results: { label: string; metrics: Metrics }[];
}

const f = (x: number | undefined, d = 1) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);

function mainBand(m: Metrics): BandMetrics {
  return m.bands.find((b) => b.role !== 'source')!;
}

/** The reference a band is compared with: its own for generated bands, the other domain for a translation. */
function referenceOf(b: BandMetrics, m: Metrics): string {
  const refs = Object.keys(m.references);
  if (b.role === 'derived' && refs.length === 2 && b.source && (b.depth ?? 1) % 2 === 1) return refs.find((r) => r !== b.source)!;
  if (b.role === 'derived' && b.source) return b.source;
  return refs[0];
}

function extra(b: BandMetrics, m: Metrics): string {
  const parts: string[] = [];
  for (const l of b.labels ?? []) parts.push(`label acc ${pct(l.accuracy)}`);
  for (const c of b.codes ?? []) parts.push(`code purity ${pct(c.meanPurity)}, ${c.distinct} distinct`);
  if (b.role === 'derived') {
    const cycled = m.bands.find((x) => x.role === 'derived' && x.source === b.source && (x.depth ?? 0) >= 2);
    parts.push(`class kept ${pct(b.classKept)}${cycled ? `, after the cycle ${pct(cycled.classKept)}; cycle L1 ${f(cycled.l1, 3)}` : ''}`);
  }
  return parts.join('; ') || '–';
}

console.log('| model | band (reference) | FID trained / untrained / real | untrained ÷ trained | KID trained / untrained / real | classes | entropy (bits) | IS | model-specific, trained | untrained | real |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  const [trained, untrained, real] = report.results.map((r) => r.metrics);
  const b = mainBand(trained);
  const u = untrained.bands.find((x) => x.band === b.band)!;
  const ref = referenceOf(b, trained);
  const r = real.bands.find((x) => x.band.startsWith(`${ref} `)) ?? real.bands[0];
  const step = trained.step ?? '?';
  console.log(
    `| ${report.model} (${step} steps) | \`${b.band}\` (${ref}) | ${f(b.fid[ref])} / ${f(u.fid[ref])} / ${f(r.fid[ref], 2)} | ${f(u.fid[ref] / b.fid[ref])}× ` +
      `| ${f(b.kid[ref].mean, 2)} / ${f(u.kid[ref].mean, 2)} / ${f(r.kid[ref].mean, 2)} ` +
      `| ${b.classes.covered} / ${u.classes.covered} / ${r.classes.covered} | ${f(b.classes.entropyBits, 2)} / ${f(u.classes.entropyBits, 2)} / ${f(r.classes.entropyBits, 2)} ` +
      `| ${f(b.classes.inceptionScore, 2)} / ${f(u.classes.inceptionScore, 2)} / ${f(r.classes.inceptionScore, 2)} | ${extra(b, trained)} | ${extra(u, untrained)} | ${b.labels ? extra(r, real) : '–'} |`,
  );
}

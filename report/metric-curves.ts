// The metrics a report plots from metrics.jsonl (gan-train --eval-every): FID, KID, label
// accuracy, code purity, classes covered and class kept, each per preview band (and per
// reference, where a band is compared with several). The same extraction gives the values of
// gan-eval --baseline's untrained networks and real images, drawn as reference lines.
// Imports eval/ types only.
import type { BandMetrics, Metrics } from '../eval/evaluate';

export interface MetricDef {
  id: string;
  title: string;
  /** The values of one band, each under a key naming what it measures ("G(z)", "G(z) vs a"). */
  values(b: BandMetrics): { key: string; value: number }[];
}

function perReference(b: BandMetrics, of: (ref: string) => number): { key: string; value: number }[] {
  const refs = Object.keys(b.fid);
  return refs.map((ref) => ({ key: refs.length > 1 ? `${b.band} vs ${ref}` : b.band, value: of(ref) }));
}

export const METRICS: readonly MetricDef[] = [
  { id: 'fid', title: 'FID (lower is better)', values: (b) => perReference(b, (r) => b.fid[r]) },
  { id: 'kid', title: 'KID (lower is better)', values: (b) => perReference(b, (r) => b.kid[r]?.mean ?? NaN) },
  { id: 'label-accuracy', title: 'label accuracy', values: (b) => (b.labels ?? []).map((l) => ({ key: `${b.band} ${l.input}`, value: l.accuracy })) },
  { id: 'code-purity', title: 'code purity', values: (b) => (b.codes ?? []).map((c) => ({ key: `${b.band} ${c.input}`, value: c.meanPurity })) },
  { id: 'classes', title: 'classes covered (of 10)', values: (b) => [{ key: b.band, value: b.classes.covered }] },
  { id: 'class-kept', title: 'class kept by translation', values: (b) => (b.classKept === undefined ? [] : [{ key: b.band, value: b.classKept }]) },
];

/** One metric's values over steps: key -> [step, value][] (generated and derived bands only). */
export function metricCurves(metrics: readonly Metrics[], def: MetricDef): Map<string, [number, number][]> {
  const curves = new Map<string, [number, number][]>();
  for (const m of metrics) {
    if (m.step === undefined || !Array.isArray(m.bands)) continue;
    for (const b of m.bands) {
      if (b.role === 'source') continue;
      for (const { key, value } of def.values(b)) {
        if (!curves.has(key)) curves.set(key, []);
        curves.get(key)!.push([m.step, value]);
      }
    }
  }
  for (const points of curves.values()) points.sort((p, q) => p[0] - q[0]);
  return curves;
}

/** One metric of a single evaluation (the untrained networks, real images): its first value, if any. */
export function metricValue(m: Metrics | undefined, def: MetricDef): number | undefined {
  for (const b of m?.bands ?? []) {
    if (b.role === 'source') continue;
    const v = def.values(b).find((x) => Number.isFinite(x.value));
    if (v) return v.value;
  }
  return undefined;
}

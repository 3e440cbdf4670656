// Time to quality: the quality targets of issue 15 in one table, and when a run's metrics
// (metrics.jsonl records, or a folder run's scored step folders) first met each of them.
// Which targets apply is decided by what a band's metrics contain (a generated band, label
// accuracy, code statistics, a translation with its source), never by a model's name. The
// untrained reference is the run's own first record (step 0).
// Imports eval/ (types only).
import type { BandMetrics, MetricsRecord } from '../eval';

/** One record of a run: its metrics at a step, with the training wall time up to that step. */
export type StepMetrics = Pick<MetricsRecord, 'step' | 'trainSeconds' | 'bands'>;

export interface Target {
  id: string;
  /** What is asked, for the table. */
  what: string;
  /** Whether the band's metrics can say (undefined: the target does not apply to it). */
  applies: (band: BandMetrics, record: StepMetrics) => boolean;
  /** The band's value now (`untrained`: the same band at step 0) and whether it meets the target. */
  judge: (band: BandMetrics, untrained: BandMetrics | undefined, record: StepMetrics) => { value: number; met: boolean; shown: string } | undefined;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const fix = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/** The other references of a translation band: the domain it translates into. */
function targetRefs(band: BandMetrics): string[] {
  return Object.keys(band.fid).filter((r) => r !== band.source);
}

/** The source band (real images) a derived band starts from, in the same record. */
function sourceBand(band: BandMetrics, record: StepMetrics): BandMetrics | undefined {
  return record.bands.find((b) => b.role === 'source' && b.band === band.source);
}

/** The targets of issue 15; a band meets its targets when it meets every one that applies. */
export const TARGETS: readonly Target[] = [
  {
    id: 'classes',
    what: 'all ten classes',
    applies: (b) => b.role === 'generated',
    judge: (b) => ({ value: b.classes.covered, met: b.classes.covered >= 10, shown: `${b.classes.covered}/10` }),
  },
  {
    id: 'fid',
    what: "FID <= 1/5 of step 0's",
    applies: (b) => b.role === 'generated' && Object.keys(b.fid).length > 0,
    judge: (b, untrained) => {
      const refs = Object.keys(b.fid);
      if (!untrained) return undefined;
      const ratio = Math.max(...refs.map((r) => b.fid[r] / untrained.fid[r]));
      return { value: ratio, met: ratio <= 0.2, shown: `${refs.map((r) => fix(b.fid[r])).join('/')} (${fix(ratio, 3)} of step 0)` };
    },
  },
  {
    id: 'label-accuracy',
    what: 'label accuracy >= 90%',
    applies: (b) => (b.labels?.length ?? 0) > 0,
    judge: (b) => {
      const acc = Math.min(...b.labels!.map((l) => l.accuracy));
      return { value: acc, met: acc >= 0.9, shown: pct(acc) };
    },
  },
  {
    id: 'code-purity',
    what: 'code purity >= 70%, >= 8 distinct',
    applies: (b) => (b.codes?.length ?? 0) > 0,
    judge: (b) => {
      const c = b.codes!;
      const purity = Math.min(...c.map((k) => k.meanPurity));
      const distinct = Math.min(...c.map((k) => k.distinct));
      return { value: purity, met: purity >= 0.7 && distinct >= 8, shown: `${pct(purity)}, ${distinct} distinct` };
    },
  },
  {
    id: 'class-kept',
    what: 'class kept >= 90%',
    applies: (b) => b.role === 'derived' && b.depth === 1 && b.classKept !== undefined,
    judge: (b) => ({ value: b.classKept!, met: b.classKept! >= 0.9, shown: pct(b.classKept!) }),
  },
  {
    id: 'translation-fid',
    what: 'FID(A->B, B) <= FID(A, B)/2',
    applies: (b, record) => b.role === 'derived' && b.depth === 1 && targetRefs(b).length > 0 && targetRefs(b).every((r) => sourceBand(b, record)?.fid[r] !== undefined),
    judge: (b, _untrained, record) => {
      const src = sourceBand(b, record)!;
      const ratio = Math.max(...targetRefs(b).map((r) => b.fid[r] / src.fid[r]));
      return { value: ratio, met: ratio <= 0.5, shown: `${targetRefs(b).map((r) => fix(b.fid[r])).join('/')} (${fix(ratio, 3)} of FID(${b.source}, ${targetRefs(b).join('/')}))` };
    },
  },
];

export interface TargetResult {
  band: string;
  target: string;
  what: string;
  /** At step 0. */
  untrained?: string;
  /** First step meeting it, with the training seconds to it, or null: not met. */
  met: { step: number; trainSeconds: number | null; shown: string } | null;
  /** The last record's value (and the best one, for targets not met). */
  last: { step: number; trainSeconds: number | null; shown: string };
  best?: { step: number; shown: string };
}

export interface QualityReport {
  /** The records read, by step. */
  steps: number[];
  /** Whether step 0 (the untrained reference) is among them. */
  hasUntrained: boolean;
  results: TargetResult[];
  /** The first step meeting every target, or null. */
  allMet: { step: number; trainSeconds: number | null } | null;
}

/** Matches a band of one record to the same band of another: by name, else by position. */
function sameBand(records: StepMetrics, band: BandMetrics, index: number): BandMetrics | undefined {
  return records.bands.find((b) => b.band === band.band) ?? records.bands[index];
}

/**
 * When each target was first met. `records` are a run's metrics in any order (sorted by step
 * here); the untrained reference is the record of step 0, when present (without it, the FID
 * target cannot be judged and says so).
 */
export function timeToQuality(records: readonly StepMetrics[], targets: readonly Target[] = TARGETS): QualityReport {
  const sorted = [...records].sort((a, b) => a.step - b.step);
  if (sorted.length === 0) return { steps: [], hasUntrained: false, results: [], allMet: null };
  const base = sorted[0].step === 0 ? sorted[0] : undefined;
  const last = sorted[sorted.length - 1];
  const results: TargetResult[] = [];
  // Rows: every band and target of the last record that applies.
  last.bands.forEach((band, index) => {
    for (const t of targets) {
      if (!t.applies(band, last)) continue;
      const judged = sorted.map((r) => {
        const b = sameBand(r, band, index);
        const u = base ? sameBand(base, band, index) : undefined;
        return { r, j: b && t.applies(b, r) ? t.judge(b, u, r) : undefined };
      });
      const first = judged.find((x) => x.j?.met);
      const lastJ = judged[judged.length - 1].j;
      const higherIsBetter = t.id !== 'fid' && t.id !== 'translation-fid';
      const best = judged.filter((x) => x.j).reduce<(typeof judged)[number] | undefined>(
        (acc, x) => (!acc || (higherIsBetter ? x.j!.value > acc.j!.value : x.j!.value < acc.j!.value) ? x : acc), undefined);
      const untrainedJ = base ? judged[0].j : undefined;
      results.push({
        band: band.band,
        target: t.id,
        what: t.what,
        ...(untrainedJ ? { untrained: untrainedJ.shown } : {}),
        met: first ? { step: first.r.step, trainSeconds: first.r.trainSeconds ?? null, shown: first.j!.shown } : null,
        last: { step: last.step, trainSeconds: last.trainSeconds ?? null, shown: lastJ?.shown ?? (base ? 'n/a' : 'no step 0 to compare with') },
        ...(!first && best ? { best: { step: best.r.step, shown: best.j!.shown } } : {}),
      });
    }
  });
  // Every target at once: the first record meeting all of them.
  const allAt = sorted.find((r) => results.every((res) => {
    const index = last.bands.findIndex((b) => b.band === res.band);
    const b = sameBand(r, last.bands[index], index);
    const t = targets.find((x) => x.id === res.target)!;
    const u = base ? sameBand(base, last.bands[index], index) : undefined;
    return b !== undefined && t.applies(b, r) && t.judge(b, u, r)?.met === true;
  }));
  return {
    steps: sorted.map((r) => r.step),
    hasUntrained: base !== undefined,
    results,
    allMet: results.length > 0 && allAt ? { step: allAt.step, trainSeconds: allAt.trainSeconds ?? null } : null,
  };
}

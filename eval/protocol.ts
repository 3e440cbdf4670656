// The metric protocol of an evaluation: what its numbers depend on besides the generator (the
// evaluator's weights, the samples per band, each reference's split and size, the KID block), and
// the check that two results were made under the same one before they are put side by side
// (gan-report's tables), and the most samples per band. Imports eval/ types only.
import type { Metrics } from './evaluate';

/** The most samples per band an evaluation draws (gan-eval --n, gan-train --eval-n): 10x the MNIST test split. */
export const MAX_EVAL_SAMPLES = 100_000;

export interface MetricProtocol {
  /** SHA-256 of the evaluator's weights file (null: an evaluator given in memory, not loaded from files). */
  evaluatorSha256: string | null;
  /** Samples per band. */
  samples: number;
  /** Per real input: the split its reference images come from, and how many. */
  references: Record<string, { split: 'test' | 'train'; n: number }>;
  /** KID's block size. */
  kidBlock: number;
}

const short = (hash: string | null) => (hash === null ? 'an unhashed evaluator' : `evaluator ${hash.slice(0, 12)}`);

/**
 * How the protocols of `a` and `b` differ, one phrase each ("2000 samples vs 500", ...); empty when
 * they are the same. A result that records no protocol (older ganspec) differs from any that does.
 */
export function protocolDifferences(a: Pick<Metrics, 'protocol'>, b: Pick<Metrics, 'protocol'>): string[] {
  const p = a.protocol;
  const q = b.protocol;
  if (p === undefined && q === undefined) return [];
  if (p === undefined || q === undefined) return [`${p === undefined ? 'the first' : 'the second'} records no protocol (evaluated before ganspec recorded it)`];
  const out: string[] = [];
  if (p.evaluatorSha256 !== q.evaluatorSha256) out.push(`${short(p.evaluatorSha256)} vs ${short(q.evaluatorSha256)}`);
  if (p.samples !== q.samples) out.push(`${p.samples} samples vs ${q.samples}`);
  for (const name of [...new Set([...Object.keys(p.references), ...Object.keys(q.references)])]) {
    const [r, s] = [p.references[name], q.references[name]];
    const show = (x: typeof r) => (x === undefined ? 'none' : `${x.n} ${x.split} images`);
    if (r?.split !== s?.split || r?.n !== s?.n) out.push(`reference ${name}: ${show(r)} vs ${show(s)}`);
  }
  if (p.kidBlock !== q.kidBlock) out.push(`KID block ${p.kidBlock} vs ${q.kidBlock}`);
  return out;
}
